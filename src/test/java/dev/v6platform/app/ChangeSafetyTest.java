package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Synth refuses a change the Kubernetes API would refuse to apply, judged against the approved snapshot beside the
 * stacks directory: a BuildKit pool's new cache size changes its StatefulSet's volumeClaimTemplates.
 */
class ChangeSafetyTest {
    @Test
    void a_new_cache_size_is_refused_at_the_pool_with_the_migration_until_acknowledged() throws IOException {
        Path dir = FixtureSynthesis.fresh("change-safety");
        Path stacks = MainTest.copyOfStacks(dir);
        Path approved = Files.createDirectories(dir.resolve("snapshots/dev-use1/kubernetes"));
        for (var f : FixtureSynthesis.files(FixtureSynthesis.get().dist().resolve("dev-use1")).entrySet()) {
            Files.write(approved.resolve(f.getKey()), f.getValue());
        }
        Path file = stacks.resolve("dev-use1.yaml");
        String yaml = Files.readString(file);
        int pool = yaml.indexOf("    - architecture: arm64\n      nodePool: buildkit-arm64");
        int line = (int) yaml.substring(0, pool).lines().count() + 1;
        Files.writeString(file, yaml.substring(0, pool) + yaml.substring(pool).replaceFirst("cacheGiB: 100",
                "cacheGiB: 200"));

        MainTest.Run refused = MainTest.synth(dir, stacks, "--only", "dev-use1");

        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains(file + ":" + line + ": buildkit.pools[0].cacheGiB: this changes "
                + "volumeClaimTemplates of StatefulSet/buildkit/buildkitd-arm64 (approved in "
                + dir.resolve("snapshots/dev-use1") + "/), which Kubernetes cannot update",
                "kubectl -n buildkit delete statefulset buildkitd-arm64 --cascade=orphan",
                "patch pvc cache-buildkitd-arm64-<ordinal>", "\\\"storage\\\":\\\"200Gi\\\"".replace("\\", ""),
                "acknowledgedReplacements: [{logicalId: StatefulSet/buildkit/buildkitd-arm64, reason: ...}]")
                .doesNotContain("buildkitd-amd64");
        assertThat(dir.resolve("dist")).doesNotExist();

        Files.writeString(file, Files.readString(file) + "acknowledgedReplacements:\n  - {logicalId: "
                + "StatefulSet/buildkit/buildkitd-arm64, reason: \"migrated with --cascade=orphan, claims grown\"}\n");
        MainTest.Run acknowledged = MainTest.synth(dir, stacks, "--only", "dev-use1");

        assertThat(acknowledged.code()).as(acknowledged.err()).isZero();
        assertThat(Files.readString(dir.resolve("dist/dev-use1/buildkit.k8s.yaml"))).contains("storage: 200Gi");
    }

    @Test
    void a_resized_tier_is_refused_at_the_tiers_line_with_a_fix_that_deploys() throws IOException {
        Path dir = FixtureSynthesis.fresh("change-safety-tier");
        Path stacks = MainTest.copyOfStacks(dir);
        Path file = stacks.resolve("dev-use1.yaml");
        String yaml = Files.readString(file);
        int line = (int) yaml.substring(0, yaml.indexOf("    nodes: {prefixLength: 23}")).lines().count() + 1;
        Files.writeString(file, yaml.replace("    nodes: {prefixLength: 23}", "    nodes: {prefixLength: 22}"));
        String lock = Files.readString(stacks.resolve(Main.LOCK_FILE));

        MainTest.Run run = MainTest.synth(dir, stacks);

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(file + ":" + line + ": network.subnets.nodes: tier 'nodes' in us-east-1a is "
                + "locked at 10.208.0.0/23 but asks for a /22", "set it back to /23; to make the change, add a new "
                + "environment with it");
        assertThat(Files.readString(stacks.resolve(Main.LOCK_FILE))).isEqualTo(lock);
    }
}
