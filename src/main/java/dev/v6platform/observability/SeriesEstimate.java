package dev.v6platform.observability;

import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.KarpenterSpec;
import dev.v6platform.config.MetricsSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Estimates an environment's active series from what the collector scrapes, what the allowlist keeps and how many
 * targets there are, before anything is deployed. An upper bound, on stated assumptions:
 *
 * <ul>
 *   <li>nodes: the system node group at its maximum plus every NodePool at its cpu limit in
 *       {@value #VCPUS_PER_NODE}-vCPU nodes; every node full, at Karpenter's {@code maxPods} (110 without
 *       Karpenter), each pod with {@value #CGROUPS_PER_POD} cgroups for cAdvisor (the pod's, the sandbox's pause
 *       container and two containers), plus {@value #SYSTEM_CGROUPS} system cgroups per node;</li>
 *   <li>series per target of each metric family, from the metric's labels (e.g. one
 *       {@code container_cpu_usage_seconds_total} per container, 17 series per kubelet histogram, one
 *       {@code karpenter_pods_state} per pod); families not in the catalog count as the job's "other metrics",
 *       kept only without an allowlist;</li>
 *   <li>builders: every BuildKit pool at maxReplicas; two Karpenter replicas and two API servers.</li>
 * </ul>
 *
 * <p>What it sizes: each job's {@code sample_limit} (twice the kept samples of one target, so that a scrape fails
 * only when a target sends far more than expected), the check of each job budget (the most series the job may send
 * from all its targets) and of the seriesBudget, and the collector's memory (each replica holds every kept series).
 *
 * @param rows  one row per job and family kept
 * @param total the estimated active series
 */
public record SeriesEstimate(List<Row> rows, long total, Inputs inputs) {
    static final int VCPUS_PER_NODE = 8;
    /** Pods per node without Karpenter's maxPods: EKS's usual ceiling. */
    static final int DEFAULT_MAX_PODS = 110;
    static final int SYSTEM_CGROUPS = 10;
    /** cAdvisor's cgroups per pod: the pod's own, containerd's pause container, and two containers. */
    static final int CGROUPS_PER_POD = 4;
    static final int HISTOGRAM_SERIES = 17;
    /** The smallest sample_limit a job gets, for targets whose estimate is tiny. */
    static final long MIN_SAMPLE_LIMIT = 1_000;
    /** Collector memory: a base for the binary, buffers and the export queue, plus this much per kept series. */
    static final long BASE_MEMORY_MIB = 256;
    static final long BYTES_PER_SERIES = 2_048;
    /** Where the memory_limiter refuses data (its hard limit) and starts to (soft: hard minus the spike). */
    static final long HARD_LIMIT_PERCENT = 85;
    static final long SOFT_LIMIT_PERCENT = 70;

    /** What the estimate is computed from. */
    public record Inputs(long nodes, long podsPerNode, long pods, long cgroupsPerNode, long builders, long pools) {
    }

    /**
     * One family of one job.
     *
     * @param job             scrape job
     * @param family          metric name, or "other metrics"
     * @param targets         targets of the job
     * @param seriesPerTarget series one target exposes for the family
     */
    public record Row(String job, String family, long targets, long seriesPerTarget) {
        public long series() {
            return targets * seriesPerTarget;
        }
    }

    record Family(String job, String name, ToLongFunction<Inputs> perTarget) {
    }

    /**
     * BuildKit's own families on a builder's debug listener (moby/buildkit v0.32, solver/llbsolver/metrics.go), with
     * series per builder: builds by status and error code, steps by kind, the build duration histogram (text
     * format: +Inf bucket, sum and count per status). The rest of the listener (gRPC server histograms per method and
     * code, Go and process collectors) is about {@value #BUILDKIT_OTHER_SERIES} series.
     */
    static final Map<String, Long> BUILDKIT_FAMILIES = new LinkedHashMap<>();
    static final long BUILDKIT_OTHER_SERIES = 400;

    static {
        BUILDKIT_FAMILIES.put("buildkit_builds_total", 5L);
        BUILDKIT_FAMILIES.put("buildkit_builds_steps_total", 4L);
        BUILDKIT_FAMILIES.put("buildkit_build_duration_seconds", 6L);
    }

    /** The families the platform knows, per job, with series per target. */
    static List<Family> catalog() {
        List<Family> c = new ArrayList<>();
        c.add(new Family(PlatformRules.KUBELET, "up", i -> 1));
        for (String m : List.of("available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free",
                "inodes_used")) {
            c.add(new Family(PlatformRules.KUBELET, "kubelet_volume_stats_" + m, i -> 2));
        }
        c.add(new Family(PlatformRules.KUBELET, "kubelet_pleg_relist_duration_seconds", i -> HISTOGRAM_SERIES));
        c.add(new Family(PlatformRules.KUBELET, "kubelet_running_pods", i -> 1));
        c.add(new Family(PlatformRules.KUBELET, null, i -> 1500));
        c.add(new Family(PlatformRules.CADVISOR, "up", i -> 1));
        for (String m : List.of("cpu_usage_seconds_total", "memory_working_set_bytes", "spec_memory_limit_bytes",
                "fs_usage_bytes")) {
            c.add(new Family(PlatformRules.CADVISOR, "container_" + m, Inputs::cgroupsPerNode));
        }
        c.add(new Family(PlatformRules.CADVISOR, null, i -> 60 * i.cgroupsPerNode()));
        c.add(new Family(PlatformRules.APISERVER, "up", i -> 1));
        c.add(new Family(PlatformRules.APISERVER, "apiserver_request_total", i -> 3000));
        c.add(new Family(PlatformRules.APISERVER, "apiserver_request_duration_seconds", i -> 60L * 8 * 39));
        c.add(new Family(PlatformRules.APISERVER, null, i -> 20000));
        c.add(new Family(PlatformRules.KARPENTER, "up", i -> 1));
        for (String m : List.of("usage", "limit", "allowed_disruptions")) {
            c.add(new Family(PlatformRules.KARPENTER, "karpenter_nodepools_" + m, i -> i.pools() * 6));
        }
        c.add(new Family(PlatformRules.KARPENTER, "karpenter_pods_state", Inputs::pods));
        for (String m : List.of("allocatable", "total_pod_requests", "total_pod_limits", "total_daemon_requests",
                "total_daemon_limits", "system_overhead")) {
            c.add(new Family(PlatformRules.KARPENTER, "karpenter_nodes_" + m, i -> i.nodes() * 5));
        }
        c.add(new Family(PlatformRules.KARPENTER, "karpenter_scheduler_queue_depth", i -> 1));
        c.add(new Family(PlatformRules.KARPENTER, "karpenter_cloudprovider_errors_total", i -> 20));
        c.add(new Family(PlatformRules.KARPENTER, "karpenter_cluster_state_synced", i -> 1));
        c.add(new Family(PlatformRules.KARPENTER, null, i -> 1500));
        c.add(new Family("buildkitd", "up", i -> 1));
        BUILDKIT_FAMILIES.forEach((name, series) -> c.add(new Family("buildkitd", name, i -> series)));
        c.add(new Family("buildkitd", null, i -> BUILDKIT_OTHER_SERIES));
        return c;
    }

    /** The estimate for {@code env}, keeping what {@code spec}'s allowlist keeps. */
    public static SeriesEstimate of(EnvironmentConfig env, MetricsSpec spec) {
        long podsPerNode = env.karpenter().map(KarpenterSpec::maxPods).orElse(DEFAULT_MAX_PODS);
        long nodes = env.cluster().systemNodes().maxSize();
        long pools = 0;
        for (KarpenterSpec.Pool p : env.karpenter().map(KarpenterSpec::pools).orElse(List.of())) {
            nodes += (long) Math.ceil(cpu(p.limits().get("cpu")) / VCPUS_PER_NODE);
            pools++;
        }
        long builders = env.buildkit().map(b -> b.pools().stream().mapToLong(BuildkitSpec.Pool::maxReplicas).sum())
                .orElse(0L);
        Inputs in = new Inputs(nodes, podsPerNode, nodes * podsPerNode, CGROUPS_PER_POD * podsPerNode + SYSTEM_CGROUPS, builders,
                pools);
        Map<String, Long> targets = new LinkedHashMap<>();
        targets.put(PlatformRules.KUBELET, nodes);
        targets.put(PlatformRules.CADVISOR, nodes);
        targets.put(PlatformRules.APISERVER, 2L);
        if (env.karpenter().isPresent()) {
            targets.put(PlatformRules.KARPENTER, 2L);
        }
        if (env.buildkit().isPresent()) {
            targets.put("buildkitd", builders);
        }
        List<Pattern> allow = spec.allow().stream().map(Pattern::compile).toList();
        List<Row> rows = new ArrayList<>();
        long total = 0;
        for (Family f : catalog()) {
            Long t = targets.get(f.job());
            if (t == null || t == 0) {
                continue;
            }
            boolean kept = f.name() == null ? allow.isEmpty()
                    : allow.isEmpty() || allow.stream().anyMatch(p -> p.matcher(f.name()).matches());
            if (kept) {
                Row r = new Row(f.job(), f.name() == null ? "other metrics" : f.name(), t, f.perTarget()
                        .applyAsLong(in));
                rows.add(r);
                total += r.series();
            }
        }
        return new SeriesEstimate(rows, total, in);
    }

    /** Samples one scrape of one target of {@code job} returns before the allowlist drops any. */
    public long rawSamplesPerTarget(String job) {
        return catalog().stream().filter(f -> f.job().equals(job)).mapToLong(f -> f.perTarget().applyAsLong(inputs))
                .sum();
    }

    /** Samples one scrape of one target of {@code job} keeps after the allowlist: what sample_limit counts. */
    public long keptSamplesPerTarget(String job) {
        return rows.stream().filter(r -> r.job().equals(job)).mapToLong(Row::seriesPerTarget).sum();
    }

    /** The series {@code job} sends from all its targets. */
    public long jobSeries(String job) {
        return rows.stream().filter(r -> r.job().equals(job)).mapToLong(Row::series).sum();
    }

    /** The scrape jobs the estimate counts, in order. */
    public List<String> jobs() {
        return rows.stream().map(Row::job).distinct().toList();
    }

    /**
     * Each job's {@code sample_limit}: twice the kept samples of one target, rounded up to a thousand, at least
     * {@value #MIN_SAMPLE_LIMIT}. A target that sends more has changed beyond the estimate: its scrape fails and
     * {@code up} says so, instead of the series silently reaching AMP.
     */
    public Map<String, Long> sampleLimits() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String job : jobs()) {
            long doubled = 2 * keptSamplesPerTarget(job);
            out.put(job, Math.max(MIN_SAMPLE_LIMIT, (doubled + 999) / 1000 * 1000));
        }
        return out;
    }

    /**
     * What one collector replica holds, in MiB: every replica scrapes every target (AMP deduplicates the pair), so
     * each holds all kept series; {@value #BASE_MEMORY_MIB} MiB plus {@value #BYTES_PER_SERIES} bytes per series.
     */
    public long workingSetMiB() {
        return BASE_MEMORY_MIB + (total * BYTES_PER_SERIES + (1 << 20) - 1) / (1 << 20);
    }

    /**
     * Memory for one collector replica (request and limit), in MiB: the working set is at most
     * {@value #SOFT_LIMIT_PERCENT}% of it, where the {@code memory_limiter} starts refusing data, so at the
     * estimated scale nothing is refused; rounded up to 256 MiB.
     */
    public long collectorMemoryMiB() {
        long mib = (workingSetMiB() * 100 + SOFT_LIMIT_PERCENT - 1) / SOFT_LIMIT_PERCENT;
        return (mib + 255) / 256 * 256;
    }

    static double cpu(String quantity) {
        return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
                : Double.parseDouble(quantity);
    }

    /**
     * Problems with the budgets: an estimate above the seriesBudget, and a job budget (sample_limit) below what one
     * scrape of the job returns, which would fail every scrape.
     */
    public List<ConfigError> check(EnvironmentConfig env, MetricsSpec spec) {
        List<ConfigError> out = new ArrayList<>();
        if (total > spec.seriesBudget()) {
            Row largest = rows.stream().max(Comparator.comparingLong(Row::series)).orElseThrow();
            out.add(new ConfigError(env.source(), spec.line(), "metrics.seriesBudget",
                    String.format(Locale.ROOT, "the estimated %,d active series exceed the seriesBudget of %,d "
                            + "(largest: %s of job %s, %,d series)", total, spec.seriesBudget(), largest.family(),
                            largest.job(), largest.series()),
                    "narrow metrics.allow, or raise seriesBudget"));
        }
        spec.jobBudgets().forEach((job, budget) -> {
            long series = jobSeries(job);
            if (series > budget) {
                out.add(new ConfigError(env.source(), spec.line(), "metrics.jobBudgets." + job,
                        String.format(Locale.ROOT, "job %s is estimated to send %,d series from its %,d targets "
                                + "(%,d kept per target), above its budget of %,d", job, series, targets(job),
                                keptSamplesPerTarget(job), budget),
                        String.format(Locale.ROOT, "raise it to at least %,d, or narrow metrics.allow", series)));
            }
        });
        return out;
    }

    /** The Go runtime's soft memory limit for a replica: 80% of its memory, leaving room for the rest. */
    public long goMemLimitMiB() {
        return collectorMemoryMiB() * 4 / 5;
    }

    /** The memory_limiter's hard limit: {@value #HARD_LIMIT_PERCENT}% of the replica's memory. */
    public long limiterLimitMiB() {
        return collectorMemoryMiB() * HARD_LIMIT_PERCENT / 100;
    }

    /** The memory_limiter's spike allowance: its soft limit is {@value #SOFT_LIMIT_PERCENT}% of the memory. */
    public long limiterSpikeMiB() {
        return limiterLimitMiB() - collectorMemoryMiB() * SOFT_LIMIT_PERCENT / 100;
    }

    private long targets(String job) {
        return rows.stream().filter(r -> r.job().equals(job)).mapToLong(Row::targets).findFirst().orElse(0);
    }

    /** {@code dist/<environment>/metrics-budget.md}. */
    public String markdown(String environment, MetricsSpec spec) {
        StringBuilder md = new StringBuilder();
        md.append("# Metrics budget of ").append(environment).append("\n\n")
                .append(String.format(Locale.ROOT, "Estimated active series: **%,d** of a budget of %,d (%.1f%%); "
                        + "AMP's workspace limit for this environment's series is set to the budget.%n%n",
                        total, spec.seriesBudget(), 100.0 * total / spec.seriesBudget()))
                .append(String.format(Locale.ROOT, "Assumed: %,d nodes (system nodes at their maximum, every "
                        + "NodePool at its cpu limit in %d-vCPU nodes), %,d pods (%,d per node, the pools' maxPods), "
                        + "%,d cgroups per node, %,d builders, %,d NodePools.%n%n", inputs.nodes(), VCPUS_PER_NODE,
                        inputs.pods(), inputs.podsPerNode(), inputs.cgroupsPerNode(), inputs.builders(),
                        inputs.pools()))
                .append("| job | family | targets | series per target | series |\n")
                .append("| --- | --- | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d |%n", r.job(), r.family(), r.targets(),
                    r.seriesPerTarget(), r.series()));
        }
        md.append("\nEach job: samples one scrape of one target returns before and after the allowlist "
                + "(metric_relabel_configs), the sample_limit that follows (twice the kept samples), and the series of "
                + "all its targets against its budget (jobBudgets):\n\n")
                .append("| job | samples per scrape | kept per scrape | sample_limit | series | jobBudgets |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        Map<String, Long> limits = sampleLimits();
        for (String job : jobs()) {
            Integer budget = spec.jobBudgets().get(job);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %s |%n", job,
                    rawSamplesPerTarget(job), keptSamplesPerTarget(job), limits.get(job), jobSeries(job),
                    budget == null ? "none" : String.format(Locale.ROOT, "%,d", budget)));
        }
        md.append(String.format(Locale.ROOT, "%nCollector memory per replica: %,d MiB (limit and request), for %,d "
                + "kept series (about %,d MiB held); GOMEMLIMIT %,d MiB; the memory_limiter refuses data above %,d MiB "
                + "and starts to above %,d MiB.%n", collectorMemoryMiB(), total, workingSetMiB(), goMemLimitMiB(),
                limiterLimitMiB(), limiterLimitMiB() - limiterSpikeMiB()));
        return md.toString();
    }
}
