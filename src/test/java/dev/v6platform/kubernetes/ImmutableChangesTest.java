package dev.v6platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.kubernetes.ImmutableChanges.Change;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Changes the Kubernetes API refuses to apply, found between two versions of a chart. */
class ImmutableChangesTest {
    static final String STS = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: buildkitd-arm64, namespace: buildkit}
            spec:
              replicas: 1
              serviceName: buildkitd-arm64
              selector: {matchLabels: {app: buildkitd}}
              template: {metadata: {labels: {app: buildkitd}}, spec: {containers: [{name: b, image: moby/buildkit:v0.32.2}]}}
              volumeClaimTemplates:
                - metadata: {name: cache}
                  spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 100Gi}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: router, namespace: buildkit}
            spec:
              selector: {matchLabels: {app: router}}
              template: {metadata: {labels: {app: router}}}
            """;

    @Test
    void a_new_volume_size_is_refused_with_the_orphan_delete_and_the_claims_to_grow() {
        List<Change> changes = ImmutableChanges.between(STS, STS.replace("storage: 100Gi", "storage: 200Gi"));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("StatefulSet/buildkit/buildkitd-arm64");
            assertThat(c.field()).isEqualTo("volumeClaimTemplates");
            assertThat(c.migration()).isEqualTo("before deploying, kubectl -n buildkit delete statefulset "
                    + "buildkitd-arm64 --cascade=orphan (its pods and claims keep running; the deploy's new "
                    + "StatefulSet adopts them); then grow each existing claim, which keeps its old size: kubectl -n "
                    + "buildkit patch pvc cache-buildkitd-arm64-<ordinal> -p "
                    + "'{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"200Gi\"}}}}'");
        });
    }

    @Test
    void replicas_the_pod_template_and_new_objects_are_updates_the_api_accepts() {
        String changed = STS.replace("replicas: 1", "replicas: 3").replace("v0.32.2", "v0.33.0")
                + "---\nkind: StatefulSet\nmetadata: {name: other, namespace: buildkit}\nspec: {serviceName: x}\n";

        assertThat(ImmutableChanges.between(STS, changed)).isEmpty();
        assertThat(ImmutableChanges.between(STS, STS)).isEmpty();
    }

    @Test
    void a_smaller_volume_says_a_claim_cannot_shrink() {
        assertThat(ImmutableChanges.between(STS, STS.replace("storage: 100Gi", "storage: 50Gi"))).singleElement()
                .satisfies(c -> assertThat(c.migration()).startsWith("a claim cannot shrink (100Gi to 50Gi)")
                        .doesNotContain("patch pvc"));
    }

    @Test
    void a_service_name_or_a_deployment_selector_is_refused_too() {
        List<Change> changes = ImmutableChanges.between(STS, STS.replace("serviceName: buildkitd-arm64",
                "serviceName: builders").replace("{app: router}}\n  template", "{app: router2}}\n  template"));

        assertThat(changes).extracting(Change::id, Change::field).containsExactly(
                org.assertj.core.api.Assertions.tuple("StatefulSet/buildkit/buildkitd-arm64", "serviceName"),
                org.assertj.core.api.Assertions.tuple("Deployment/buildkit/router", "selector"));
        assertThat(changes.get(1).migration()).isEqualTo("before deploying, kubectl -n buildkit delete deployment "
                + "router (its pods go with it: the new Deployment selects other labels and would not adopt them)");
    }
}
