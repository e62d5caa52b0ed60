package dev.v6platform.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The admission policy on buildx-driver Deployments, evaluated with CEL as the API server does: what the buildx
 * kubernetes driver creates passes, and each way to escape the rootless sandbox is refused with its message.
 */
class DriverPolicyTest {
    static final BuildkitSpec SPEC = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml")).buildkit()
            .orElseThrow();
    static final Cel CEL = CelFactory.standardCelBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN).build();

    /**
     * A Deployment as {@code docker buildx create --driver kubernetes --driver-opt rootless=true,...} makes it
     * (docker/buildx driver/kubernetes/manifest: the rootless container's securityContext holds only the seccomp
     * profile; a configMap volume for buildkitd.toml and an emptyDir for the state).
     */
    static Map<String, Object> buildxDeployment(Consumer<Map<String, Object>> change) {
        Map<String, Object> container = new LinkedHashMap<>(Map.of("name", "buildkitd",
                "image", "moby/buildkit:v0.32.2-rootless",
                "args", List.of("--oci-worker-no-process-sandbox"),
                "securityContext", new LinkedHashMap<>(Map.of("seccompProfile", Map.of("type", "Unconfined"))),
                "volumeMounts", List.of(Map.of("name", "config", "mountPath", "/etc/buildkit"),
                        Map.of("name", "buildkitd", "mountPath", "/home/user/.local/share/buildkit"))));
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("containers", new ArrayList<>(List.of(container)));
        pod.put("nodeSelector", Map.of("v6-platform.dev/pool", "buildkit-arm64"));
        pod.put("tolerations", List.of(Map.of("key", "v6-platform.dev/buildkit", "value", "arm64",
                "effect", "NoSchedule")));
        pod.put("volumes", new ArrayList<>(List.of(Map.of("name", "config", "configMap",
                Map.of("name", "v6-prod-use1-k8s0-config")), Map.of("name", "buildkitd", "emptyDir", Map.of()))));
        change.accept(pod);
        return Map.of("apiVersion", "apps/v1", "kind", "Deployment", "spec", Map.of("template", Map.of(
                "metadata", Map.of("annotations", Map.of("container.apparmor.security.beta.kubernetes.io/buildkitd",
                        "unconfined")),
                "spec", pod)));
    }

    @SuppressWarnings("unchecked")
    static List<String> denied(Map<String, Object> deployment) throws Exception {
        List<String> messages = new ArrayList<>();
        Map<String, Object> spec = (Map<String, Object>) BuildFleetChart.driverPolicy(SPEC).get("spec");
        for (Map<String, String> rule : (List<Map<String, String>>) spec.get("validations")) {
            Object ok = CEL.createProgram(CEL.compile(rule.get("expression")).getAst())
                    .eval(Map.of("object", deployment));
            if (!Boolean.TRUE.equals(ok)) {
                messages.add(rule.get("message"));
            }
        }
        return messages;
    }

    @Test
    @SuppressWarnings("unchecked")
    void what_the_buildx_driver_creates_is_admitted() throws Exception {
        assertThat(denied(buildxDeployment(pod -> { }))).isEmpty();
        assertThat(denied(buildxDeployment(pod -> pod.put("serviceAccountName", "default")))).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void each_escape_from_the_rootless_sandbox_is_refused() throws Exception {
        assertThat(denied(buildxDeployment(pod -> ((List<Map<String, Object>>) pod.get("containers")).set(0,
                Map.of("name", "x", "image", "alpine"))))).containsExactly(
                "builders in namespace buildkit-drivers run only moby/buildkit:v0.32.2-rootless");
        assertThat(denied(buildxDeployment(pod -> pod.put("nodeSelector", Map.of("v6-platform.dev/pool",
                "graviton"))))).singleElement().asString().startsWith("builders run on a builder NodePool");
        assertThat(denied(buildxDeployment(pod -> pod.remove("nodeSelector")))).singleElement().asString()
                .startsWith("builders run on a builder NodePool");
        assertThat(denied(buildxDeployment(pod -> pod.put("hostPID", true)))).containsExactly(
                "builders share no host namespace");
        assertThat(denied(buildxDeployment(pod -> ((Map<String, Object>) ((List<Map<String, Object>>)
                pod.get("containers")).get(0).get("securityContext")).put("privileged", true)))).containsExactly(
                "builders are rootless: no privileged containers or added capabilities");
        assertThat(denied(buildxDeployment(pod -> ((Map<String, Object>) ((List<Map<String, Object>>)
                pod.get("containers")).get(0).get("securityContext")).put("capabilities",
                Map.of("add", List.of("SYS_ADMIN")))))).containsExactly(
                "builders are rootless: no privileged containers or added capabilities");
        for (Map<String, Object> volume : List.<Map<String, Object>>of(
                Map.of("name", "certs", "secret", Map.of("secretName", "buildkit-daemon-certs")),
                Map.of("name", "root", "hostPath", Map.of("path", "/")),
                Map.of("name", "cache", "persistentVolumeClaim", Map.of("claimName", "cache-buildkitd-arm64-3")),
                Map.of("name", "token", "projected", Map.of("sources", List.of(Map.of("secret",
                        Map.of("name", "x"))))))) {
            assertThat(denied(buildxDeployment(pod -> ((List<Object>) pod.get("volumes")).add(volume))))
                    .as(volume.toString()).containsExactly("builders mount only configMap and emptyDir volumes");
        }
        assertThat(denied(buildxDeployment(pod -> ((List<Map<String, Object>>) pod.get("containers")).get(0).put(
                "env", List.of(Map.of("name", "KEY", "valueFrom", Map.of("secretKeyRef", Map.of("name",
                        "buildkit-daemon-certs", "key", "tls.key")))))))).containsExactly(
                "builders read no secrets into their environment");
        assertThat(denied(buildxDeployment(pod -> ((List<Map<String, Object>>) pod.get("containers")).get(0).put(
                "envFrom", List.of(Map.of("secretRef", Map.of("name", "buildkit-daemon-certs"))))))).containsExactly(
                "builders read no secrets into their environment");
        assertThat(denied(buildxDeployment(pod -> pod.put("serviceAccountName", "buildkitd")))).containsExactly(
                "builders run as the namespace's default service account");
        assertThat(denied(buildxDeployment(pod -> pod.put("serviceAccount", "buildkitd")))).containsExactly(
                "builders run as the namespace's default service account");
        assertThat(denied(buildxDeployment(pod -> pod.put("automountServiceAccountToken", true)))).containsExactly(
                "builders mount no service-account token");
        assertThat(denied(buildxDeployment(pod -> pod.put("securityContext", Map.of("runAsUser", 0)))))
                .containsExactly("builders are rootless: no container runs as user 0");
        assertThat(denied(buildxDeployment(pod -> ((Map<String, Object>) ((List<Map<String, Object>>)
                pod.get("containers")).get(0).get("securityContext")).put("runAsUser", 0)))).containsExactly(
                "builders are rootless: no container runs as user 0");
        assertThat(denied(buildxDeployment(pod -> ((List<Map<String, Object>>) pod.get("containers")).get(0).put(
                "ports", List.of(Map.of("containerPort", 1234, "hostPort", 1234)))))).containsExactly(
                "builders open no host ports");
        assertThat(denied(buildxDeployment(pod -> pod.put("runtimeClassName", "unsandboxed")))).containsExactly(
                "builders use the default runtime and set no sysctls");
        assertThat(denied(buildxDeployment(pod -> pod.put("securityContext", Map.of("sysctls", List.of(Map.of(
                "name", "kernel.shm_rmid_forced", "value", "0"))))))).containsExactly(
                "builders use the default runtime and set no sysctls");
    }

    @Test
    void an_init_container_is_held_to_the_same_rules_as_the_builder() throws Exception {
        Map<String, Object> privilegedInit = Map.of("name", "init", "image", "moby/buildkit:v0.32.2-rootless",
                "securityContext", Map.of("privileged", true, "runAsUser", 0),
                "env", List.of(Map.of("name", "KEY", "valueFrom", Map.of("secretKeyRef", Map.of("name", "x",
                        "key", "y")))));
        assertThat(denied(buildxDeployment(pod -> pod.put("initContainers", List.of(privilegedInit)))))
                .containsExactly("builders are rootless: no privileged containers or added capabilities",
                        "builders are rootless: no container runs as user 0",
                        "builders read no secrets into their environment");
        assertThat(denied(buildxDeployment(pod -> pod.put("initContainers", List.of(Map.of("name", "init",
                "image", "alpine")))))).containsExactly(
                "builders in namespace buildkit-drivers run only moby/buildkit:v0.32.2-rootless");
        assertThat(denied(buildxDeployment(pod -> pod.put("initContainers", List.of(Map.of("name", "init",
                "image", "moby/buildkit:v0.32.2-rootless")))))).isEmpty();
    }
}
