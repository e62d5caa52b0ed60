package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.testing.KubernetesValidator;
import dev.v6platform.testing.UserStacks;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The user's environments in {@code stacks/}, checked generically: whatever environments there are, they synthesize
 * with the app (synth validation, cdk-nag and the platform's rules included; {@link UserStacks} fails otherwise),
 * with the committed lock, and every Kubernetes object they produce passes the strict schema check. Snapshots,
 * the replacement guard and the security baseline follow the same environments (SnapshotTest,
 * SecurityBaselineTest).
 */
class UserStacksTest {
    @Test
    void every_environment_synthesizes_with_the_committed_lock_into_a_template_and_a_directory() {
        UserStacks.Output out = UserStacks.get();

        for (EnvironmentConfig env : out.environments()) {
            assertThat(out.cdkOut().resolve("v6-" + env.name() + ".template.json")).as(env.source()).isRegularFile();
            assertThat(out.dist().resolve(env.name()).resolve("namespaces.k8s.yaml")).as(env.source())
                    .isRegularFile();
        }
        assertThat(out.dist().resolve(PlatformSynthesis.PLAN_REPORT)).isRegularFile();
    }

    @Test
    void every_kubernetes_object_of_every_environment_passes_the_strict_schema_check() throws IOException {
        UserStacks.Output out = UserStacks.get();

        KubernetesValidator.TreeCheck check = KubernetesValidator.shared().validateTree(out.dist());

        assertThat(check.files()).as("at least the namespaces chart per environment")
                .isGreaterThanOrEqualTo(out.environments().size());
        assertThat(check.problems()).isEmpty();
    }
}
