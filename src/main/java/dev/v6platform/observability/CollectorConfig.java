package dev.v6platform.observability;

import dev.v6platform.buildkit.BuildFleetChart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenTelemetry collector's configuration: a {@code prometheus} receiver with the platform's scrape jobs, the
 * processors, and a {@code prometheusremotewrite} exporter signing with {@code sigv4auth} to the workspace's
 * dual-stack endpoint.
 *
 * <ul>
 *   <li>Kubelet and cAdvisor directly at each node's address ({@code [ipv6]:10250}, as node discovery writes it),
 *       authorized by {@code nodes/metrics} only: the API server's node proxy would need {@code nodes/proxy}, which
 *       allows exec in any pod (kubernetes/kubernetes#119640). TLS is verified with the service account's CA, which
 *       signs the kubelets' serving certificates on EKS. The API server from its endpoints, verified as
 *       {@code kubernetes} (its certificate does not name the endpoints' addresses).</li>
 *   <li>The allowlist is applied in each job's {@code metric_relabel_configs} ({@code keep} on {@code __name__}):
 *       dropped series never reach the pipeline, and {@code sample_limit} counts the kept samples. The
 *       {@code filter} processor stays as a backstop.</li>
 *   <li>Pods (Karpenter's controller, the builders) on a chosen port: the address is rebuilt as
 *       {@code [ip]:port}. The common {@code ([^:]+)(?::\d+)?;(\d+)} rule breaks on IPv6 addresses.</li>
 *   <li>{@code $} is written {@code $$}: the collector expands {@code $} itself.</li>
 *   <li>Two replicas scrape the same targets; AMP keeps one copy through its HA deduplication on the
 *       {@code cluster} and {@code __replica__} external labels.</li>
 * </ul>
 */
public final class CollectorConfig {
    static final String TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    static final String CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
    public static final int HEALTH_PORT = 13133;
    /**
     * The remote write URL comes from this environment variable (ConfigMap {@code amp-workspace}), because the
     * workspace id exists only after deploy and dist/ must not change with it.
     */
    public static final String REMOTE_WRITE_ENV = "AMP_REMOTE_WRITE_URL";
    /** Where the opt-in write-ahead log lives (an emptyDir). */
    public static final String WAL = "/var/lib/otelcol/wal";
    /** The builders' debug listener, which serves BuildKit's Prometheus metrics. */
    public static final int BUILDKIT_METRICS_PORT = BuildFleetChart.METRICS_PORT;
    /** Karpenter's metrics port (its container port {@code http-metrics}). */
    public static final int KARPENTER_METRICS_PORT = 8080;

    private CollectorConfig() {
    }

    /**
     * The memory_limiter's settings: it refuses data above {@code limitMiB} and starts to above
     * {@code limitMiB - spikeMiB}.
     */
    public record Limiter(long limitMiB, long spikeMiB) {
        public Limiter {
            if (spikeMiB <= 0 || spikeMiB >= limitMiB) {
                throw new IllegalArgumentException("the spike allowance " + spikeMiB + " MiB must be between 0 and the "
                        + "limit " + limitMiB + " MiB");
            }
        }

        /** The settings that follow from {@code estimate}'s sizing of the collector. */
        public static Limiter of(SeriesEstimate estimate) {
            return new Limiter(estimate.limiterLimitMiB(), estimate.limiterSpikeMiB());
        }
    }

    /**
     * The configuration as ordered maps.
     *
     * @param region         the workspace's region
     * @param cluster        the cluster name, an external label on every series
     * @param environment    the environment name, an external label on every series
     * @param processors     the metric pipeline's own processors (name to configuration), in order; they run after
     *                       {@code memory_limiter} and before {@code batch}
     * @param allow          the allowlist (anchored regexes of metric names); empty keeps everything
     * @param sampleLimits   per job, the most kept samples one scrape of one target may return; a scrape above it
     *                       fails and is counted in {@code up == 0}
     * @param limiter        the memory_limiter's hard limit and spike allowance in MiB, from the estimate; empty
     *                       for percentages of the container's limit (80 and 20)
     * @param writeAheadLog  whether the exporter keeps a write-ahead log
     */
    public static Map<String, Object> build(String region, String cluster, String environment,
            boolean karpenter, boolean buildkit, Map<String, Object> processors, List<String> allow,
            Map<String, Long> sampleLimits, Optional<Limiter> limiter, boolean writeAheadLog) {
        List<Object> jobs = new ArrayList<>();
        jobs.add(kubeletJob(PlatformRules.KUBELET, "/metrics"));
        jobs.add(kubeletJob(PlatformRules.CADVISOR, "/metrics/cadvisor"));
        jobs.add(apiServerJob());
        if (karpenter) {
            jobs.add(podJob(PlatformRules.KARPENTER, "kube-system", "karpenter", KARPENTER_METRICS_PORT));
        }
        if (buildkit) {
            jobs.add(podJob("buildkitd", "buildkit", "buildkitd", BUILDKIT_METRICS_PORT));
        }
        for (Object job : jobs) {
            @SuppressWarnings("unchecked")
            Map<String, Object> j = (Map<String, Object>) job;
            if (!allow.isEmpty()) {
                j.put("metric_relabel_configs", List.of(map("source_labels", List.of("__name__"),
                        "regex", keepRegex(allow), "action", "keep")));
            }
            Long limit = sampleLimits.get((String) j.get("job_name"));
            if (limit != null) {
                j.put("sample_limit", limit);
            }
        }
        Map<String, Object> prometheus = map("config", map("global", map("scrape_interval", "30s",
                "scrape_timeout", "10s"), "scrape_configs", jobs));

        Map<String, Object> allProcessors = new LinkedHashMap<>();
        allProcessors.put("memory_limiter", limiter.isPresent()
                ? map("check_interval", "1s", "limit_mib", limiter.get().limitMiB(), "spike_limit_mib",
                        limiter.get().spikeMiB())
                : map("check_interval", "1s", "limit_percentage", 80, "spike_limit_percentage", 20));
        allProcessors.putAll(processors);
        allProcessors.put("batch", map("send_batch_size", 8192, "timeout", "10s"));

        Map<String, Object> externalLabels = new LinkedHashMap<>();
        externalLabels.put("cluster", cluster);
        externalLabels.put("environment", environment);
        externalLabels.put("__replica__", "${env:POD_NAME}");
        Map<String, Object> exporter = new LinkedHashMap<>();
        exporter.put("endpoint", "${env:" + REMOTE_WRITE_ENV + "}");
        exporter.put("auth", map("authenticator", "sigv4auth"));
        exporter.put("timeout", "30s");
        exporter.put("external_labels", externalLabels);
        exporter.put("resource_to_telemetry_conversion", map("enabled", false));
        exporter.put("target_info", map("enabled", false));
        exporter.put("remote_write_queue", map("enabled", true, "queue_size", 20000, "num_consumers", 4));
        exporter.put("retry_on_failure", map("enabled", true, "initial_interval", "5s", "max_interval", "30s",
                "max_elapsed_time", "10m"));
        // the WAL is opt-in: one batch AMP rejects is replayed until the volume fills; the queue, the retries and
        // the second replica cover restarts
        if (writeAheadLog) {
            exporter.put("wal", map("directory", WAL, "buffer_size", 300, "truncate_frequency", "1m"));
        }

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("extensions", map(
                "health_check", map("endpoint", "[::]:" + HEALTH_PORT),
                "sigv4auth", map("region", region, "service", "aps")));
        config.put("receivers", map("prometheus", prometheus));
        config.put("processors", allProcessors);
        config.put("exporters", map("prometheusremotewrite", exporter));
        config.put("service", map(
                "extensions", List.of("health_check", "sigv4auth"),
                "pipelines", map("metrics", map(
                        "receivers", List.of("prometheus"),
                        "processors", new ArrayList<>(allProcessors.keySet()),
                        "exporters", List.of("prometheusremotewrite"))),
                "telemetry", map("logs", map("level", "info"))));
        return config;
    }

    /**
     * The regex a scrape job keeps series by: the allowlist names metrics as the collector's pipeline does
     * (histograms and summaries by their base name), while a scrape sees each series' own name, so a histogram's
     * {@code _bucket}, {@code _sum} and {@code _count} series pass with their base name. Prometheus anchors it.
     */
    static String keepRegex(List<String> allow) {
        return ("(?:" + String.join("|", allow) + ")(?:_bucket|_sum|_count)?").replace("$", "$$");
    }

    /** The configuration file's text. */
    public static String render(Map<String, Object> config) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        return new Yaml(options).dump(config);
    }

    /**
     * A kubelet endpoint of every node, at the address node discovery gives ({@code [InternalIP]:10250}: the node's
     * IPv6 address in an IPv6 cluster, bracketed).
     */
    private static Map<String, Object> kubeletJob(String job, String path) {
        return map(
                "job_name", job,
                "scheme", "https",
                "metrics_path", path,
                "authorization", map("credentials_file", TOKEN),
                "tls_config", map("ca_file", CA),
                "kubernetes_sd_configs", List.of(map("role", "node")),
                "relabel_configs", List.of(
                        map("source_labels", List.of("__meta_kubernetes_node_name"), "target_label", "node"),
                        // name the node, not its address: rules and dashboards read instance
                        map("source_labels", List.of("__meta_kubernetes_node_name"), "target_label", "instance")));
    }

    private static Map<String, Object> apiServerJob() {
        return map(
                "job_name", PlatformRules.APISERVER,
                "scheme", "https",
                "authorization", map("credentials_file", TOKEN),
                // the endpoints are the control plane's network interfaces, which its certificate does not name
                "tls_config", map("ca_file", CA, "server_name", "kubernetes"),
                "kubernetes_sd_configs", List.of(map("role", "endpoints", "namespaces", map("names",
                        List.of("default")))),
                "relabel_configs", List.of(map("action", "keep",
                        "source_labels", List.of("__meta_kubernetes_service_name",
                                "__meta_kubernetes_endpoint_port_name"),
                        "regex", "kubernetes;https")));
    }

    /** Pods of one app in one namespace, on one port, addressed {@code [ip]:port}. */
    static Map<String, Object> podJob(String job, String namespace, String app, int port) {
        return map(
                "job_name", job,
                "kubernetes_sd_configs", List.of(map("role", "pod", "namespaces", map("names", List.of(namespace)),
                        "selectors", List.of(map("role", "pod", "label", "app.kubernetes.io/name=" + app)))),
                "relabel_configs", List.of(
                        map("action", "keep", "source_labels", List.of("__meta_kubernetes_pod_phase"),
                                "regex", "Running"),
                        map("source_labels", List.of("__meta_kubernetes_pod_ip"), "regex", "(.+)",
                                "target_label", "__address__", "replacement", "[$${1}]:" + port),
                        map("source_labels", List.of("__meta_kubernetes_pod_name"), "target_label", "pod"),
                        map("source_labels", List.of("__meta_kubernetes_namespace"), "target_label", "namespace")));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
