package dev.v6platform.observability;

import dev.v6platform.config.ConfigError;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.MetricsSpec;
import dev.v6platform.observability.PrometheusRule.Alert;
import dev.v6platform.observability.PrometheusRule.Recording;
import dev.v6platform.observability.PrometheusRule.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The platform's recording and alerting rules: Karpenter, the BuildKit fleet, node and control-plane health. They
 * use only what the platform's collector scrapes (jobs {@link #KUBELET}, {@link #CADVISOR}, {@link #KARPENTER},
 * {@link #APISERVER}); the Karpenter names are those of Karpenter v1's metrics reference.
 */
public final class PlatformRules {
    public static final String KUBELET = "kubelet";
    public static final String CADVISOR = "cadvisor";
    public static final String KARPENTER = "karpenter";
    public static final String APISERVER = "apiserver";
    /** Every aggregation keeps these, so one workspace can serve several clusters and environments. */
    static final String KEYS = "cluster, environment";

    /**
     * Every scraped metric the rules read, by the collector's name for it (histograms without {@code _bucket}); a
     * test keeps this list in step with the expressions.
     */
    public static final List<String> USED_METRICS = List.of("karpenter_nodepools_usage", "karpenter_nodepools_limit",
            "karpenter_scheduler_queue_depth", "karpenter_cloudprovider_errors_total", "karpenter_cluster_state_synced",
            "up", "container_cpu_usage_seconds_total", "kubelet_volume_stats_available_bytes",
            "kubelet_volume_stats_capacity_bytes", "container_memory_working_set_bytes",
            "container_spec_memory_limit_bytes", "kubelet_pleg_relist_duration_seconds",
            "apiserver_request_total", "apiserver_request_duration_seconds");

    private PlatformRules() {
    }

    /**
     * Problems with an environment's pipeline against the rules: every metric a rule reads must pass the allowlist
     * and keep its name, or the alert would never fire.
     */
    public static List<ConfigError> checkPipeline(EnvironmentConfig env, MetricsSpec spec) {
        List<ConfigError> out = new ArrayList<>();
        List<Pattern> allow = spec.allow().stream().map(Pattern::compile).toList();
        for (String metric : USED_METRICS) {
            if (!allow.isEmpty() && allow.stream().noneMatch(p -> p.matcher(metric).matches())) {
                out.add(new ConfigError(env.source(), spec.line(), "metrics.allow", "the allowlist drops '" + metric
                        + "', which the platform's alerting rules read", "add it to metrics.allow"));
            }
            spec.renames().stream().filter(r -> r.from().equals(metric)).findFirst().ifPresent(r -> out.add(
                    new ConfigError(env.source(), spec.line(), "metrics.rename", "renaming '" + metric + "' to '"
                            + r.to() + "' would blind the platform's alerting rules, which read it",
                            "keep its name, or rename another metric")));
        }
        return out;
    }

    /**
     * An environment whose series a workspace receives, and what it runs.
     *
     * @param environment the environment's name (the {@code environment} external label)
     * @param karpenter   whether it runs Karpenter
     * @param buildkit    whether it runs the BuildKit fleet
     */
    public record Scope(String environment, boolean karpenter, boolean buildkit) {
        public Scope {
            if (!environment.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("'" + environment + "' is not an environment name");
            }
        }

        /** The scope of {@code env}. */
        public static Scope of(EnvironmentConfig env) {
            return new Scope(env.name(), env.karpenter().isPresent(), env.buildkit().isPresent());
        }
    }

    /**
     * The groups for the environments one workspace receives: Karpenter's and the fleet's when one of them runs it,
     * then nodes, the control plane and the collector itself.
     */
    public static List<RuleGroup> groups(List<Scope> scopes) {
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a workspace's rules need at least one environment");
        }
        List<String> withKarpenter = scopes.stream().filter(Scope::karpenter).map(Scope::environment).sorted()
                .toList();
        List<RuleGroup> groups = new ArrayList<>();
        if (!withKarpenter.isEmpty()) {
            groups.add(karpenterGroup(withKarpenter));
        }
        if (scopes.stream().anyMatch(Scope::buildkit)) {
            groups.add(buildkitGroup());
        }
        groups.add(nodesGroup());
        groups.add(controlPlaneGroup());
        groups.add(collectorGroup(scopes.stream().map(Scope::environment).sorted().toList()));
        return groups;
    }

    /** A PromQL regex matching exactly these environment names. */
    static String environments(List<String> names) {
        return String.join("|", names);
    }

    /**
     * One {@code CollectorDown} per environment: when a collector stops (or cannot write), its series stop
     * arriving and every other alert of the environment goes silent; {@code absent_over_time} notices the silence,
     * which needs the environment's name.
     */
    static RuleGroup collectorGroup(List<String> environments) {
        List<PrometheusRule> rules = new ArrayList<>();
        for (String env : environments) {
            rules.add(new Alert("CollectorDown", "absent_over_time(up{job=\"" + KUBELET + "\",environment=\"" + env
                    + "\"}[10m])", "5m", Severity.CRITICAL, "No metrics from " + env + " for 15 minutes",
                    "Its collector (observability/otel-collector) is down or cannot write to AMP, so no other "
                            + "alert of " + env + " can fire: check the collector's pods and logs."));
        }
        return new RuleGroup("collector", "1m", rules);
    }

    static RuleGroup karpenterGroup(List<String> environments) {
        return new RuleGroup("karpenter", "1m", List.of(
                new Recording("nodepool:karpenter_nodepools_usage_cpu:ratio",
                        "sum by (" + KEYS + ", nodepool) (karpenter_nodepools_usage{resource_type=\"cpu\"}) / sum by "
                                + "(" + KEYS + ", nodepool) (karpenter_nodepools_limit{resource_type=\"cpu\"})"),
                new Alert("KarpenterNodePoolNearLimit", "nodepool:karpenter_nodepools_usage_cpu:ratio > 0.9", "15m",
                        Severity.WARNING, "NodePool {{ $labels.nodepool }} uses over 90% of its CPU limit",
                        "Karpenter will stop adding nodes to {{ $labels.nodepool }} at its limit; raise limits.cpu "
                                + "in stacks/ or move workloads to another pool."),
                new Alert("KarpenterPodsWaiting", "max by (" + KEYS + ") (karpenter_scheduler_queue_depth) > 0",
                        "30m", Severity.WARNING,
                        "Pods have waited 30 minutes for Karpenter to schedule them",
                        "No NodePool can take them: check their requirements against the pools, the pools' limits "
                                + "and the EC2 capacity in the zones."),
                new Alert("KarpenterCloudProviderErrors",
                        "sum by (" + KEYS + ", controller, method) (rate(karpenter_cloudprovider_errors_total[10m]))"
                                + " > 0.1", "15m",
                        Severity.WARNING, "Karpenter's EC2 calls fail ({{ $labels.method }})",
                        "Check the controller's logs and IAM policy, and EC2 limits and capacity."),
                new Alert("KarpenterClusterStateNotSynced",
                        "max by (" + KEYS + ") (karpenter_cluster_state_synced) == 0", "15m",
                        Severity.CRITICAL, "Karpenter's view of the cluster is out of sync",
                        "Karpenter cannot safely provision or disrupt nodes; check the controller's logs."),
                // from the kubelets, which are scraped whether or not a Karpenter pod exists: with no pod, there is no
                // up{job="karpenter"} at all, and an expression on it alone could never fire
                new Alert("KarpenterDown", "count by (" + KEYS + ") (up{job=\"" + KUBELET + "\",environment=~\""
                        + environments(environments) + "\"}) unless count by (" + KEYS + ") (up{job=\"" + KARPENTER
                        + "\"} == 1)", "10m", Severity.CRITICAL,
                        "No Karpenter controller is up",
                        "New pods will not get nodes; check the karpenter pods in kube-system.")));
    }

    static RuleGroup buildkitGroup() {
        String builders = "namespace=\"buildkit\",container=\"buildkitd\"";
        return new RuleGroup("buildkit", "1m", List.of(
                new Recording("arch:buildkitd_cpu_usage:rate5m", "sum by (" + KEYS + ", arch) (label_replace(rate("
                        + "container_cpu_usage_seconds_total{" + builders + "}[5m]), \"arch\", \"$1\", \"pod\", "
                        + "\"buildkitd-(arm64|amd64)-[0-9]+\"))"),
                new Alert("BuildkitCacheVolumeNearlyFull",
                        "kubelet_volume_stats_available_bytes{namespace=\"buildkit\"}"
                        + " / kubelet_volume_stats_capacity_bytes{namespace=\"buildkit\"} < 0.05", "15m",
                        Severity.WARNING, "Cache volume {{ $labels.persistentvolumeclaim }} is over 95% full",
                        "BuildKit's garbage collection is not keeping up and builds may fail with ENOSPC; raise "
                                + "cacheGiB or lower gcReservedGiB in stacks/."),
                new Alert("BuildkitMemoryNearLimit", "max by (" + KEYS + ", pod) (container_memory_working_set_bytes{"
                        + builders + "}) / max by (" + KEYS + ", pod) (container_spec_memory_limit_bytes{" + builders
                        + "} > 0) > 0.9", "10m",
                        Severity.WARNING, "Builder {{ $labels.pod }} is close to its memory limit",
                        "It may be killed mid-build; raise the pool's memory in stacks/.")));
    }

    static RuleGroup nodesGroup() {
        return new RuleGroup("nodes", "1m", List.of(
                new Alert("KubeletDown", "up{job=\"" + KUBELET + "\"} == 0", "10m", Severity.CRITICAL,
                        "The kubelet of {{ $labels.instance }} does not answer",
                        "The node may be unhealthy; Karpenter replaces unhealthy nodes it manages."),
                // a scrape returning more samples than its sample_limit fails whole: without this, the alerts on
                // cAdvisor's and the builders' series would go silent
                new Alert("ScrapeFailing", "up{job=~\"" + CADVISOR + "|buildkitd\"} == 0", "15m", Severity.WARNING,
                        "Job {{ $labels.job }} cannot scrape {{ $labels.instance }}",
                        "The target does not answer, or returns more samples than the job's sample_limit (twice the "
                                + "estimate in dist/<environment>/metrics-budget.md); alerts on its series are "
                                + "silent meanwhile. Check the target, or the estimate's assumptions."),
                new Alert("KubeletPlegSlow", "histogram_quantile(0.99, sum by (" + KEYS + ", instance, le) "
                        + "(rate(kubelet_pleg_relist_duration_seconds_bucket{job=\"" + KUBELET + "\"}[5m]))) >= 10",
                        "5m", Severity.WARNING, "The kubelet of {{ $labels.instance }} relists pods slowly",
                        "Its container runtime is overloaded; the node may turn NotReady.")));
    }

    static RuleGroup controlPlaneGroup() {
        return new RuleGroup("control-plane", "1m", List.of(
                new Recording("code:apiserver_request_total:rate5m",
                        "sum by (" + KEYS + ", code) (rate(apiserver_request_total{job=\"" + APISERVER + "\"}[5m]))"),
                new Alert("KubeApiServerErrors", "sum by (" + KEYS + ") (code:apiserver_request_total:rate5m"
                        + "{code=~\"5..\"}) / sum by (" + KEYS + ") (code:apiserver_request_total:rate5m) > 0.05",
                        "10m", Severity.CRITICAL,
                        "Over 5% of API server requests fail",
                        "Controllers and deploys are failing; check the EKS control plane's health and logs."),
                new Alert("KubeApiServerSlow", "histogram_quantile(0.99, sum by (" + KEYS + ", verb, le) (rate("
                        + "apiserver_request_duration_seconds_bucket{job=\"" + APISERVER + "\",verb!~\"WATCH|CONNECT\"}"
                        + "[5m]))) > 1", "10m", Severity.WARNING,
                        "API server {{ $labels.verb }} requests take over 1 s",
                        "Look for clients flooding the API (list calls without limits) in the audit log."),
                new Alert("KubeApiServerDown", "count by (" + KEYS + ") (up{job=\"" + KUBELET + "\"}) unless "
                        + "count by (" + KEYS + ") (up{job=\"" + APISERVER + "\"} == 1)", "5m", Severity.CRITICAL,
                        "The API server is not scraped", "Check the collector and the cluster endpoint.")));
    }
}
