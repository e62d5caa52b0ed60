package dev.v6platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.ConfigError;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.MetricsSpec;
import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesEstimateTest {
    static final EnvironmentConfig PROD = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml"));
    static final MetricsSpec SPEC = PROD.metrics().orElseThrow();

    static MetricsSpec with(long budget, Map<String, Integer> jobs, List<String> allow) {
        return new MetricsSpec(SPEC.retentionDays(), SPEC.alertEmails(), budget, jobs, allow, SPEC.renames(),
                SPEC.labels(), false, false, SPEC.line());
    }

    @Test
    void nodes_come_from_the_system_group_and_every_pool_at_its_cpu_limit() {
        SeriesEstimate e = SeriesEstimate.of(PROD, SPEC);

        // 5 system nodes + 2000/8 + 1000/8 + 512/8 + 512/8
        assertThat(e.inputs().nodes()).isEqualTo(5 + 250 + 125 + 64 + 64);
        assertThat(e.inputs().pods()).isEqualTo(508L * 30);
        assertThat(e.inputs().builders()).isEqualTo(20);
        assertThat(e.total()).isEqualTo(e.rows().stream().mapToLong(SeriesEstimate.Row::series).sum());
        assertThat(e.rows()).anySatisfy(r -> assertThat(r).isEqualTo(new SeriesEstimate.Row("karpenter",
                "karpenter_pods_state", 2, 508L * 30)));
    }

    @Test
    void the_allowlist_decides_which_families_count() {
        SeriesEstimate filtered = SeriesEstimate.of(PROD, SPEC);
        SeriesEstimate everything = SeriesEstimate.of(PROD, with(SPEC.seriesBudget(), Map.of(), List.of()));
        SeriesEstimate upOnly = SeriesEstimate.of(PROD, with(SPEC.seriesBudget(), Map.of(), List.of("up")));

        assertThat(filtered.rows()).noneMatch(r -> r.family().equals("other metrics"));
        assertThat(everything.rows()).anyMatch(r -> r.family().equals("other metrics"));
        assertThat(everything.total()).isGreaterThan(filtered.total());
        assertThat(upOnly.rows()).extracting(SeriesEstimate.Row::family).containsOnly("up");
        assertThat(upOnly.total()).isEqualTo(508 + 508 + 2 + 2 + 20);
    }

    @Test
    void an_estimate_above_the_budget_or_a_job_budget_below_one_scrape_is_refused() {
        MetricsSpec tight = with(100_000, Map.of("cadvisor", 1000), SPEC.allow());
        List<ConfigError> errors = SeriesEstimate.of(PROD, tight).check(PROD, tight);

        assertThat(errors).extracting(ConfigError::format).containsExactly(
                FixtureSynthesis.STACKS + "/prod-use1.yaml:" + SPEC.line() + ": metrics.seriesBudget: the estimated 263,108 active series "
                        + "exceed the seriesBudget of 100,000 (largest: apiserver_request_duration_seconds of job "
                        + "apiserver, 37,440 series); narrow metrics.allow, or raise seriesBudget",
                FixtureSynthesis.STACKS + "/prod-use1.yaml:" + SPEC.line() + ": metrics.jobBudgets.cadvisor: one cadvisor scrape returns "
                        + "about 4,481 samples before filtering, above its budget of 1,000, so every scrape would "
                        + "fail; raise it to at least 4,481");
        assertThat(SeriesEstimate.of(PROD, SPEC).check(PROD, SPEC)).isEmpty();
    }

    @Test
    void the_report_states_the_total_the_assumptions_and_each_family() {
        String md = SeriesEstimate.of(PROD, SPEC).markdown("prod-use1", SPEC);

        assertThat(md).contains("Estimated active series: **263,108** of a budget of 3,000,000 (8.8%)",
                "Assumed: 508 nodes", "| karpenter | karpenter_pods_state | 2 | 15,240 | 30,480 |",
                "| cadvisor | 4,481 | 400,000 |");
    }
}
