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
    void nodes_come_from_the_system_group_and_every_pool_at_its_cpu_limit_each_full_at_max_pods() {
        SeriesEstimate e = SeriesEstimate.of(PROD, SPEC);

        // 5 system nodes + 2000/8 + 1000/8 + 512/8 + 512/8, each at Karpenter's maxPods (110)
        assertThat(e.inputs().nodes()).isEqualTo(5 + 250 + 125 + 64 + 64);
        assertThat(e.inputs().podsPerNode()).isEqualTo(110);
        assertThat(e.inputs().pods()).isEqualTo(508L * 110);
        assertThat(e.inputs().cgroupsPerNode()).isEqualTo(4 * 110 + 10);
        assertThat(e.inputs().builders()).isEqualTo(20);
        assertThat(e.total()).isEqualTo(e.rows().stream().mapToLong(SeriesEstimate.Row::series).sum());
        assertThat(e.rows()).anySatisfy(r -> assertThat(r).isEqualTo(new SeriesEstimate.Row("karpenter",
                "karpenter_pods_state", 2, 508L * 110)));
    }

    @Test
    void the_allowlist_decides_which_families_count_buildkits_own_included() {
        SeriesEstimate filtered = SeriesEstimate.of(PROD, SPEC);
        SeriesEstimate everything = SeriesEstimate.of(PROD, with(SPEC.seriesBudget(), Map.of(), List.of()));
        SeriesEstimate upOnly = SeriesEstimate.of(PROD, with(SPEC.seriesBudget(), Map.of(), List.of("up")));

        assertThat(filtered.rows()).noneMatch(r -> r.family().equals("other metrics"));
        assertThat(filtered.rows()).filteredOn(r -> r.job().equals("buildkitd")).extracting(SeriesEstimate.Row::family)
                .containsExactly("up", "buildkit_builds_total", "buildkit_builds_steps_total",
                        "buildkit_build_duration_seconds");
        assertThat(everything.rows()).anyMatch(r -> r.family().equals("other metrics"));
        assertThat(everything.total()).isGreaterThan(filtered.total());
        assertThat(upOnly.rows()).extracting(SeriesEstimate.Row::family).containsOnly("up");
        assertThat(upOnly.total()).isEqualTo(508 + 508 + 2 + 2 + 20);
    }

    @Test
    void a_jobs_sample_limit_is_twice_its_kept_samples_per_target_and_memory_follows_the_kept_series() {
        SeriesEstimate e = SeriesEstimate.of(PROD, SPEC);

        // cAdvisor keeps 4 families per cgroup: 4 x 450 + up
        assertThat(e.keptSamplesPerTarget("cadvisor")).isEqualTo(4 * 450 + 1);
        assertThat(e.rawSamplesPerTarget("cadvisor")).isGreaterThan(60 * 450);
        assertThat(e.sampleLimits()).containsEntry("cadvisor", 4000L).containsEntry("kubelet", 1000L);
        assertThat(e.jobSeries("cadvisor")).isEqualTo(508L * (4 * 450 + 1));
        assertThat(e.workingSetMiB()).isEqualTo(256 + (e.total() * 2048 + (1 << 20) - 1) / (1 << 20));
        // the memory_limiter starts refusing data only above what the estimate holds
        assertThat(e.limiterLimitMiB() - e.limiterSpikeMiB()).isGreaterThanOrEqualTo(e.workingSetMiB());
        assertThat(e.limiterLimitMiB()).isLessThan(e.collectorMemoryMiB());
        assertThat(e.collectorMemoryMiB() % 256).isZero();
        assertThat(e.goMemLimitMiB()).isEqualTo(e.collectorMemoryMiB() * 4 / 5);
        SeriesEstimate small = SeriesEstimate.of(PROD, with(SPEC.seriesBudget(), Map.of(), List.of("up")));
        assertThat(small.collectorMemoryMiB()).isEqualTo(512);
    }

    @Test
    void an_estimate_above_the_budget_or_a_job_sending_more_series_than_its_budget_is_refused() {
        MetricsSpec tight = with(100_000, Map.of("cadvisor", 400_000), SPEC.allow());
        List<ConfigError> errors = SeriesEstimate.of(PROD, tight).check(PROD, tight);

        assertThat(errors).extracting(ConfigError::format).containsExactly(
                FixtureSynthesis.STACKS + "/prod-use1.yaml:" + SPEC.line() + ": metrics.seriesBudget: the estimated "
                        + "1,116,848 active series exceed the seriesBudget of 100,000 (largest: "
                        + "container_cpu_usage_seconds_total of job cadvisor, 228,600 series); narrow metrics.allow, "
                        + "or raise seriesBudget",
                FixtureSynthesis.STACKS + "/prod-use1.yaml:" + SPEC.line() + ": metrics.jobBudgets.cadvisor: job "
                        + "cadvisor is estimated to send 914,908 series from its 508 targets (1,801 kept per "
                        + "target), above its budget of 400,000; raise it to at least 914,908, or narrow "
                        + "metrics.allow");
        assertThat(SeriesEstimate.of(PROD, SPEC).check(PROD, SPEC)).isEmpty();
    }

    @Test
    void the_report_states_the_total_the_assumptions_each_family_and_each_jobs_limits() {
        String md = SeriesEstimate.of(PROD, SPEC).markdown("prod-use1", SPEC);

        assertThat(md).contains("Estimated active series: **1,116,848** of a budget of 3,000,000 (37.2%)",
                "Assumed: 508 nodes", "55,880 pods (110 per node, the pools' maxPods)",
                "| karpenter | karpenter_pods_state | 2 | 55,880 | 111,760 |",
                "| cadvisor | 28,801 | 1,801 | 4,000 | 914,908 | 1,000,000 |",
                "Collector memory per replica: 3,584 MiB (limit and request), for 1,116,848 kept series (about "
                        + "2,438 MiB held); GOMEMLIMIT 2,867 MiB; the memory_limiter refuses data above 3,046 MiB and "
                        + "starts to above 2,508 MiB.");
    }
}
