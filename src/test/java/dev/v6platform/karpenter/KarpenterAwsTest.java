package dev.v6platform.karpenter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The AWS side of Karpenter in prod-use1. */
class KarpenterAwsTest {
    static Template prod;

    @BeforeAll
    static void synth() {
        prod = FixtureSynthesis.usEast().prod();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(KarpenterAws.ControllerPolicy policy) {
        Map<String, Map<String, Object>> found = prod.findResources("AWS::IAM::ManagedPolicy", Match.objectLike(
                Map.of("Properties", Match.objectLike(Map.of("ManagedPolicyName", "v6-prod-use1-karpenter-"
                        + policy.suffix())))));
        assertThat(found).hasSize(1);
        return (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) found.values().iterator()
                .next().get("Properties")).get("PolicyDocument")).get("Statement");
    }

    static Map<String, Object> sid(String sid) {
        return java.util.Arrays.stream(KarpenterAws.ControllerPolicy.values()).flatMap(p -> statements(p).stream())
                .filter(s -> sid.equals(s.get("Sid"))).findFirst().orElseThrow();
    }

    @Test
    void the_controller_holds_upstreams_six_managed_policies_each_with_its_statements() {
        Map<KarpenterAws.ControllerPolicy, List<String>> expected = new java.util.LinkedHashMap<>();
        expected.put(KarpenterAws.ControllerPolicy.NODE_LIFECYCLE, List.of("AllowScopedEC2InstanceAccessActions",
                "AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedEC2InstanceActionsWithTags",
                "AllowScopedResourceCreationTagging", "AllowScopedResourceTagging", "AllowScopedDeletion"));
        expected.put(KarpenterAws.ControllerPolicy.IAM_INTEGRATION, List.of("AllowPassingInstanceRole",
                "AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions",
                "AllowScopedInstanceProfileActions"));
        expected.put(KarpenterAws.ControllerPolicy.EKS_INTEGRATION, List.of("AllowAPIServerEndpointDiscovery"));
        expected.put(KarpenterAws.ControllerPolicy.INTERRUPTION, List.of("AllowInterruptionQueueActions"));
        expected.put(KarpenterAws.ControllerPolicy.ZONAL_SHIFT, List.of("AllowZonalShiftStatusReadOnly"));
        expected.put(KarpenterAws.ControllerPolicy.RESOURCE_DISCOVERY, List.of("AllowRegionalReadActions",
                "AllowSSMReadActions", "AllowPricingReadActions", "AllowInstanceProfileReadActions"));
        expected.forEach((policy, sids) -> assertThat(statements(policy)).extracting(s -> s.get("Sid"))
                .as(policy.name()).containsExactlyElementsOf(sids));
        prod.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("ManagedPolicyArns", List.of(
                Map.of("Ref", Match.stringLikeRegexp("^KarpenterNodeLifecyclePolicy")),
                Map.of("Ref", Match.stringLikeRegexp("^KarpenterIAMIntegrationPolicy")),
                Map.of("Ref", Match.stringLikeRegexp("^KarpenterEKSIntegrationPolicy")),
                Map.of("Ref", Match.stringLikeRegexp("^KarpenterInterruptionPolicy")),
                Map.of("Ref", Match.stringLikeRegexp("^KarpenterZonalShiftPolicy")),
                Map.of("Ref", Match.stringLikeRegexp("^KarpenterResourceDiscoveryPolicy"))))));
    }

    @Test
    void the_controller_may_read_the_zonal_shift_status_of_its_own_cluster_only() {
        Map<String, Object> zonal = sid("AllowZonalShiftStatusReadOnly");
        assertThat(zonal.get("Action")).isEqualTo("arc-zonal-shift:GetManagedResource");
        assertThat(zonal.get("Condition").toString()).contains("arc-zonal-shift:ResourceIdentifier",
                ":cluster/", "Ref=Cluster");
    }

    @Test
    void the_node_role_has_the_worker_policies_and_the_clusters_ipv6_cni_policy_and_an_ec2_linux_access_entry() {
        prod.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "RoleName", "v6-prod-use1-karpenter-node",
                "ManagedPolicyArns", Match.arrayWith(List.of(Map.of("Ref",
                        Match.stringLikeRegexp("^ClusterCniIpv6Policy")))))));
        prod.hasResourceProperties("AWS::EKS::AccessEntry", Map.of("Type", "EC2_LINUX", "AccessPolicies", List.of(),
                "ClusterName", Map.of("Ref", Match.stringLikeRegexp("^Cluster")),
                "PrincipalArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^KarpenterNodeRole"), "Arn"))));
    }

    @Test
    void the_interruption_queue_keeps_messages_300_seconds_encrypted_and_refuses_plain_http() {
        prod.hasResourceProperties("AWS::SQS::Queue", Map.of("QueueName", "v6-prod-use1-karpenter",
                "MessageRetentionPeriod", 300, "SqsManagedSseEnabled", true));
        prod.hasResourceProperties("AWS::SQS::QueuePolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Action", "sqs:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
    }

    @Test
    void eventbridge_sends_every_interruption_kind_to_the_queue() {
        for (String[] event : List.of(new String[] {"aws.health", "AWS Health Event"},
                new String[] {"aws.ec2", "EC2 Spot Instance Interruption Warning"},
                new String[] {"aws.ec2", "EC2 Instance Rebalance Recommendation"},
                new String[] {"aws.ec2", "EC2 Instance State-change Notification"},
                new String[] {"aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"})) {
            prod.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                    "EventPattern", Map.of("source", List.of(event[0]), "detail-type", List.of(event[1])),
                    "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt", List.of(
                            Match.stringLikeRegexp("^KarpenterInterruptionQueue"), "Arn"))))))));
        }
        prod.resourceCountIs("AWS::Events::Rule", 5);
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_controller_may_only_launch_and_delete_what_is_tagged_for_this_cluster() {
        Map<String, Object> launch = sid("AllowScopedEC2InstanceActionsWithTags");
        assertThat((Map<String, Object>) launch.get("Condition")).isEqualTo(Map.of(
                "StringEquals", Map.of("aws:RequestTag/kubernetes.io/cluster/v6-prod-use1", "owned",
                        "aws:RequestTag/eks:eks-cluster-name", "v6-prod-use1"),
                "StringLike", Map.of("aws:RequestTag/karpenter.sh/nodepool", "*")));
        assertThat(launch.get("Resource").toString()).contains("spot-instances-request/*", "fleet/*", "volume/*");
        Map<String, Object> delete = sid("AllowScopedDeletion");
        assertThat(delete.get("Action")).isEqualTo(List.of("ec2:DeleteLaunchTemplate", "ec2:TerminateInstances"));
        assertThat((Map<String, Object>) delete.get("Condition")).containsEntry("StringEquals",
                Map.of("aws:ResourceTag/kubernetes.io/cluster/v6-prod-use1", "owned"));
        assertThat((Map<String, Object>) sid("AllowRegionalReadActions").get("Condition")).containsKey("StringEquals");
    }

    @Test
    @SuppressWarnings("unchecked")
    void instance_profiles_are_managed_only_when_tagged_with_a_node_class_of_this_cluster() {
        Map<String, Object> create = sid("AllowScopedInstanceProfileCreationActions");
        assertThat(create.get("Resource").toString()).contains(":instance-profile/*");
        assertThat((Map<String, Object>) create.get("Condition")).containsEntry("StringLike",
                Map.of("aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", "*"));
        Map<String, Object> manage = sid("AllowScopedInstanceProfileActions");
        assertThat((Map<String, Object>) manage.get("Condition")).containsEntry("StringLike",
                Map.of("aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", "*"));
        assertThat(((Map<String, Object>) manage.get("Condition")).get("StringEquals").toString())
                .contains("aws:ResourceTag/kubernetes.io/cluster/v6-prod-use1=owned");
    }

    @Test
    void the_controller_passes_only_the_node_role_to_ec2_and_describes_only_its_cluster() {
        assertThat(sid("AllowPassingInstanceRole").get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of(
                prod.findResources("AWS::IAM::Role", Match.objectLike(Map.of("Properties", Match.objectLike(Map.of(
                        "RoleName", "v6-prod-use1-karpenter-node"))))).keySet().iterator().next(), "Arn")));
        assertThat(sid("AllowPassingInstanceRole").get("Condition")).isEqualTo(Map.of("StringEquals",
                Map.of("iam:PassedToService", List.of("ec2.amazonaws.com", "ec2.amazonaws.com.cn"))));
        assertThat(sid("AllowAPIServerEndpointDiscovery").get("Action")).isEqualTo("eks:DescribeCluster");
        assertThat(sid("AllowInterruptionQueueActions").get("Resource").toString()).contains("KarpenterInterruption");
    }

    @Test
    void the_controller_gets_its_role_through_pod_identity_for_kube_system_karpenter() {
        prod.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of("Namespace", "kube-system",
                "ServiceAccount", "karpenter", "ClusterName", Map.of("Ref", Match.stringLikeRegexp("^Cluster")),
                "RoleArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^KarpenterControllerRole"), "Arn"))));
        prod.hasResource("AWS::EKS::PodIdentityAssociation", Match.objectLike(Map.of("DependsOn",
                Match.arrayWith(List.of(Match.stringLikeRegexp("^ClusterAddonekspodidentityagent"))))));
    }
}
