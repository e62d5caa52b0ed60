package dev.v6platform.buildkit;

import static dev.v6platform.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.KubernetesValidator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cdk8s.App;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class BuildFleetChartTest {
    static EnvironmentConfig prod;
    static List<Map<String, Object>> objects;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void render() {
        prod = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml"));
        objects = (List<Map<String, Object>>) (List<?>) new BuildFleetChart(new App(), "buildkit", prod).toJson();
    }

    static Map<String, Object> find(String kind, String name) {
        return objects.stream().filter(o -> o.get("kind").equals(kind)
                && ((Map<?, ?>) o.get("metadata")).get("name").equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("no " + kind + " " + name));
    }

    @Test
    void every_object_passes_the_strict_kubernetes_schema() {
        for (Map<String, Object> o : objects) {
            assertThat(KubernetesValidator.shared().validate(o)).as(o.get("kind") + " " + at(o, "metadata", "name"))
                    .isEmpty();
        }
        assertThat(objects).extracting(o -> o.get("kind")).containsOnlyOnce("StorageClass", "Role", "RoleBinding",
                "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    }

    @Test
    void the_kubernetes_driver_works_in_its_own_namespace_away_from_the_fleet() {
        assertThat(objects.stream().filter(o -> List.of("Role", "RoleBinding").contains(o.get("kind")))
                .map(o -> at(o, "metadata", "namespace"))).containsOnly("buildkit-drivers");
        Map<String, Object> account = objects.stream().filter(o -> o.get("kind").equals("ServiceAccount")
                && at(o, "metadata", "namespace").equals("buildkit-drivers")).findFirst().orElseThrow();
        assertThat(at(account, "metadata", "name").toString()).isEqualTo("default");
        assertThat(account).containsEntry("automountServiceAccountToken", false);
        assertThat(at(find("ValidatingAdmissionPolicyBinding", "buildkit-driver-builders"), "spec",
                "matchResources", "namespaceSelector", "matchLabels").toString())
                .isEqualTo("{kubernetes.io/metadata.name=buildkit-drivers}");
        assertThat(objects).as("the namespace's default-deny policy comes with the namespace")
                .noneMatch(o -> o.get("kind").equals("NetworkPolicy") && at(o, "metadata", "namespace")
                        .equals("buildkit-drivers"));
    }

    @Test
    void each_architecture_runs_pinned_rootless_builders_on_its_own_tainted_pool() {
        for (String arch : List.of("arm64", "amd64")) {
            Map<String, Object> sts = find("StatefulSet", "buildkitd-" + arch);
            Map<String, Object> pod = at(sts, "spec", "template", "spec");

            assertThat(at(pod, "containers", "0", "image").toString()).isEqualTo("moby/buildkit:v0.32.2-rootless");
            assertThat((Map<String, Object>) at(pod, "nodeSelector")).isEqualTo(Map.of(
                    "kubernetes.io/arch", arch, "v6-platform.dev/pool", "buildkit-" + arch));
            assertThat((List<Object>) at(pod, "tolerations")).containsExactly(Map.of("key",
                    "v6-platform.dev/buildkit", "operator", "Equal", "value", arch, "effect", "NoSchedule"));
            assertThat((List<String>) at(pod, "containers", "0", "args")).contains("--oci-worker-no-process-sandbox",
                    "--oci-worker-net=host", "tcp://0.0.0.0:1234");
            assertThat((Map<String, Object>) at(pod, "containers", "0", "securityContext")).containsEntry(
                    "seccompProfile", Map.of("type", "Unconfined")).containsEntry("runAsUser", 1000);
            assertThat(at(sts, "spec", "podManagementPolicy").toString()).isEqualTo("Parallel");
            assertThat(at(sts, "spec", "volumeClaimTemplates", "0", "spec", "resources", "requests", "storage")
                    .toString()).isEqualTo("300Gi");
            assertThat(at(sts, "spec", "volumeClaimTemplates", "0", "spec", "storageClassName").toString())
                    .isEqualTo("buildkit-cache");
            assertThat(at(find("Service", "buildkitd-" + arch), "spec", "clusterIP").toString()).isEqualTo("None");
        }
        assertThat((Map<String, Object>) at(find("StorageClass", "buildkit-cache"), "parameters")).isEqualTo(Map.of("type", "gp3",
                "encrypted", "true", "csi.storage.k8s.io/fstype", "xfs"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void builders_of_one_architecture_land_on_different_nodes_spread_over_zones() {
        for (String arch : List.of("arm64", "amd64")) {
            Map<String, Object> sts = find("StatefulSet", "buildkitd-" + arch);
            Map<String, Object> pod = at(sts, "spec", "template", "spec");
            Object selector = at(sts, "spec", "selector", "matchLabels");

            List<Map<String, Object>> required = (List<Map<String, Object>>) at(pod, "affinity", "podAntiAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution");
            assertThat(required).containsExactly(Map.of("topologyKey", "kubernetes.io/hostname",
                    "labelSelector", Map.of("matchLabels", selector)));
            assertThat((Map<String, Object>) selector).containsEntry("v6-platform.dev/arch", arch);
            assertThat((List<Object>) at(pod, "topologySpreadConstraints")).containsExactly(Map.of("maxSkew", 1,
                    "topologyKey", "topology.kubernetes.io/zone", "whenUnsatisfiable", "ScheduleAnyway",
                    "labelSelector", Map.of("matchLabels", selector)));
        }
    }

    @Test
    void scaling_down_lets_running_builds_finish() {
        Map<String, Object> sts = find("StatefulSet", "buildkitd-arm64");
        Map<String, Object> pod = at(sts, "spec", "template", "spec");

        assertThat(at(pod, "terminationGracePeriodSeconds").toString()).isEqualTo("3600");
        assertThat((List<String>) at(pod, "containers", "0", "lifecycle", "preStop", "exec", "command"))
                .last().asString().startsWith("sleep 45; ").contains("buildctl debug histories").contains("STARTED");
        assertThat((Map<String, Object>) at(sts, "spec", "template", "metadata", "annotations"))
                .containsEntry("karpenter.sh/do-not-disrupt", "true");
        assertThat(at(find("PodDisruptionBudget", "buildkitd-arm64"), "spec", "maxUnavailable").toString())
                .isEqualTo("1");
        Map<String, Object> hpa = find("HorizontalPodAutoscaler", "buildkitd-arm64");
        assertThat(at(hpa, "spec", "minReplicas").toString()).isEqualTo("2");
        assertThat(at(hpa, "spec", "maxReplicas").toString()).isEqualTo("10");
        assertThat(at(hpa, "spec", "scaleTargetRef", "kind").toString()).isEqualTo("StatefulSet");
        assertThat((Map<String, Object>) at(hpa, "spec", "behavior", "scaleDown")).containsEntry(
                "stabilizationWindowSeconds", 900).containsEntry("policies", List.of(Map.of("type", "Pods",
                "value", 1, "periodSeconds", 300)));
        assertThat(at(sts, "spec").toString()).doesNotContain("replicas=");
    }

    @Test
    void only_the_client_namespaces_reach_the_router_only_the_router_reaches_builders_and_accounts_use_the_driver() {
        Map<String, Object> collector = Map.of(
                "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "observability")),
                "podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "otel-collector")));
        Map<String, Object> router = find("NetworkPolicy", "buildkit-router");
        assertThat(at(router, "spec", "podSelector").toString()).isEqualTo(
                "{matchLabels={app.kubernetes.io/name=buildkit-router}}");
        assertThat((List<Object>) at(router, "spec", "ingress")).containsExactly(Map.of(
                "from", List.of(Map.of("namespaceSelector", Map.of("matchExpressions", List.of(Map.of(
                        "key", "kubernetes.io/metadata.name", "operator", "In",
                        "values", List.of("ci", "ci-release")))))),
                "ports", List.of(Map.of("port", 1234, "protocol", "TCP"))), Map.of(
                "from", List.of(collector), "ports", List.of(Map.of("port", 8404, "protocol", "TCP"))));
        Map<String, Object> builders = find("NetworkPolicy", "buildkitd-clients");
        assertThat(at(builders, "spec", "podSelector").toString()).isEqualTo(
                "{matchLabels={app.kubernetes.io/name=buildkitd}}");
        assertThat((List<Object>) at(builders, "spec", "ingress")).containsExactly(Map.of(
                "from", List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name",
                        "buildkit-router")))),
                "ports", List.of(Map.of("port", 1234, "protocol", "TCP"))), Map.of(
                "from", List.of(collector), "ports", List.of(Map.of("port", 6060, "protocol", "TCP"))));
        assertThat((List<Object>) at(find("RoleBinding", "buildx-kubernetes-driver"), "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", "buildx", "namespace", "ci"),
                Map.of("kind", "ServiceAccount", "name", "release-builder", "namespace", "ci-release"));
        assertThat(at(find("Role", "buildx-kubernetes-driver"), "rules").toString()).contains("pods/exec");
    }

    @Test
    void buildkitd_toml_is_valid_toml_with_gc_sized_from_the_volume() throws Exception {
        String toml = at(find("ConfigMap", "buildkitd-amd64"), "data", "buildkitd.toml");
        JsonNode worker = new TomlMapper().readTree(toml).at("/worker/oci");

        assertThat(worker.at("/platforms/0").asText()).isEqualTo("linux/amd64");
        assertThat(worker.at("/max-parallelism").asInt()).isEqualTo(8);
        // buildkitd ignores worker-level sizes once gcpolicy entries exist: they would only mislead a reader
        assertThat(worker.has("reservedSpace") || worker.has("maxUsedSpace") || worker.has("minFreeSpace")
                || worker.has("gckeepstorage")).isFalse();
        JsonNode policies = worker.at("/gcpolicy");
        assertThat(policies).hasSize(4);
        // a policy without a size deletes everything it matches on every run: each has one
        for (JsonNode policy : policies) {
            assertThat(policy.has("maxUsedSpace")).as(policy.toString()).isTrue();
        }
        assertThat(policies.at("/0/keepDuration").asText()).isEqualTo("48h");
        assertThat(policies.at("/0/filters").toString()).contains("type==exec.cachemount");
        assertThat(policies.at("/0/maxUsedSpace").asText()).isEqualTo("135GiB");
        assertThat(policies.at("/1/keepDuration").asText()).isEqualTo("1440h");
        assertThat(policies.at("/1/all").isMissingNode()).isTrue();
        assertThat(policies.at("/3/all").asBoolean()).isTrue();
        for (int i = 1; i < 4; i++) {
            assertThat(policies.at("/" + i + "/reservedSpace").asText()).isEqualTo("60GiB");
            assertThat(policies.at("/" + i + "/maxUsedSpace").asText()).isEqualTo("270GiB");
            assertThat(policies.at("/" + i + "/minFreeSpace").asText()).isEqualTo("30GiB");
        }
    }

    @Test
    void a_changed_config_rolls_the_builders() {
        BuildkitSpec.Pool pool = prod.buildkit().orElseThrow().pools().get(0);
        BuildkitSpec.Pool bigger = new BuildkitSpec.Pool(pool.architecture(), pool.nodePool(), pool.minReplicas(),
                pool.maxReplicas(), pool.cacheGiB() * 2, pool.gcReservedGiB(), pool.cpu(), pool.memory(), 1);
        BuildkitSpec spec = prod.buildkit().orElseThrow();
        EnvironmentConfig changed = new EnvironmentConfig(prod.name(), prod.account(), prod.region(),
                prod.availabilityZones(), prod.kubernetesVersion(), prod.tags(), prod.network(), prod.cluster(),
                prod.karpenter(), Optional.of(new BuildkitSpec(spec.version(), spec.certManagerIssuer(),
                        spec.clients(), spec.cacheExpiryDays(), spec.imageRepositories(), List.of(bigger),
                        spec.line())), prod.metrics(), prod.namespaces(), prod.source(), prod.line());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> other = (List<Map<String, Object>>) (List<?>) new BuildFleetChart(new App(),
                "buildkit", changed).toJson();
        String key = "v6-platform.dev/config-sha256";
        Object before = at(find("StatefulSet", "buildkitd-arm64"), "spec", "template", "metadata", "annotations",
                key);
        Object after = other.stream().filter(o -> o.get("kind").equals("StatefulSet")).map(o -> at(o, "spec",
                "template", "metadata", "annotations", key)).findFirst().orElseThrow();

        assertThat(after).isNotEqualTo(before);
    }

    @Test
    @SuppressWarnings("unchecked")
    void with_cert_manager_the_daemon_and_each_client_namespace_get_certificates_from_the_issuer() {
        BuildkitSpec spec = prod.buildkit().orElseThrow();
        EnvironmentConfig withIssuer = new EnvironmentConfig(prod.name(), prod.account(), prod.region(),
                prod.availabilityZones(), prod.kubernetesVersion(), prod.tags(), prod.network(), prod.cluster(),
                prod.karpenter(), Optional.of(new BuildkitSpec(spec.version(), Optional.of("platform-ca"),
                        spec.clients(), spec.cacheExpiryDays(), spec.imageRepositories(), spec.pools(),
                        spec.line())), prod.metrics(), prod.namespaces(), prod.source(), prod.line());
        List<Map<String, Object>> all = (List<Map<String, Object>>) (List<?>) new BuildFleetChart(new App(),
                "buildkit", withIssuer).toJson();
        List<Map<String, Object>> certificates = all.stream().filter(o -> o.get("kind").equals("Certificate"))
                .toList();

        assertThat(certificates).extracting(o -> at(o, "metadata", "namespace") + "/" + at(o, "spec", "secretName"))
                .containsExactly("buildkit/buildkit-daemon-certs", "ci/buildkit-client-certs",
                        "ci-release/buildkit-client-certs");
        Map<String, Object> server = certificates.get(0);
        assertThat((List<String>) at(server, "spec", "dnsNames")).containsExactly(
                "buildkitd-arm64.buildkit.svc.cluster.local", "*.buildkitd-arm64.buildkit.svc.cluster.local",
                "buildkitd-amd64.buildkit.svc.cluster.local", "*.buildkitd-amd64.buildkit.svc.cluster.local");
        assertThat((Map<String, Object>) at(server, "spec", "issuerRef")).containsEntry("kind", "ClusterIssuer")
                .containsEntry("name", "platform-ca");
        assertThat((List<String>) at(certificates.get(1), "spec", "usages")).contains("client auth");
        for (Map<String, Object> c : certificates) {
            assertThat(KubernetesValidator.shared().validate(c)).isEmpty();
        }
        assertThat(objects).noneMatch(o -> o.get("kind").equals("Certificate"));
        Map<String, Object> typo = new LinkedHashMap<>(server);
        typo.put("spec", Map.of("secretName", "s", "issuerRef", Map.of("name", "i"), "dnsName", List.of("x")));
        assertThat(KubernetesValidator.shared().validate(typo)).isNotEmpty();
    }

    @Test
    void parallelism_follows_the_cpu_request() {
        assertThat(BuildkitdToml.parallelism("3500m")).isEqualTo(3);
        assertThat(BuildkitdToml.parallelism("16")).isEqualTo(16);
        assertThat(BuildkitdToml.parallelism("1")).isEqualTo(2);
    }

    @Test
    void gc_sizes_keep_a_tenth_free_and_find_the_smallest_volume_for_a_reserve() {
        assertThat(BuildkitSpec.Pool.keepFreeGiB(300)).isEqualTo(30);
        assertThat(BuildkitSpec.Pool.keepFreeGiB(20)).isEqualTo(5);
        assertThat(BuildkitSpec.Pool.smallestCacheFor(48)).isEqualTo(54);
        assertThat(BuildkitSpec.Pool.maxUsedGiB(54)).isGreaterThan(48);
        assertThat(BuildkitSpec.Pool.maxUsedGiB(53)).isLessThanOrEqualTo(48);
    }
}
