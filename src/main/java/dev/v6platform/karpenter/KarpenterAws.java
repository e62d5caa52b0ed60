package dev.v6platform.karpenter;

import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.cluster.PlatformCluster;
import dev.v6platform.kubernetes.KubeObjects;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.AccessEntry;
import software.amazon.awscdk.services.eks_v2.AccessEntryType;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.iam.CompositePrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The AWS side of Karpenter for one {@link Ipv6Cluster}:
 * <ul>
 *   <li>the node role ({@code <cluster>-karpenter-node}): EKS worker, ECR pull-only, SSM, and the cluster's IPv6 CNI
 *       policy, with an {@code EC2_LINUX} access entry;</li>
 *   <li>the controller role, reached through an EKS Pod Identity association for
 *       {@code kube-system/karpenter}, with upstream's six managed policies ({@link ControllerPolicy}: no single
 *       policy nears IAM's 6,144 characters), scoped like upstream's reference policies: instances, fleets,
 *       volumes, interfaces and launch templates only when tagged {@code kubernetes.io/cluster/<cluster>=owned} and
 *       {@code karpenter.sh/nodepool}, instance profiles only when tagged for the cluster and region, PassRole of the
 *       node role to EC2 only, reads limited to the region, {@code eks:DescribeCluster} on this cluster (IPv6
 *       clusters need it to learn the service CIDR);</li>
 *   <li>the interruption queue ({@code <cluster>-karpenter}): SQS, 300 s retention, SSE, TLS-only, fed by
 *       EventBridge rules for spot interruption warnings, rebalance recommendations, instance state changes, AWS
 *       Health events and capacity reservation interruptions.</li>
 * </ul>
 *
 * <pre>{@code
 * KarpenterAws aws = new KarpenterAws(stack, "Karpenter", cluster);
 * }</pre>
 *
 * @see <a href="https://karpenter.sh/docs/reference/cloudformation/">Karpenter's reference CloudFormation</a>
 */
public final class KarpenterAws extends Construct {
    /** Namespace and service account of the controller. */
    public static final String NAMESPACE = "kube-system";
    public static final String SERVICE_ACCOUNT = "karpenter";

    private final Role nodeRole;
    private final Role controllerRole;
    private final Queue queue;
    private final String queueName;
    private final List<Rule> rules = new ArrayList<>();

    /** Karpenter's AWS side for {@code cluster}, created here or imported from another stack or account. */
    public KarpenterAws(Construct scope, String id, PlatformCluster cluster) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String name = cluster.literalName();
        String clusterName = cluster.clusterName();

        this.nodeRole = Role.Builder.create(this, "NodeRole")
                .roleName(nodeRoleName(name))
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Nodes Karpenter launches for " + name)
                .managedPolicies(Ipv6Cluster.NODE_MANAGED_POLICIES.stream()
                        .map(ManagedPolicy::fromAwsManagedPolicyName).toList())
                .build();
        cluster.registerNodeRole(nodeRole);
        Ipv6Cluster.acknowledgeNodeRolePolicies(nodeRole);
        AccessEntry.Builder.create(this, "NodeAccess")
                .cluster(cluster.cluster())
                .principal(nodeRole.getRoleArn())
                .accessEntryType(AccessEntryType.EC2_LINUX)
                .accessPolicies(List.of())
                .build();

        this.queueName = name + "-karpenter";
        this.queue = Queue.Builder.create(this, "InterruptionQueue")
                .queueName(queueName)
                .retentionPeriod(Duration.seconds(300))
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .build();
        Validations.of(queue).acknowledge(Acknowledgment.builder().id("AwsSolutions-SQS3")
                .reason("Interruption events are only useful within minutes; Karpenter deletes each after acting on "
                        + "it, and a dead-letter queue would keep stale events nobody consumes").build());
        Map<String, EventPattern> events = new LinkedHashMap<>();
        events.put("ScheduledChangeRule", pattern("aws.health", "AWS Health Event"));
        events.put("SpotInterruptionRule", pattern("aws.ec2", "EC2 Spot Instance Interruption Warning"));
        events.put("RebalanceRule", pattern("aws.ec2", "EC2 Instance Rebalance Recommendation"));
        events.put("InstanceStateChangeRule", pattern("aws.ec2", "EC2 Instance State-change Notification"));
        events.put("CapacityReservationInterruptionRule", pattern("aws.ec2",
                "EC2 Capacity Reservation Instance Interruption Warning"));
        events.forEach((ruleId, pattern) -> rules.add(Rule.Builder.create(this, ruleId)
                .eventPattern(pattern)
                .targets(List.of(new SqsQueue(queue)))
                .build()));

        List<ManagedPolicy> controllerPolicies = new ArrayList<>();
        controllerStatements(name, clusterName).forEach((policy, statements) -> {
            ManagedPolicy p = ManagedPolicy.Builder.create(this, policy.id())
                    .managedPolicyName(name + "-karpenter-" + policy.suffix())
                    .description("Karpenter's controller in " + name + ": " + policy.description())
                    .statements(statements)
                    .build();
            acknowledgeControllerPolicy(p);
            controllerPolicies.add(p);
        });
        this.controllerRole = Role.Builder.create(this, "ControllerRole")
                .assumedBy(new CompositePrincipal(new ServicePrincipal("pods.eks.amazonaws.com").withSessionTags()
                        .withConditions(Map.of("StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))))
                .description("Karpenter's controller (" + NAMESPACE + "/" + SERVICE_ACCOUNT + ") in " + name)
                .managedPolicies(List.copyOf(controllerPolicies))
                .build();
        CfnPodIdentityAssociation association = CfnPodIdentityAssociation.Builder.create(this, "PodIdentity")
                .clusterName(clusterName)
                .namespace(NAMESPACE)
                .serviceAccount(SERVICE_ACCOUNT)
                .roleArn(controllerRole.getRoleArn())
                .build();
        cluster.podIdentityAgent().ifPresent(agent -> association.getNode().addDependency(agent));
    }

    private static EventPattern pattern(String source, String detailType) {
        return EventPattern.builder().source(List.of(source)).detailType(List.of(detailType)).build();
    }

    /**
     * The controller's managed policies, split as Karpenter's reference CloudFormation (v1.14) splits them, so that
     * none nears IAM's 6,144-character limit on a managed policy; in order.
     */
    public enum ControllerPolicy {
        NODE_LIFECYCLE("NodeLifecyclePolicy", "node-lifecycle", "launch, tag and terminate nodes tagged for the "
                + "cluster"),
        IAM_INTEGRATION("IAMIntegrationPolicy", "iam-integration", "pass the node role, manage the instance "
                + "profiles of its EC2NodeClasses"),
        EKS_INTEGRATION("EKSIntegrationPolicy", "eks-integration", "describe the cluster (its endpoint and IPv6 "
                + "service CIDR)"),
        INTERRUPTION("InterruptionPolicy", "interruption", "read and delete interruption events"),
        ZONAL_SHIFT("ZonalShiftPolicy", "zonal-shift", "read the cluster's ARC zonal shift status"),
        RESOURCE_DISCOVERY("ResourceDiscoveryPolicy", "resource-discovery", "read the region's instance types, "
                + "prices, subnets, security groups, images and AMI parameters");

        private final String id;
        private final String suffix;
        private final String description;

        ControllerPolicy(String id, String suffix, String description) {
            this.id = id;
            this.suffix = suffix;
            this.description = description;
        }

        /** The construct id, under the {@link KarpenterAws}. */
        public String id() {
            return id;
        }

        /** The policy's name is {@code <cluster>-karpenter-<suffix>}. */
        public String suffix() {
            return suffix;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The controller's statements by policy, following Karpenter v1's reference policies (v1.14): launch, tag and
     * delete only what carries the cluster's and a NodePool's tags; instance profiles only when tagged for the
     * cluster, the region and an EC2NodeClass; reads limited to the region.
     */
    private Map<ControllerPolicy, List<PolicyStatement>> controllerStatements(String name, String clusterName) {
        String ec2 = "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION;
        String account = ":" + Aws.ACCOUNT_ID + ":";
        String owned = "aws:RequestTag/kubernetes.io/cluster/" + name;
        String ownedResource = "aws:ResourceTag/kubernetes.io/cluster/" + name;
        String nodeClassTag = "karpenter.k8s.aws/ec2nodeclass";
        List<String> created = List.of(ec2 + account + "fleet/*", ec2 + account + "instance/*", ec2 + account
                + "volume/*", ec2 + account + "network-interface/*", ec2 + account + "launch-template/*", ec2 + account
                + "spot-instances-request/*");
        Map<ControllerPolicy, List<PolicyStatement>> out = new LinkedHashMap<>();
        for (ControllerPolicy p : ControllerPolicy.values()) {
            out.put(p, new ArrayList<>());
        }
        List<PolicyStatement> s = out.get(ControllerPolicy.NODE_LIFECYCLE);
        s.add(statement("AllowScopedEC2InstanceAccessActions", List.of("ec2:RunInstances", "ec2:CreateFleet"),
                // subnets and capacity reservations may be shared through RAM: their ARNs carry the owner's account
                List.of(ec2 + "::image/*", ec2 + "::snapshot/*", ec2 + account + "security-group/*", ec2
                        + ":*:subnet/*", ec2 + ":*:capacity-reservation/*", ec2 + account + "placement-group/*"),
                Map.of()));
        s.add(statement("AllowScopedEC2LaunchTemplateAccessActions", List.of("ec2:RunInstances", "ec2:CreateFleet"),
                List.of(ec2 + account + "launch-template/*"), Map.of(
                        "StringEquals", Map.of(ownedResource, "owned"),
                        "StringLike", Map.of("aws:ResourceTag/karpenter.sh/nodepool", "*"))));
        s.add(statement("AllowScopedEC2InstanceActionsWithTags", List.of("ec2:RunInstances", "ec2:CreateFleet",
                "ec2:CreateLaunchTemplate"), created, Map.of(
                        "StringEquals", Map.of(owned, "owned", "aws:RequestTag/eks:eks-cluster-name", name),
                        "StringLike", Map.of("aws:RequestTag/karpenter.sh/nodepool", "*"))));
        s.add(statement("AllowScopedResourceCreationTagging", List.of("ec2:CreateTags"), created, Map.of(
                "StringEquals", Map.of(owned, "owned", "aws:RequestTag/eks:eks-cluster-name", name,
                        "ec2:CreateAction", List.of("RunInstances", "CreateFleet", "CreateLaunchTemplate")),
                "StringLike", Map.of("aws:RequestTag/karpenter.sh/nodepool", "*"))));
        s.add(statement("AllowScopedResourceTagging", List.of("ec2:CreateTags"), List.of(ec2 + account + "instance/*"),
                Map.of("StringEquals", Map.of(ownedResource, "owned"),
                        "StringLike", Map.of("aws:ResourceTag/karpenter.sh/nodepool", "*"),
                        "StringEqualsIfExists", Map.of("aws:RequestTag/eks:eks-cluster-name", name),
                        "ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of("eks:eks-cluster-name",
                                "karpenter.sh/nodeclaim", "Name")))));
        s.add(statement("AllowScopedDeletion", List.of("ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"),
                List.of(ec2 + account + "instance/*", ec2 + account + "launch-template/*"), Map.of(
                        "StringEquals", Map.of(ownedResource, "owned"),
                        "StringLike", Map.of("aws:ResourceTag/karpenter.sh/nodepool", "*"))));
        s = out.get(ControllerPolicy.RESOURCE_DISCOVERY);
        s.add(statement("AllowRegionalReadActions", List.of("ec2:DescribeAvailabilityZones", "ec2:DescribeImages",
                "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "ec2:DescribeCapacityReservations",
                "ec2:DescribePlacementGroups"), List.of("*"), Map.of("StringEquals", Map.of("aws:RequestedRegion",
                        Aws.REGION))));
        s.add(statement("AllowSSMReadActions", List.of("ssm:GetParameter"), List.of("arn:" + Aws.PARTITION
                + ":ssm:" + Aws.REGION + "::parameter/aws/service/*"), Map.of()));
        s.add(statement("AllowPricingReadActions", List.of("pricing:GetProducts"), List.of("*"), Map.of()));
        s = out.get(ControllerPolicy.INTERRUPTION);
        s.add(statement("AllowInterruptionQueueActions", List.of("sqs:DeleteMessage", "sqs:GetQueueUrl",
                "sqs:ReceiveMessage"), List.of(queue.getQueueArn()), Map.of()));
        s = out.get(ControllerPolicy.IAM_INTEGRATION);
        s.add(statement("AllowPassingInstanceRole", List.of("iam:PassRole"), List.of(nodeRole.getRoleArn()),
                Map.of("StringEquals", Map.of("iam:PassedToService", List.of("ec2.amazonaws.com",
                        "ec2.amazonaws.com.cn")))));
        String profileRegion = "aws:RequestTag/topology.kubernetes.io/region";
        String profileRegionResource = "aws:ResourceTag/topology.kubernetes.io/region";
        s.add(statement("AllowScopedInstanceProfileCreationActions", List.of("iam:CreateInstanceProfile"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":instance-profile/*"),
                Map.of("StringEquals", Map.of(owned, "owned", profileRegion, Aws.REGION,
                        "aws:RequestTag/eks:eks-cluster-name", name),
                        "StringLike", Map.of("aws:RequestTag/" + nodeClassTag, "*"))));
        s.add(statement("AllowScopedInstanceProfileTagActions", List.of("iam:TagInstanceProfile"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":instance-profile/*"),
                Map.of("StringEquals", Map.of(ownedResource, "owned", profileRegionResource, Aws.REGION, owned,
                        "owned", profileRegion, Aws.REGION, "aws:RequestTag/eks:eks-cluster-name", name),
                        "StringLike", Map.of("aws:ResourceTag/" + nodeClassTag, "*",
                                "aws:RequestTag/" + nodeClassTag, "*"))));
        s.add(statement("AllowScopedInstanceProfileActions", List.of("iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"),
                List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":instance-profile/*"), Map.of(
                        "StringEquals", Map.of(ownedResource, "owned", profileRegionResource, Aws.REGION),
                        "StringLike", Map.of("aws:ResourceTag/" + nodeClassTag, "*"))));
        s = out.get(ControllerPolicy.RESOURCE_DISCOVERY);
        // upstream lists instance profiles on "*"; IAM evaluates the list against instance-profile/<path>, so this
        // account's instance profiles are enough (Karpenter's instance profile garbage collection lists them)
        s.add(statement("AllowInstanceProfileReadActions", List.of("iam:GetInstanceProfile",
                "iam:ListInstanceProfiles"), List.of("arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID
                        + ":instance-profile/*"), Map.of()));
        String clusterArn = "arn:" + Aws.PARTITION + ":eks:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":cluster/"
                + clusterName;
        out.get(ControllerPolicy.EKS_INTEGRATION).add(statement("AllowAPIServerEndpointDiscovery",
                List.of("eks:DescribeCluster"), List.of(clusterArn), Map.of()));
        // Karpenter reads whether ARC has shifted traffic away from a zone of the cluster, and avoids that zone
        out.get(ControllerPolicy.ZONAL_SHIFT).add(statement("AllowZonalShiftStatusReadOnly",
                List.of("arc-zonal-shift:GetManagedResource"), List.of("*"), Map.of("StringEquals",
                        Map.of("arc-zonal-shift:ResourceIdentifier", clusterArn))));
        return out;
    }
    private static PolicyStatement statement(String sid, List<String> actions, List<String> resources,
            Map<String, Object> conditions) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions)
                .resources(resources);
        if (!conditions.isEmpty()) {
            // sorted: Map.of iterates in a different order in every JVM, and the template must not
            @SuppressWarnings("unchecked")
            Map<String, Object> sorted = (Map<String, Object>) KubeObjects.sorted(conditions);
            b.conditions(sorted);
        }
        return b.build();
    }

    /** cdk-nag's wildcard findings on a controller policy, each with why the wildcard is there. */
    private static void acknowledgeControllerPolicy(ManagedPolicy policy) {
        String ec2 = "arn:<AWS::Partition>:ec2:<AWS::Region>";
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("*", "EC2 Describe*, pricing:GetProducts and "
                + "arc-zonal-shift:GetManagedResource support no resource scoping; they are limited by "
                + "aws:RequestedRegion or to the cluster's ARN by a condition where IAM has one, as in Karpenter's "
                + "reference policies");
        String created = "Karpenter creates these with generated ids; every statement on them requires the tags "
                + "kubernetes.io/cluster/<cluster>=owned and karpenter.sh/nodepool";
        for (String type : List.of("fleet", "instance", "launch-template", "network-interface", "volume")) {
            reasons.put(ec2 + ":<AWS::AccountId>:" + type + "/*", created);
        }
        reasons.put(ec2 + ":<AWS::AccountId>:spot-instances-request/*", created);
        String referenced = "RunInstances and CreateFleet name the subnets, security groups, capacity reservations "
                + "and placement groups the EC2NodeClass selects (this account, the region) and the AMIs and "
                + "snapshots it resolves (owned by AWS, so no account); the ids are not known when the policy is "
                + "written";
        for (String type : List.of(":<AWS::AccountId>:security-group/*", "::image/*", "::snapshot/*",
                ":<AWS::AccountId>:placement-group/*")) {
            reasons.put(ec2 + type, referenced);
        }
        String shared = "RunInstances and CreateFleet name the subnets and capacity reservations the EC2NodeClass "
                + "selects; in a shared VPC or with reservations shared through RAM they belong to the owner's "
                + "account, so the account is open; limited to the region";
        reasons.put(ec2 + ":*:subnet/*", shared);
        reasons.put(ec2 + ":*:capacity-reservation/*", shared);
        reasons.put("arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/*", "Karpenter names the instance "
                + "profiles it creates; creation, tagging and role changes require the cluster's, region's and "
                + "EC2NodeClass's tags");
        reasons.put("arn:<AWS::Partition>:ssm:<AWS::Region>::parameter/aws/service/*", "Karpenter resolves AMI "
                + "aliases through AWS's public parameters under /aws/service/");
        List<Acknowledgment> acks = new ArrayList<>();
        reasons.forEach((resource, reason) -> acks.add(Acknowledgment.builder()
                .id("AwsSolutions-IAM5[Resource::" + resource + "]").reason(reason).build()));
        Validations.of(policy).acknowledge(acks.toArray(Acknowledgment[]::new));
    }

    /** The node role's name for a cluster, as the EC2NodeClasses reference it. */
    public static String nodeRoleName(String clusterName) {
        return clusterName + "-karpenter-node";
    }

    public Role nodeRole() {
        return nodeRole;
    }

    public Role controllerRole() {
        return controllerRole;
    }

    /** The interruption queue's name (literal), for the chart's {@code settings.interruptionQueue}. */
    public String queueName() {
        return queueName;
    }

    /** The interruption queue. */
    public Queue queue() {
        return queue;
    }

    public List<Rule> rules() {
        return List.copyOf(rules);
    }
}
