package dev.v6platform.observability;

import static dev.v6platform.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.KubernetesValidator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cdk8s.App;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The rendered collector configuration, parsed back the way the collector reads it. */
@SuppressWarnings("unchecked")
class CollectorConfigTest {
    static final String TEXT = CollectorConfig.render(CollectorConfig.build("us-east-1", "v6-prod-use1",
            "prod-use1", true, true, new LinkedHashMap<>(Map.of("filter/allowlist", Map.of("error_mode", "ignore"))),
            List.of("up", "container_.*", "buildkit_.*"), Map.of("cadvisor", 2000L), Optional.of(new CollectorConfig.Limiter(1523, 269)), false));
    static final Map<String, Object> CONFIG = new Yaml().load(TEXT);

    @Test
    void the_pipeline_limits_memory_first_runs_the_metric_processors_then_batches() {
        assertThat((List<String>) at(CONFIG, "service", "pipelines", "metrics", "processors"))
                .containsExactly("memory_limiter", "filter/allowlist", "batch");
        assertThat((List<String>) at(CONFIG, "service", "pipelines", "metrics", "receivers"))
                .containsExactly("prometheus");
        assertThat((List<String>) at(CONFIG, "service", "pipelines", "metrics", "exporters"))
                .containsExactly("prometheusremotewrite");
        assertThat((Map<String, Object>) at(CONFIG, "processors")).containsOnlyKeys("memory_limiter",
                "filter/allowlist", "batch");
        assertThat((Map<String, Object>) at(CONFIG, "processors", "memory_limiter")).isEqualTo(Map.of(
                "check_interval", "1s", "limit_mib", 1523, "spike_limit_mib", 269));
    }

    @Test
    @SuppressWarnings("unchecked")
    void remote_write_signs_with_sigv4_and_keeps_a_queue_and_retries_but_no_wal() {
        Map<String, Object> exporter = at(CONFIG, "exporters", "prometheusremotewrite");

        assertThat(exporter).containsEntry("endpoint", "${env:AMP_REMOTE_WRITE_URL}")
                .containsEntry("auth", Map.of("authenticator", "sigv4auth"));
        assertThat((Map<String, Object>) at(CONFIG, "extensions", "sigv4auth")).isEqualTo(Map.of(
                "region", "us-east-1", "service", "aps"));
        assertThat((Map<String, Object>) exporter.get("external_labels")).containsEntry("cluster", "v6-prod-use1")
                .containsEntry("__replica__", "${env:POD_NAME}");
        assertThat(exporter).doesNotContainKey("wal");
        assertThat((Map<String, Object>) exporter.get("retry_on_failure")).containsEntry("enabled", true);
        assertThat((Map<String, Object>) exporter.get("remote_write_queue")).containsEntry("enabled", true);
        assertThat((List<String>) at(CONFIG, "service", "extensions")).containsExactly("health_check", "sigv4auth");
        assertThat(at(CONFIG, "extensions", "health_check", "endpoint").toString()).isEqualTo("[::]:13133");
    }

    @Test
    @SuppressWarnings("unchecked")
    void pod_targets_are_addressed_as_bracketed_ipv6_and_dollars_are_escaped_for_the_collector() {
        List<Map<String, Object>> jobs = at(CONFIG, "receivers", "prometheus", "config", "scrape_configs");
        assertThat(jobs).extracting(j -> j.get("job_name")).containsExactly("kubelet", "cadvisor", "apiserver",
                "karpenter", "buildkitd");
        Map<String, Object> karpenter = jobs.get(3);
        assertThat((List<Map<String, Object>>) karpenter.get("relabel_configs")).contains(Map.of(
                "source_labels", List.of("__meta_kubernetes_pod_ip"), "regex", "(.+)",
                "target_label", "__address__", "replacement", "[$${1}]:8080"));
        assertThat(at(jobs.get(4), "relabel_configs", "1", "replacement").toString()).isEqualTo("[$${1}]:6060");
        assertThat((List<Map<String, Object>>) jobs.get(1).get("relabel_configs")).contains(Map.of(
                "source_labels", List.of("__meta_kubernetes_node_name"), "target_label", "instance"));
        assertThat(TEXT).doesNotContain("([^:]+)").doesNotContainPattern("[^$]\\$\\{1\\}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubelets_and_cadvisor_are_scraped_at_the_nodes_address_with_tls_verified_never_through_the_node_proxy() {
        List<Map<String, Object>> jobs = at(CONFIG, "receivers", "prometheus", "config", "scrape_configs");
        for (int i = 0; i < 2; i++) {
            Map<String, Object> job = jobs.get(i);
            assertThat(job).containsEntry("scheme", "https").containsEntry("metrics_path", i == 0 ? "/metrics"
                    : "/metrics/cadvisor").containsEntry("tls_config", Map.of("ca_file",
                            "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"))
                    .containsEntry("kubernetes_sd_configs", List.of(Map.of("role", "node")));
            // node discovery's own address ([InternalIP]:10250) is kept: no relabel rewrites it
            assertThat(job.get("relabel_configs").toString()).doesNotContain("__address__", "proxy");
        }
        assertThat(TEXT).doesNotContain("/proxy", "kubernetes.default.svc");
        assertThat(at(jobs.get(2), "tls_config", "server_name").toString()).isEqualTo("kubernetes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_allowlist_keeps_series_in_every_job_before_the_sample_limit_counts_them() {
        List<Map<String, Object>> jobs = at(CONFIG, "receivers", "prometheus", "config", "scrape_configs");
        for (Map<String, Object> job : jobs) {
            assertThat(job.get("metric_relabel_configs")).as(job.get("job_name").toString()).isEqualTo(List.of(
                    Map.of("source_labels", List.of("__name__"), "regex",
                            "(?:up|container_.*|buildkit_.*)(?:_bucket|_sum|_count)?", "action", "keep")));
        }
        assertThat(jobs.get(1)).containsEntry("sample_limit", 2000);
        Map<String, Object> bare = new Yaml().load(CollectorConfig.render(CollectorConfig.build("eu-west-1", "c",
                "e", false, false, Map.of(), List.of(), Map.of(), Optional.empty(), false)));
        assertThat(at(bare, "receivers", "prometheus", "config", "scrape_configs").toString())
                .doesNotContain("metric_relabel_configs");
    }

    @Test
    void a_histogram_allowed_by_its_base_name_keeps_its_bucket_sum_and_count_series_at_the_scrape() {
        java.util.regex.Pattern keep = java.util.regex.Pattern.compile(CollectorConfig.keepRegex(List.of(
                "kubelet_pleg_relist_duration_seconds", "apiserver_request_total")));
        for (String series : List.of("kubelet_pleg_relist_duration_seconds_bucket",
                "kubelet_pleg_relist_duration_seconds_sum", "kubelet_pleg_relist_duration_seconds_count",
                "apiserver_request_total")) {
            assertThat(keep.matcher(series).matches()).as(series).isTrue();
        }
        for (String series : List.of("kubelet_pleg_relist_interval_seconds_bucket", "go_goroutines",
                "apiserver_request_total_bucket_x")) {
            assertThat(keep.matcher(series).matches()).as(series).isFalse();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_collector_reads_kubelet_metrics_without_nodes_proxy_and_gets_the_memory_it_is_sized_for() {
        List<Map<String, Object>> objects = (List<Map<String, Object>>) (List<?>) new CollectorChart(new App(), "m",
                TEXT, false, 1792).toJson();
        Map<String, Object> role = objects.stream().filter(o -> o.get("kind").equals("ClusterRole")).findFirst()
                .orElseThrow();
        assertThat(role.toString()).contains("nodes/metrics").doesNotContain("nodes/proxy");
        Map<String, Object> container = at(objects.stream().filter(o -> o.get("kind").equals("Deployment"))
                .findFirst().orElseThrow(), "spec", "template", "spec", "containers", "0");
        assertThat(at(container, "resources", "limits", "memory").toString()).isEqualTo("1792Mi");
        assertThat(at(container, "resources", "requests", "memory").toString()).isEqualTo("1792Mi");
        assertThat((List<Map<String, Object>>) container.get("env")).contains(Map.of("name", "GOMEMLIMIT",
                "value", "1433MiB"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_write_ahead_log_is_opt_in_and_then_gets_its_own_volume() {
        Map<String, Object> withWal = new Yaml().load(CollectorConfig.render(CollectorConfig.build("eu-west-1", "c",
                "e", false, false, Map.of(), List.of(), Map.of(), Optional.empty(), true)));
        assertThat((Map<String, Object>) at(withWal, "exporters", "prometheusremotewrite", "wal"))
                .containsEntry("directory", "/var/lib/otelcol/wal");
        List<Map<String, Object>> objects = (List<Map<String, Object>>) (List<?>) new CollectorChart(new App(), "w",
                "x: 1\n", true).toJson();
        assertThat(objects.stream().filter(o -> o.get("kind").equals("Deployment")).findFirst().orElseThrow()
                .toString()).contains("mountPath=/var/lib/otelcol/wal", "sizeLimit=2Gi");
    }

    @Test
    void without_karpenter_or_buildkit_their_jobs_are_not_scraped() {
        Map<String, Object> bare = new Yaml().load(CollectorConfig.render(CollectorConfig.build("eu-west-1", "c",
                "e", false, false, Map.of(), List.of(), Map.of(), Optional.empty(), false)));
        assertThat(at(bare, "receivers", "prometheus", "config", "scrape_configs").toString())
                .doesNotContain("karpenter", "buildkitd");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_collector_objects_pass_the_strict_schema_and_run_restricted_on_the_system_nodes() {
        List<Map<String, Object>> objects = (List<Map<String, Object>>) (List<?>) new CollectorChart(new App(), "c",
                TEXT, false).toJson();
        for (Map<String, Object> o : objects) {
            assertThat(KubernetesValidator.shared().validate(o)).as(o.get("kind").toString()).isEmpty();
        }
        Map<String, Object> deployment = objects.stream().filter(o -> o.get("kind").equals("Deployment"))
                .findFirst().orElseThrow();
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        assertThat(at(deployment, "spec", "replicas").toString()).isEqualTo("2");
        assertThat(at(pod, "containers", "0", "image").toString())
                .isEqualTo("otel/opentelemetry-collector-contrib:0.149.0");
        assertThat((Map<String, Object>) at(pod, "containers", "0", "securityContext"))
                .containsEntry("allowPrivilegeEscalation", false).containsEntry("readOnlyRootFilesystem", true);
        assertThat(at(pod, "containers", "0", "env").toString()).contains("AMP_REMOTE_WRITE_URL", "amp-workspace");
        assertThat((Map<String, Object>) at(pod, "nodeSelector")).containsEntry("v6-platform.dev/node-role",
                "system");
        assertThat(objects).extracting(o -> o.get("kind")).contains("PodDisruptionBudget", "ClusterRole",
                "ClusterRoleBinding", "ServiceAccount", "ConfigMap");
    }
}
