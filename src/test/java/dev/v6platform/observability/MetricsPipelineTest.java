package dev.v6platform.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.app.PlatformSynthesis;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.MetricsSpec.LabelRule;
import dev.v6platform.config.MetricsSpec;
import dev.v6platform.testing.FixtureSynthesis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class MetricsPipelineTest {
    static final EnvironmentConfig PROD = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml"));

    static MetricsSpec spec(List<String> allow, List<MetricsSpec.Rename> renames, List<LabelRule> labels) {
        return new MetricsSpec(150, List.of(), 1_000_000L, Map.of(), allow, renames, labels, false, false, 40);
    }

    @Test
    @SuppressWarnings("unchecked")
    void allowlist_renames_and_label_rules_render_in_order_as_collector_processors() {
        MetricsSpec spec = spec(List.of("up", "go_.*"), List.of(new MetricsSpec.Rename("go_goroutines",
                "goroutines")), List.of(
                new LabelRule(LabelRule.Kind.DROP, "id", Optional.empty(), Optional.empty()),
                new LabelRule(LabelRule.Kind.RENAME, "pod_name", Optional.of("pod"), Optional.empty()),
                new LabelRule(LabelRule.Kind.ADD, "team", Optional.empty(), Optional.of("plat\"form"))));
        String text = CollectorConfig.render(CollectorConfig.build("us-east-1", "c", "e", false, false,
                MetricsPipeline.processors(spec), spec.allow(), Map.of(), Optional.empty(), false));
        Map<String, Object> config = new Yaml().load(text);
        Map<String, Object> processors = (Map<String, Object>) config.get("processors");

        assertThat(processors.keySet()).containsExactly("memory_limiter", "filter/allowlist",
                "metricstransform/rename", "transform/labels", "batch");
        assertThat(processors.get("filter/allowlist")).isEqualTo(Map.of("error_mode", "ignore", "metrics",
                Map.of("metric", List.of("not IsMatch(name, \"^(up|go_.*)$$\")"))));
        assertThat(processors.get("metricstransform/rename")).isEqualTo(Map.of("transforms", List.of(Map.of(
                "include", "go_goroutines", "match_type", "strict", "action", "update", "new_name", "goroutines"))));
        assertThat(processors.get("transform/labels")).isEqualTo(Map.of("error_mode", "ignore",
                "metric_statements", List.of(Map.of("context", "datapoint", "statements", List.of(
                        "delete_key(attributes, \"id\")",
                        "set(attributes[\"pod\"], attributes[\"pod_name\"]) where attributes[\"pod_name\"] != nil",
                        "delete_key(attributes, \"pod_name\")",
                        "set(attributes[\"team\"], \"plat\\\"form\")")))));
    }

    @Test
    void keeping_everything_adds_no_processors() {
        assertThat(MetricsPipeline.processors(spec(List.of(), List.of(), List.of()))).isEmpty();
    }

    @Test
    void the_sample_allowlists_keep_every_metric_the_alerting_rules_read() {
        for (EnvironmentConfig env : FixtureSynthesis.environments()) {
            assertThat(PlatformRules.checkPipeline(env, env.metrics().orElseThrow())).as(env.name()).isEmpty();
        }
    }

    @Test
    void an_allowlist_or_rename_that_blinds_an_alert_fails_synth_at_the_metrics_section() {
        MetricsSpec spec = spec(List.of("up", "karpenter_.*"), List.of(new MetricsSpec.Rename("up", "target_up")),
                List.of());
        List<ConfigError> errors = PlatformRules.checkPipeline(PROD, spec);

        assertThat(errors).extracting(ConfigError::format).contains(
                FixtureSynthesis.STACKS + "/prod-use1.yaml:40: metrics.allow: the allowlist drops 'container_cpu_usage_seconds_total', "
                        + "which the platform's alerting rules read; add it to metrics.allow",
                FixtureSynthesis.STACKS + "/prod-use1.yaml:40: metrics.rename: renaming 'up' to 'target_up' would blind the platform's "
                        + "alerting rules, which read it; keep its name, or rename another metric");
        EnvironmentConfig blind = new EnvironmentConfig(PROD.name(), PROD.account(), PROD.region(),
                PROD.availabilityZones(), PROD.kubernetesVersion(), PROD.tags(), PROD.network(), PROD.cluster(),
                PROD.karpenter(), PROD.buildkit(), Optional.of(spec), PROD.namespaces(), PROD.source(), PROD.line());
        assertThatThrownBy(() -> PlatformSynthesis.build(List.of(blind), FixtureSynthesis.plan(),
                FixtureSynthesis.ROOT.resolve("blind/cdk.out"), FixtureSynthesis.ROOT.resolve("blind/dist")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.allow");
    }

    @Test
    void the_used_metrics_list_matches_the_rule_expressions() {
        String exprs = String.join("\n", PlatformRules.groups(List.of(
                new PlatformRules.Scope("prod-use1", true, true))).stream().flatMap(g -> g.rules().stream())
                .map(PrometheusRule::expr).toList());
        for (String metric : PlatformRules.USED_METRICS) {
            assertThat(Pattern.compile("\\b" + metric + "(_bucket)?\\b").matcher(exprs).find()).as(metric).isTrue();
        }
        for (String candidate : List.of("karpenter_nodepools_usage", "container_memory_working_set_bytes",
                "apiserver_request_duration_seconds", "kubelet_volume_stats_capacity_bytes")) {
            assertThat(PlatformRules.USED_METRICS).contains(candidate);
        }
    }
}
