package dev.v6platform.cluster;

import dev.v6platform.config.ClusterSpec;
import dev.v6platform.network.DualStackVpc;
import dev.v6platform.security.PlatformKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CfnTag;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.CfnLaunchTemplate;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.eks.CfnAddon;
import software.amazon.awscdk.services.eks_v2.AccessPolicy;
import software.amazon.awscdk.services.eks_v2.AccessPolicyNameOptions;
import software.amazon.awscdk.services.eks_v2.AccessScopeType;
import software.amazon.awscdk.services.eks_v2.CapacityType;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterAttributes;
import software.amazon.awscdk.services.eks_v2.ClusterLoggingTypes;
import software.amazon.awscdk.services.eks_v2.DefaultCapacityType;
import software.amazon.awscdk.services.eks_v2.EndpointAccess;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.eks_v2.IpFamily;
import software.amazon.awscdk.services.eks_v2.KubectlProviderOptions;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.eks_v2.LaunchTemplateSpec;
import software.amazon.awscdk.services.eks_v2.Nodegroup;
import software.amazon.awscdk.services.eks_v2.NodegroupAmiType;
import software.amazon.awscdk.services.eks_v2.NodegroupOptions;
import software.amazon.awscdk.services.eks_v2.TaintEffect;
import software.amazon.awscdk.services.eks_v2.TaintSpec;
import software.amazon.awscdk.services.iam.CompositePrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * An IPv6 EKS cluster with the wiring IPv6 clusters fail without.
 *
 * <ul>
 *   <li>aws-cdk-lib {@code eks_v2.Cluster}: a native {@code AWS::EKS::Cluster} (no custom-resource Lambda), API
 *       authentication with access entries. Chosen over {@code aws-eks}, whose cluster is a custom resource that
 *       needs a kubectl Lambda even to exist. IPv6 family, secrets encrypted with the platform key, every
 *       control-plane log type, a private endpoint (public only for listed CIDRs), and a control-plane security
 *       group that allows IPv4 and IPv6 egress (eks_v2's own allows IPv4 only). The cluster creator gets no
 *       implicit admin: the listed admins and viewers get access entries.</li>
 *   <li>Core add-ons as EKS managed add-ons at pinned versions: {@code eks-pod-identity-agent}, {@code vpc-cni}
 *       (IPv6 with prefix delegation, under its own Pod Identity role that holds the IPv6 CNI policy),
 *       {@code kube-proxy} and {@code coredns} (tolerating the system nodes' taint). EKS installs no self-managed
 *       defaults ({@code bootstrapSelfManagedAddons: false}).</li>
 *   <li>The IPv6 CNI policy, which AWS does not ship, as a customer-managed policy named {@code <cluster>-vpc-cni-ipv6}.
 *       Every node role that can run pods gets it too ({@link #registerNodeRole}); the platform's validation
 *       rules fail synth for a node role without it.</li>
 *   <li>A managed node group of Graviton instances (AL2023 arm64) in the node subnets for cluster-critical pods,
 *       tainted {@code CriticalAddonsOnly=true:NoSchedule}, IMDSv2 required with a hop limit of 1 (pods use Pod
 *       Identity, not the node's credentials), encrypted gp3 root volume.</li>
 * </ul>
 *
 * <pre>{@code
 * Ipv6Cluster cluster = new Ipv6Cluster(stack, "Cluster", Ipv6ClusterProps.builder()
 *         .clusterName("v6-dev-use1").version(new KubernetesVersion(34))
 *         .network(ClusterNetwork.of(vpc)).secretsKey(key)
 *         .admins(List.of("arn:aws:iam::111111111111:role/platform-admins"))
 *         .addonVersions(versions).build());
 * }</pre>
 *
 * @see <a href="https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html">IPv6 clusters</a>
 * @see <a href="https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html">VPC CNI IAM role</a>
 */
public final class Ipv6Cluster extends Construct implements PlatformCluster {
    /** Taint of the system nodes; Karpenter's chart and the CoreDNS add-on tolerate it. */
    public static final String CRITICAL_ADDONS_TAINT = "CriticalAddonsOnly";
    /** Label of the system nodes. */
    public static final String NODE_ROLE_LABEL = "v6-platform.dev/node-role";

    private final Cluster cluster;
    private final SecurityGroup securityGroup;
    private final ManagedPolicy cniPolicy;
    private final Role cniRole;
    private final Role systemNodeRole;
    private final Nodegroup systemNodes;
    private final Map<String, CfnAddon> addons = new LinkedHashMap<>();
    private final List<IRole> nodeRoles = new ArrayList<>();
    private final String literalName;
    private final LogGroup logGroup;

    public Ipv6Cluster(Construct scope, String id, Ipv6ClusterProps props) {
        super(scope, id);
        String name = props.clusterName();
        this.literalName = name;
        this.securityGroup = SecurityGroup.Builder.create(this, "ControlPlaneSecurityGroup")
                .vpc(props.network().vpc())
                .description("EKS control plane of " + name + ": IPv4 and IPv6 egress")
                .allowAllOutbound(true)
                .allowAllIpv6Outbound(true)
                .build();
        for (String cidr : props.privateAccessCidrs()) {
            securityGroup.addIngressRule(cidr.contains(":") ? Peer.ipv6(cidr) : Peer.ipv4(cidr), Port.tcp(443),
                    "Kubernetes API from " + cidr);
        }
        Cluster.Builder clusterBuilder = Cluster.Builder.create(this, "Resource")
                .clusterName(name)
                .version(KubernetesVersion.of(props.version().toString()))
                .ipFamily(IpFamily.IP_V6)
                .vpc(props.network().vpc())
                .vpcSubnets(List.of(props.network().controlPlaneSelection()))
                .securityGroup(securityGroup)
                .endpointAccess(props.publicAccessCidrs().isEmpty() ? EndpointAccess.PRIVATE
                        : EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(props.publicAccessCidrs().toArray(String[]::new)))
                .secretsEncryptionKey(props.secretsKey())
                .clusterLogging(List.of(ClusterLoggingTypes.API, ClusterLoggingTypes.AUDIT,
                        ClusterLoggingTypes.AUTHENTICATOR, ClusterLoggingTypes.CONTROLLER_MANAGER,
                        ClusterLoggingTypes.SCHEDULER))
                .defaultCapacityType(DefaultCapacityType.NODEGROUP)
                .defaultCapacity(0)
                .bootstrapClusterCreatorAdminPermissions(false)
                .bootstrapSelfManagedAddons(false);
        props.kubectlLayer().ifPresent(layer -> clusterBuilder.kubectlProviderOptions(
                KubectlProviderOptions.builder().kubectlLayer(layer).build()));
        this.cluster = clusterBuilder.build();
        CfnResource cfnCluster = (CfnResource) cluster.getNode().getDefaultChild();
        // eks_v2 has no prop for it; unset, EKS bills extended support when the version leaves standard support
        cfnCluster.addPropertyOverride("UpgradePolicy.SupportType", props.supportType().label());
        // EKS would create /aws/eks/<cluster>/cluster itself, kept forever and unencrypted: create it first
        this.logGroup = LogGroup.Builder.create(this, "ControlPlaneLogs")
                .logGroupName(controlPlaneLogGroup(name))
                .retention(DualStackVpc.retention(props.logRetentionDays()))
                .encryptionKey(props.secretsKey())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        cfnCluster.getNode().addDependency(logGroup);
        allowLogsToUseKey(props.secretsKey(), name);
        if (cluster.getKubectlProvider() != null) {
            acknowledgeKubectlProvider(cluster.getKubectlProvider());
            encryptLogGroups(cluster.getKubectlProvider(), props.secretsKey());
        }
        // EKS encrypts secrets with the key through the cluster role (eks_v2 grants nothing by itself); the cluster
        // waits for the grant, or its creation could race it
        Policy keyUse = Policy.Builder.create(this, "SecretsKeyPolicy")
                .roles(List.of(cluster.getRole()))
                .statements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"))
                        .resources(List.of(props.secretsKey().getKeyArn())).build()))
                .build();
        cluster.getNode().getDefaultChild().getNode().addDependency(keyUse);
        Validations.of(cluster.getRole()).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]")
                .reason("The EKS service role needs the AWS-managed AmazonEKSClusterPolicy; AWS keeps it current")
                .build());
        Validations.of(cluster).acknowledge(Acknowledgment.builder()
                .id("Annotation::@aws-cdk/aws-eks:clusterMustManuallyTagSubnet")
                .reason("DualStackVpc tags the subnets itself: kubernetes.io/role/elb on public subnets, "
                        + "kubernetes.io/role/internal-elb and karpenter.sh/discovery on node subnets").build());
        props.publicAccessReason().ifPresent(reason -> Validations.of(this).acknowledge(Acknowledgment.builder()
                .id(PlatformRuleIds.PUBLIC_ENDPOINT_OPEN).reason(reason).build()));
        grant(props.admins(), "Admin", "AmazonEKSClusterAdminPolicy");
        grant(props.viewers(), "Viewer", "AmazonEKSViewPolicy");

        this.cniPolicy = ManagedPolicy.Builder.create(this, "CniIpv6Policy")
                .managedPolicyName(name + "-vpc-cni-ipv6")
                .description("What the Amazon VPC CNI needs in an IPv6 cluster (AWS ships no managed policy for it)")
                .statements(cniStatements())
                .build();
        Validations.of(cniPolicy).acknowledge(
                Acknowledgment.builder().id("AwsSolutions-IAM5[Resource::*]").reason("The VPC CNI's Describe* "
                        + "actions support no resource-level permissions").build(),
                Acknowledgment.builder().id("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:"
                        + "<AWS::AccountId>:network-interface/*]").reason("The VPC CNI assigns IPv6 addresses to and "
                        + "tags the network interfaces it creates, whose ids it cannot know in advance; limited to "
                        + "this account's network interfaces in the region").build());
        this.cniRole = Role.Builder.create(this, "CniRole")
                .assumedBy(podIdentity(Stack.of(this).getAccount()))
                .description("Pod Identity role of the VPC CNI (kube-system/aws-node) in " + name)
                .managedPolicies(List.of(cniPolicy))
                .build();

        CfnAddon podIdentityAgent = addon("eks-pod-identity-agent", props, null, null);
        CfnAddon vpcCni = addon("vpc-cni", props, "{\"enableNetworkPolicy\":\"true\",\"env\":{"
                + "\"ENABLE_PREFIX_DELEGATION\":\"true\"}}",
                CfnAddon.PodIdentityAssociationProperty.builder().serviceAccount("aws-node")
                        .roleArn(cniRole.getRoleArn()).build());
        vpcCni.getNode().addDependency(podIdentityAgent);
        CfnAddon kubeProxy = addon("kube-proxy", props, null, null);

        this.systemNodeRole = Role.Builder.create(this, "SystemNodeRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Nodes of " + name + "'s system node group")
                .managedPolicies(nodePolicies())
                .build();
        registerNodeRole(systemNodeRole);
        acknowledgeNodeRolePolicies(systemNodeRole);
        List<CfnTag> instanceTags = new ArrayList<>();
        instanceTags.add(CfnTag.builder().key("Name").value(name + "-system").build());
        props.instanceTags().forEach((k, v) -> instanceTags.add(CfnTag.builder().key(k).value(v).build()));
        List<CfnLaunchTemplate.TagSpecificationProperty> tagSpecifications = new ArrayList<>();
        for (String type : List.of("instance", "volume", "network-interface")) {
            tagSpecifications.add(CfnLaunchTemplate.TagSpecificationProperty.builder().resourceType(type)
                    .tags(instanceTags).build());
        }
        CfnLaunchTemplate template = CfnLaunchTemplate.Builder.create(this, "SystemNodeLaunchTemplate")
                .launchTemplateData(CfnLaunchTemplate.LaunchTemplateDataProperty.builder()
                        .tagSpecifications(tagSpecifications)
                        .metadataOptions(CfnLaunchTemplate.MetadataOptionsProperty.builder()
                                .httpEndpoint("enabled")
                                .httpTokens("required")
                                .httpPutResponseHopLimit(1)
                                .httpProtocolIpv6("disabled")
                                .build())
                        .blockDeviceMappings(List.of(CfnLaunchTemplate.BlockDeviceMappingProperty.builder()
                                .deviceName("/dev/xvda")
                                .ebs(CfnLaunchTemplate.EbsProperty.builder()
                                        .volumeType("gp3").volumeSize(40).encrypted(true).deleteOnTermination(true)
                                        .build())
                                .build()))
                        .build())
                .build();
        this.systemNodes = cluster.addNodegroupCapacity("System", NodegroupOptions.builder()
                .amiType(NodegroupAmiType.AL2023_ARM_64_STANDARD)
                .instanceTypes(props.systemNodes().instanceTypes().stream()
                        .map(software.amazon.awscdk.services.ec2.InstanceType::new).toList())
                .capacityType(CapacityType.ON_DEMAND)
                .minSize(props.systemNodes().minSize())
                .maxSize(props.systemNodes().maxSize())
                .desiredSize(props.systemNodes().desiredSize())
                .subnets(props.network().nodeSelection())
                .nodeRole(systemNodeRole)
                .launchTemplateSpec(LaunchTemplateSpec.builder().id(template.getRef())
                        .version(template.getAttrLatestVersionNumber()).build())
                .taints(List.of(TaintSpec.builder().key(CRITICAL_ADDONS_TAINT).value("true")
                        .effect(TaintEffect.NO_SCHEDULE).build()))
                .labels(Map.of(NODE_ROLE_LABEL, "system"))
                .build());
        // nodes become Ready only once the CNI and kube-proxy run
        systemNodes.getNode().addDependency(vpcCni, kubeProxy);
        CfnAddon coreDns = addon("coredns", props, "{\"tolerations\":[{\"key\":\"" + CRITICAL_ADDONS_TAINT
                + "\",\"operator\":\"Exists\"}]}", null);
        coreDns.getNode().addDependency(systemNodes);
        if (props.addonVersions().containsKey(ClusterSpec.EBS_CSI_ADDON)) {
            Role ebsRole = Role.Builder.create(this, "EbsCsiRole")
                    .assumedBy(podIdentity(Stack.of(this).getAccount()))
                    .description("Pod Identity role of the EBS CSI controller (kube-system/ebs-csi-controller-sa) in "
                            + name)
                    .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName(
                            "service-role/AmazonEBSCSIDriverPolicy")))
                    .build();
            Validations.of(ebsRole).acknowledge(Acknowledgment.builder()
                    .id("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                            + "AmazonEBSCSIDriverPolicy]")
                    .reason("The EBS CSI driver's AWS-managed policy, which AWS keeps current with the driver; it "
                            + "scopes volume and snapshot changes to those the driver tagged")
                    .build());
            CfnAddon ebs = addon(ClusterSpec.EBS_CSI_ADDON, props, null,
                    CfnAddon.PodIdentityAssociationProperty.builder().serviceAccount("ebs-csi-controller-sa")
                            .roleArn(ebsRole.getRoleArn()).build());
            ebs.getNode().addDependency(systemNodes, podIdentityAgent);
        }
        if (props.addonVersions().containsKey(ClusterSpec.METRICS_SERVER_ADDON)) {
            addon(ClusterSpec.METRICS_SERVER_ADDON, props, "{\"tolerations\":[{\"key\":\"" + CRITICAL_ADDONS_TAINT
                    + "\",\"operator\":\"Exists\"}]}", null).getNode().addDependency(systemNodes);
        }
    }

    /** The log group EKS writes the control-plane logs of {@code clusterName} to. */
    public static String controlPlaneLogGroup(String clusterName) {
        return "/aws/eks/" + clusterName + "/cluster";
    }

    /**
     * Lets CloudWatch Logs use the key for the control-plane log group and for Lambda log groups of this account and
     * region: the kubectl provider's functions have generated names, which CloudFormation may shorten, so no narrower
     * pattern is safe.
     */
    private static void allowLogsToUseKey(IKey key, String name) {
        PlatformKey.allowLogs(key, "CloudWatchLogsUseOfTheKeyForTheCluster", List.of(controlPlaneLogGroup(name),
                "/aws/lambda/*"));
    }

    /** Encrypts every log group under {@code scope} (aws-cdk-lib's kubectl provider creates two) with the key. */
    private static void encryptLogGroups(software.constructs.IConstruct scope, IKey key) {
        for (software.constructs.IConstruct c : scope.getNode().findAll()) {
            if (c instanceof CfnLogGroup group) {
                group.setKmsKeyId(key.getKeyArn());
                group.getNode().addDependency(key);
            }
        }
    }

    /**
     * Applies a cdk8s chart's objects with {@code cdk deploy}, through the kubectl provider, as one manifest (one
     * request to the kubectl handler, which takes at most 256 KB; the platform's validation fails synth above).
     *
     * @throws IllegalStateException when the cluster has no kubectl provider (no kubectl layer was given)
     */
    public KubernetesManifest apply(String id, org.cdk8s.Chart chart) {
        if (cluster.getKubectlProvider() == null) {
            throw new IllegalStateException("cluster " + node().getPath() + " has no kubectl provider; give it a "
                    + "kubectl layer, or deliver chart " + id + " with GitOps from dist/");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> objects = (List<Map<String, Object>>) (List<?>) chart.toJson();
        KubernetesManifest manifest = KubernetesManifest.Builder.create(this, "Manifest-" + id)
                .cluster(cluster)
                .manifest(objects)
                .overwrite(true)
                .build();
        manifest.getNode().addDependency(systemNodes);
        return manifest;
    }

    /**
     * cdk-nag findings on aws-cdk-lib's own kubectl provider, which the platform uses as AWS ships it. Two finding
     * ids embed logical ids of the provider's resources; they are computed, so any construct id works.
     */
    private static void acknowledgeKubectlProvider(software.constructs.IConstruct provider) {
        String managed = "aws-cdk-lib's kubectl provider attaches these AWS-managed policies to its Lambda roles: "
                + "logging and VPC network interfaces (AWS's minimal policies for a Lambda function in a VPC), and "
                + "ECR read-only, which the provider grants so that Helm charts can be pulled from ECR as OCI "
                + "artifacts (account-wide read; the platform's charts come from public repositories)";
        List<Acknowledgment> acks = new ArrayList<>();
        for (String policy : List.of("service-role/AWSLambdaBasicExecutionRole",
                "service-role/AWSLambdaVPCAccessExecutionRole", "AmazonEC2ContainerRegistryReadOnly")) {
            acks.add(Acknowledgment.builder().id("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                    + policy + "]").reason(managed).build());
        }
        Stack stack = Stack.of(provider);
        software.constructs.IConstruct handler = provider.getNode().findChild("Handler");
        String handlerId = stack.getLogicalId((software.amazon.awscdk.CfnElement) handler.getNode().getDefaultChild());
        software.constructs.IConstruct condition = handler.getNode().tryFindChild("HasEcrPublic");
        if (condition != null) {
            String conditionId = stack.getLogicalId((software.amazon.awscdk.CfnElement) condition);
            acks.add(Acknowledgment.builder().id("AwsSolutions-IAM4[Policy::{\"Fn::If\":[\"" + conditionId
                    + "\",{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":iam::aws:policy/"
                    + "AmazonElasticContainerRegistryPublicReadOnly\"]]},{\"Ref\":\"AWS::NoValue\"}]}]")
                    .reason(managed + " (in partitions with ECR Public)").build());
        }
        acks.add(Acknowledgment.builder().id("AwsSolutions-IAM5[Resource::<" + handlerId + ".Arn>:*]")
                .reason("The provider framework may invoke every version of the kubectl handler it owns").build());
        acks.add(Acknowledgment.builder().id("AwsSolutions-L1").reason("aws-cdk-lib picks the kubectl handler's "
                + "Python runtime (the newest it supports); the handler and its layer are tested together").build());
        Validations.of(provider).acknowledge(acks.toArray(Acknowledgment[]::new));
    }

    private software.constructs.Node node() {
        return getNode();
    }

    private void grant(List<String> principals, String kind, String policy) {
        for (String arn : principals) {
            cluster.grantAccess(kind + "-" + arn.substring(arn.indexOf("::") + 2).replace('/', '-').replace(':', '-'),
                    arn, List.of(AccessPolicy.fromAccessPolicyName(policy, AccessPolicyNameOptions.builder()
                            .accessScopeType(AccessScopeType.CLUSTER).build())));
        }
    }

    private CfnAddon addon(String name, Ipv6ClusterProps props, String configuration,
            CfnAddon.PodIdentityAssociationProperty podIdentity) {
        CfnAddon.Builder b = CfnAddon.Builder.create(this, "Addon-" + name)
                .clusterName(cluster.getClusterName())
                .addonName(name)
                .addonVersion(props.addonVersions().get(name))
                .resolveConflicts("OVERWRITE")
                .preserveOnDelete(false);
        if (configuration != null) {
            b.configurationValues(configuration);
        }
        if (podIdentity != null) {
            b.podIdentityAssociations(List.of(podIdentity));
        }
        CfnAddon addon = b.build();
        addons.put(name, addon);
        return addon;
    }

    /** Every network interface of the account in the region (a method: Aws's constants are jsii calls). */
    static String networkInterfaces() {
        return "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":network-interface/*";
    }

    /**
     * The statements of the IPv6 CNI policy: the EKS user guide's, with AssignIpv6Addresses and CreateTags scoped to
     * the account's network interfaces in the region.
     */
    static List<PolicyStatement> cniStatements() {
        return List.of(
                PolicyStatement.Builder.create().sid("Describe").effect(Effect.ALLOW)
                        .actions(List.of("ec2:DescribeInstances", "ec2:DescribeTags",
                                "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes"))
                        .resources(List.of("*")).build(),
                PolicyStatement.Builder.create().sid("AssignIpv6AndTagNetworkInterfaces").effect(Effect.ALLOW)
                        .actions(List.of("ec2:AssignIpv6Addresses", "ec2:CreateTags"))
                        .resources(List.of(networkInterfaces())).build());
    }

    /** EKS Pod Identity's trust: AssumeRole and TagSession by the service, for this account only. */
    public static CompositePrincipal podIdentity(String account) {
        return new CompositePrincipal(new ServicePrincipal("pods.eks.amazonaws.com").withSessionTags()
                .withConditions(Map.of("StringEquals", Map.of("aws:SourceAccount", account))));
    }

    private List<IManagedPolicy> nodePolicies() {
        List<IManagedPolicy> policies = new ArrayList<>();
        NODE_MANAGED_POLICIES.forEach(p -> policies.add(ManagedPolicy.fromAwsManagedPolicyName(p)));
        policies.add(cniPolicy);
        return policies;
    }

    /** The AWS-managed policies every EKS node role needs. */
    public static final List<String> NODE_MANAGED_POLICIES = List.of("AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore");

    /** Records cdk-nag acknowledgements, with the reason, for the AWS-managed policies of an EKS node role. */
    public static void acknowledgeNodeRolePolicies(IRole role) {
        Validations.of(role).acknowledge(NODE_MANAGED_POLICIES.stream().map(policy -> Acknowledgment.builder()
                .id("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/" + policy + "]")
                .reason("EKS nodes need the AWS-managed " + policy + "; AWS keeps it current as EKS changes")
                .build()).toArray(Acknowledgment[]::new));
    }

    /**
     * Registers a role whose instances run pods (a node group's, Karpenter's), attaching the IPv6 CNI policy: the
     * platform's validation fails synth for a registered node role without it.
     */
    @Override
    public void registerNodeRole(IRole role) {
        if (!nodeRoles.contains(role)) {
            nodeRoles.add(role);
            if (role != systemNodeRole) {
                role.addManagedPolicy(cniPolicy);
            }
        }
    }

    @Override
    public Cluster cluster() {
        return cluster;
    }

    /** The cluster's name as a token (a Ref to the cluster, so that users depend on it). */
    @Override
    public String clusterName() {
        return cluster.getClusterName();
    }

    /** The cluster's name as a literal, for names and IAM condition keys that cannot hold tokens. */
    @Override
    public String literalName() {
        return literalName;
    }

    @Override
    public Optional<IDependable> podIdentityAgent() {
        return Optional.ofNullable(addons.get("eks-pod-identity-agent"));
    }

    /** The control-plane log group, {@code /aws/eks/<cluster>/cluster}. */
    public LogGroup logGroup() {
        return logGroup;
    }

    public ISecurityGroup securityGroup() {
        return securityGroup;
    }

    /** The customer-managed IPv6 CNI policy; attach it to every role whose instances run pods. */
    @Override
    public IManagedPolicy cniPolicy() {
        return cniPolicy;
    }

    public IRole cniRole() {
        return cniRole;
    }

    public Nodegroup systemNodes() {
        return systemNodes;
    }

    public IRole systemNodeRole() {
        return systemNodeRole;
    }

    /** The managed add-ons, by name, in install order. */
    public Map<String, CfnAddon> addons() {
        return Collections.unmodifiableMap(addons);
    }

    /** The node roles registered so far. */
    public List<IRole> nodeRoles() {
        return List.copyOf(nodeRoles);
    }

    /**
     * An IPv6 cluster of another stack, project or account, and its IPv6 CNI policy.
     *
     * @param cluster     the imported cluster
     * @param literalName its name
     * @param cniPolicy   its {@code <cluster>-vpc-cni-ipv6} policy, in this account
     */
    public record Imported(ICluster cluster, String literalName, IManagedPolicy cniPolicy) implements PlatformCluster {
        public Imported {
            if (Token.isUnresolved(literalName)) {
                throw new IllegalArgumentException("an imported cluster needs its name as a literal (it names roles "
                        + "and IAM condition keys), not a token");
            }
        }

        @Override
        public String clusterName() {
            return literalName;
        }

        /** Attaches the cluster's IPv6 CNI policy (it must exist in this account: the role's account). */
        @Override
        public void registerNodeRole(IRole role) {
            role.addManagedPolicy(cniPolicy);
        }

        /** The cluster's owners installed the Pod Identity agent. */
        @Override
        public Optional<IDependable> podIdentityAgent() {
            return Optional.empty();
        }
    }

    /**
     * An existing IPv6 cluster of another stack, project or account, by its attributes, for constructs that add
     * to it (Karpenter pools, a BuildKit fleet): the cluster, and its {@code <cluster>-vpc-cni-ipv6} policy for the
     * node roles they create.
     */
    public static Imported fromAttributes(Construct scope, String id, String clusterName, String securityGroupId,
            ClusterNetwork network) {
        ICluster cluster = Cluster.fromClusterAttributes(scope, id, ClusterAttributes.builder()
                .clusterName(clusterName)
                .clusterSecurityGroupId(securityGroupId)
                .vpc(network.vpc())
                .ipFamily(IpFamily.IP_V6)
                .build());
        return new Imported(cluster, clusterName, ManagedPolicy.fromManagedPolicyName(scope, id + "CniPolicy",
                clusterName + "-vpc-cni-ipv6"));
    }

    static String region(Construct scope) {
        return Stack.of(scope).getRegion();
    }
}
