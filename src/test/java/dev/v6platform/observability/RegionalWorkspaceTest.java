package dev.v6platform.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.app.PlatformSynthesis;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * dev-use1 and prod-use1 (one account, us-east-1) with {@code metrics.workspace: region}: one workspace, owned by
 * the first by name, both writing to it; synthesized for real, so the cross-stack references must resolve.
 */
class RegionalWorkspaceTest {
    static Template owner;
    static Template member;

    static Path copyWithRegionalMetrics(Path dir, int prodRetention) throws IOException {
        return copyWithRegionalMetrics(dir, prodRetention, "3000000");
    }

    static Path copyWithRegionalMetrics(Path dir, int prodRetention, String prodBudget) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("dev-use1.yaml", "prod-use1.yaml", "network.yaml", "address-plan.lock.yaml")) {
            String text = Files.readString(FixtureSynthesis.STACKS.resolve(f));
            if (f.endsWith("-use1.yaml")) {
                text = text.replaceFirst("(?m)^metrics:\\n  retentionDays: \\d+", "metrics:\n  workspace: region\n"
                        + "  retentionDays: " + (f.startsWith("prod") ? prodRetention : 400))
                        .replaceFirst("seriesBudget: 3000000", "seriesBudget: " + prodBudget);
            }
            Files.writeString(dir.resolve(f), text);
        }
        return dir;
    }

    @BeforeAll
    static void synthesize() throws IOException {
        Path dir = copyWithRegionalMetrics(FixtureSynthesis.fresh("regional-stacks"), 400);
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(dir);
        Path out = FixtureSynthesis.fresh("regional-out");
        PlatformSynthesis.run(envs, FixtureSynthesis.plan(), out.resolve("cdk.out"), out.resolve("dist"));
        owner = template(out.resolve("cdk.out/v6-dev-use1.template.json"));
        member = template(out.resolve("cdk.out/v6-prod-use1.template.json"));
    }

    @SuppressWarnings("unchecked")
    static Template template(Path file) throws IOException {
        return Template.fromJSON(new ObjectMapper().readValue(file.toFile(),
                Map.class));
    }

    @Test
    void the_first_environment_by_name_owns_one_workspace_with_a_limit_per_environment() {
        owner.resourceCountIs("AWS::APS::Workspace", 1);
        owner.hasResourceProperties("AWS::APS::Workspace", Match.objectLike(Map.of(
                "Alias", "v6-shared-us-east-1",
                "WorkspaceConfiguration", Map.of("RetentionPeriodInDays", 400, "LimitsPerLabelSets", List.of(
                        Map.of("LabelSet", List.of(Map.of("Name", "environment", "Value", "dev-use1")),
                                "Limits", Map.of("MaxSeries", 1000000)),
                        Map.of("LabelSet", List.of(Map.of("Name", "environment", "Value", "prod-use1")),
                                "Limits", Map.of("MaxSeries", 3000000)))))));
        member.resourceCountIs("AWS::APS::Workspace", 0);
        member.resourceCountIs("AWS::APS::RuleGroupsNamespace", 0);
    }

    @Test
    void the_other_environment_writes_to_it_through_a_cross_stack_reference() {
        member.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Version", "2012-10-17", "Statement", List.of(Map.of("Sid", "RemoteWriteThisWorkspace",
                        "Effect", "Allow", "Action", "aps:RemoteWrite",
                        "Resource", Map.of("Fn::GetStackOutput", Match.objectLike(Map.of(
                                "StackName", "v6-dev-use1", "Region", "us-east-1")))))))));
        member.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Match.objectLike(Map.of(
                "Namespace", "observability", "ServiceAccount", "otel-collector")));
        assertThat(member.toJSON().toString()).contains("amp-workspace").contains("Fn::GetStackOutput");
    }

    @Test
    void alerts_name_the_environment_from_the_series_labels() {
        owner.hasResourceProperties("AWS::APS::Workspace", Match.objectLike(Map.of("AlertManagerDefinition",
                Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(Match.stringLikeRegexp(
                        "group_by: \\[alertname, severity, environment\\]"))))))));
    }

    @Test
    void the_shared_workspace_must_hold_every_sharing_environments_budget() throws IOException {
        Path dir = copyWithRegionalMetrics(FixtureSynthesis.fresh("regional-budget"), 400, "9500000");

        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics.seriesBudget: the environments sharing the us-east-1 workspace would "
                        + "send 10500000 active series, above its limit of 10000000");
    }

    @Test
    void rules_keep_cluster_and_environment_and_absence_is_judged_per_cluster() {
        String rules = String.join("\n", PlatformRules.groups(List.of(
                new PlatformRules.Scope("prod-use1", true, true))).stream().flatMap(g -> g.rules().stream())
                .map(PrometheusRule::expr).toList());
        assertThat(rules).doesNotContain("absent(").doesNotContainPattern("by \\((?!cluster, environment)")
                .contains("by (cluster, environment, nodepool)");
        assertThat(rules).contains("count by (cluster, environment) (up{job=\"kubelet\"}) unless count by "
                + "(cluster, environment) (up{job=\"apiserver\"} == 1)");
    }

    @Test
    void environments_sharing_a_workspace_must_agree_on_its_settings() throws IOException {
        Path dir = copyWithRegionalMetrics(FixtureSynthesis.fresh("regional-conflict"), 90);

        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prod-use1.yaml")
                .hasMessageContaining("metrics: shares the us-east-1 workspace with dev-use1")
                .hasMessageContaining("but sets retentionDays or alertEmails differently");
    }
}
