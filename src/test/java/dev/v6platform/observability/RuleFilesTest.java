package dev.v6platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.observability.PrometheusRule.Alert;
import dev.v6platform.observability.PrometheusRule.Recording;
import dev.v6platform.observability.PrometheusRule.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class RuleFilesTest {
    static Alert alert(String name, String expr, String forDuration) {
        return new Alert(name, expr, forDuration, Severity.WARNING, "summary", "description");
    }

    static final List<RuleGroup> ALL = PlatformRules.groups(List.of(new PlatformRules.Scope("prod-use1", true,
            true)));

    @Test
    void the_platform_rules_pass_every_check() {
        assertThat(RuleFiles.check(ALL)).isEmpty();
        assertThat(ALL).extracting(RuleGroup::name)
                .containsExactly("karpenter", "buildkit", "nodes", "control-plane", "collector");
        assertThat(PlatformRules.groups(List.of(new PlatformRules.Scope("dev-use1", false, false))))
                .extracting(RuleGroup::name).containsExactly("nodes", "control-plane", "collector");
    }

    @Test
    void a_shared_workspace_watches_each_environments_collector_and_karpenter_only_where_it_runs() {
        List<RuleGroup> shared = PlatformRules.groups(List.of(new PlatformRules.Scope("dev-use1", true, false),
                new PlatformRules.Scope("sandbox-use1", false, false)));
        String text = RuleFiles.render(shared);

        assertThat(text).contains("absent_over_time(up{job=\"kubelet\",environment=\"dev-use1\"}[10m])",
                "absent_over_time(up{job=\"kubelet\",environment=\"sandbox-use1\"}[10m])",
                "up{job=\"kubelet\",environment=~\"dev-use1\"}");
        assertThat(text).doesNotContain("environment=~\"dev-use1|sandbox-use1\"");
    }

    @Test
    void each_mistake_is_named_with_its_group_and_rule() {
        List<RuleGroup> groups = List.of(
                new RuleGroup("Bad Group", "1m", List.of(new Recording("no_colons", "sum(x)"))),
                new RuleGroup("g", "soon", List.of(
                        new Recording("level:x:sum", "sum(rate(x[5m])"),
                        new Recording("level:x:sum", "sum(x)"),
                        alert("9lives", "up == 0", "5m"),
                        alert("Quoted", "up{job=\"kubelet} == 0", "5m"),
                        alert("Closed", "sum(x))", "1x"))),
                new RuleGroup("g", "1m", List.of()));

        assertThat(RuleFiles.check(groups)).containsExactly(
                "rule group 'Bad Group': the name is not lowercase letters, digits, '.', '_' and '-'",
                "rule group 'Bad Group', record no_colons: recorded series are named level:metric:operations, with "
                        + "colons, so they never collide with scraped metrics",
                "rule group 'g': interval 'soon' is not a Prometheus duration, e.g. 30s, 5m or 1h",
                "rule group 'g', record level:x:sum: unclosed '(' in: sum(rate(x[5m])",
                "rule group 'g', record level:x:sum: another recording rule writes the same series; merge them or "
                        + "rename one",
                "rule group 'g', alert 9lives: not an alert name (a letter, then letters, digits and '_')",
                "rule group 'g', alert Quoted: unclosed string literal in: up{job=\"kubelet} == 0",
                "rule group 'g', alert Closed: for '1x' is not a Prometheus duration, e.g. 30s, 5m or 1h",
                "rule group 'g', alert Closed: unbalanced ')' at character 7 of: sum(x))",
                "rule group 'g' is defined twice; give each group a unique name",
                "rule group 'g' has no rules");
    }

    @Test
    void brackets_inside_strings_and_regexes_do_not_count() {
        assertThat(RuleFiles.check(List.of(new RuleGroup("g", "1m", List.of(alert("A",
                "label_replace(up, \"x\", \"$1\", \"pod\", \"b-(a|c)-[0-9]+\") == 0", "5m")))))).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_rendered_file_parses_back_to_the_same_groups() {
        String text = RuleFiles.render(ALL);
        Map<String, Object> file = new Yaml().load(text);
        List<Map<String, Object>> groups = (List<Map<String, Object>>) file.get("groups");

        assertThat(groups).hasSize(5);
        Map<String, Object> karpenter = groups.get(0);
        assertThat(karpenter).containsEntry("name", "karpenter").containsEntry("interval", "1m");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) karpenter.get("rules");
        assertThat(rules.get(0)).containsOnlyKeys("record", "expr");
        assertThat(rules.get(1)).containsEntry("alert", "KarpenterNodePoolNearLimit").containsEntry("for", "15m")
                .containsEntry("labels", Map.of("severity", "warning"));
        assertThat(((Map<String, Object>) rules.get(1).get("annotations")).get("summary").toString())
                .isEqualTo("NodePool {{ $labels.nodepool }} uses over 90% of its CPU limit");
        assertThat(RuleFiles.render(ALL)).isEqualTo(text);
    }
}
