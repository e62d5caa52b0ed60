package dev.v6platform.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.MetricsSpec;
import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.kms.Key;

class ManagedPrometheusTest {
    static final Template PROD = FixtureSynthesis.usEast().prod();

    @Test
    void the_workspace_is_encrypted_logged_and_keeps_samples_as_configured() {
        PROD.hasResourceProperties("AWS::APS::Workspace", Match.objectLike(Map.of(
                "Alias", "v6-prod-use1",
                "KmsKeyArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn")),
                "LoggingConfiguration", Map.of("LogGroupArn", Map.of("Fn::GetAtt", List.of(
                        Match.stringLikeRegexp("^PrometheusLogs"), "Arn"))),
                "WorkspaceConfiguration", Map.of("RetentionPeriodInDays", 400, "LimitsPerLabelSets", List.of(Map.of(
                        "LabelSet", List.of(Map.of("Name", "environment", "Value", "prod-use1")),
                        "Limits", Map.of("MaxSeries", 3000000)))))));
        PROD.hasResourceProperties("AWS::Logs::LogGroup", Match.objectLike(Map.of(
                "LogGroupName", "/v6-platform/prod-use1/prometheus",
                "KmsKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn")))));
    }

    @Test
    void the_rules_namespace_holds_the_platform_rules() {
        PROD.hasResourceProperties("AWS::APS::RuleGroupsNamespace", Map.of(
                "Name", "platform",
                "Data", RuleFiles.render(PlatformRules.groups(List.of(
                new PlatformRules.Scope("prod-use1", true, true)))),
                "Workspace", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PrometheusWorkspace"), "Arn")),
                "Tags", Match.anyValue()));
    }

    @Test
    void alerts_go_to_an_encrypted_topic_that_only_this_workspace_may_publish_to() {
        PROD.hasResourceProperties("AWS::APS::Workspace", Match.objectLike(Map.of("AlertManagerDefinition",
                Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(Match.stringLikeRegexp(
                        "^alertmanager_config: \\|[\\s\\S]*receiver: sns[\\s\\S]*topic_arn: $"),
                        Map.of("Ref", Match.stringLikeRegexp("^PrometheusAlerts")),
                        Match.stringLikeRegexp("region: us-east-1"))))))));
        PROD.hasResourceProperties("AWS::SNS::Topic", Match.objectLike(Map.of(
                "TopicName", "v6-prod-use1-alerts",
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn")))));
        PROD.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "ManagedPrometheusPublishes",
                        "Principal", Map.of("Service", "aps.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", "314159265358"),
                                "ArnEquals", Map.of("aws:SourceArn", Map.of("Fn::GetAtt", List.of(
                                        Match.stringLikeRegexp("^PrometheusWorkspace"), "Arn")))))))))))));
        PROD.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email",
                "Endpoint", "platform-oncall@example.com",
                "TopicArn", Map.of("Ref", Match.stringLikeRegexp("^PrometheusAlerts"))));
        PROD.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("KeyPolicy", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "ManagedPrometheusEncryptsAlerts",
                        "Principal", Map.of("Service", "aps.amazonaws.com"))))))))));
    }

    @Test
    void the_collector_may_remote_write_to_this_workspace_only_through_pod_identity() {
        PROD.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Version", "2012-10-17", "Statement", List.of(Map.of("Sid", "RemoteWriteThisWorkspace",
                        "Effect", "Allow", "Action", "aps:RemoteWrite", "Resource", Map.of("Fn::GetAtt", List.of(
                                Match.stringLikeRegexp("^PrometheusWorkspace"), "Arn"))))))));
        PROD.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Match.objectLike(Map.of(
                "Namespace", "observability", "ServiceAccount", "otel-collector",
                "RoleArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PrometheusCollectorRole"),
                        "Arn")))));
    }

    @Test
    void the_collector_may_reach_every_nodes_kubelet_port_within_the_clusters_security_group() {
        PROD.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Match.objectLike(Map.of(
                "IpProtocol", "tcp", "FromPort", 10250, "ToPort", 10250,
                "GroupId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^Cluster"),
                        "ClusterSecurityGroupId")),
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^Cluster"),
                        "ClusterSecurityGroupId")))));
    }

    @Test
    void cdk_deploy_hands_the_collector_the_remote_write_url_in_a_config_map() {
        PROD.hasResourceProperties("Custom::AWSCDK-EKS-KubernetesResource", Match.objectLike(Map.of(
                "Manifest", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(Match.stringLikeRegexp(
                        "amp-workspace"))))))));
    }

    @Test
    void the_collector_starts_only_after_its_pod_identity_association_exists() {
        PROD.hasResource("Custom::AWSCDK-EKS-KubernetesResource", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Manifest", Match.stringLikeRegexp(
                        ".*\"kind\":\"Deployment\".*\"name\":\"otel-collector\".*"))),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("^PrometheusCollectorPodIdentity"))))));
    }

    @Test
    void the_remote_write_url_uses_the_dual_stack_endpoint() {
        assertThat(ManagedPrometheus.remoteWriteUrl("eu-west-1", "ws-1")).isEqualTo(
                "https://aps-workspaces.eu-west-1.api.aws/workspaces/ws-1/api/v1/remote_write");
        assertThat(PROD.findOutputs("*").toString()).contains("https://aps-workspaces.us-east-1.api.aws/workspaces/");
    }

    @Test
    void invalid_rules_stop_the_construct_with_every_problem() {
        Stack stack = new Stack(new App(), "S");
        List<RuleGroup> bad = List.of(new RuleGroup("g", "1m", List.of(new PrometheusRule.Recording("x", "sum("))));

        assertThatThrownBy(() -> new ManagedPrometheus(stack, "P", "dev", new MetricsSpec(30, List.of(), 1), bad,
                new Key(stack, "K"), (software.amazon.awscdk.services.eks_v2.ICluster) null))
                .hasMessageContaining("the Prometheus rules of dev are invalid")
                .hasMessageContaining("record x: recorded series are named level:metric:operations")
                .hasMessageContaining("unclosed '(' in: sum(");
    }
}
