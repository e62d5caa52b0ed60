package dev.v6platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.KubernetesValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The namespaces of an environment, as plain data (no synth). */
class PlatformNamespacesChartTest {
    static final EnvironmentConfig ENV = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("dev-use1.yaml"));

    @SuppressWarnings("unchecked")
    static Map<String, String> labels(String name) {
        return PlatformNamespacesChart.namespaces(ENV).stream()
                .map(ns -> (Map<String, Object>) ns.get("metadata"))
                .filter(meta -> meta.get("name").equals(name))
                .map(meta -> (Map<String, String>) meta.get("labels"))
                .findFirst().orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void creates_the_platform_namespaces_then_the_configured_ones() {
        List<String> names = PlatformNamespacesChart.namespaces(ENV).stream()
                .map(ns -> (String) ((Map<String, Object>) ns.get("metadata")).get("name")).toList();

        assertThat(names).containsExactly("buildkit", "buildkit-drivers", "observability", "ci",
                "ci-release");
    }

    @Test
    void enforces_each_level_and_warns_and_audits_at_restricted_pinned_to_the_cluster_version() {
        assertThat(labels("buildkit"))
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged")
                .containsEntry("pod-security.kubernetes.io/enforce-version", "v1.34")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted");
        assertThat(labels("observability")).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        assertThat(labels("ci")).containsEntry("pod-security.kubernetes.io/enforce", "baseline");
    }

    @Test
    void labels_name_the_environment_the_owner_and_the_users_labels() {
        assertThat(labels("ci"))
                .containsEntry("v6-platform.dev/environment", "dev-use1")
                .containsEntry("app.kubernetes.io/managed-by", "v6-platform")
                .containsEntry("v6-platform.dev/namespace-role", "workload")
                .containsEntry("team", "developer-productivity");
        assertThat(labels("buildkit")).containsEntry("v6-platform.dev/namespace-role", "platform");
    }

    @Test
    void every_namespace_passes_the_strict_schema_check() {
        for (Map<String, Object> ns : PlatformNamespacesChart.namespaces(ENV)) {
            assertThat(KubernetesValidator.shared().validate(ns)).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sorted_copies_order_every_map_key_and_keep_list_order() {
        Object sorted = KubeObjects.sorted(Map.of("b", List.of(Map.of("z", 1, "a", 2), "x"), "a", 1));

        assertThat(((Map<String, Object>) sorted).keySet()).containsExactly("a", "b");
        List<Object> list = (List<Object>) ((Map<String, Object>) sorted).get("b");
        assertThat(((Map<String, Object>) list.get(0)).keySet()).containsExactly("a", "z");
        assertThat(list.get(1)).isEqualTo("x");
    }
}
