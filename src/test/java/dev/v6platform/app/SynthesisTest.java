package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.testing.CapturedOutput;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.KubernetesValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.kms.Key;

class SynthesisTest {

    @Test
    void writes_one_template_per_environment_and_one_yaml_file_per_chart() {
        PlatformSynthesis.Result r = FixtureSynthesis.get();

        assertThat(FixtureSynthesis.files(r.cdkOut()).keySet()).contains(
                "v6-dev-euw1.template.json", "v6-dev-use1.template.json",
                "v6-prod-euw1.template.json", "v6-prod-use1.template.json", "manifest.json");
        List<String> expected = new ArrayList<>(List.of("address-plan.md", "address-plan.svg"));
        for (String env : List.of("dev-euw1", "dev-use1", "prod-euw1", "prod-use1")) {
            expected.addAll(List.of(env + "/buildkit.k8s.yaml", env + "/buildx.md",
                    env + "/karpenter-controller.helm.yaml",
                    env + "/karpenter-pools.k8s.yaml", env + "/metrics-budget.md", env + "/metrics-collector.k8s.yaml",
                    env + "/namespaces.k8s.yaml"));
        }
        assertThat(FixtureSynthesis.files(r.dist()).keySet()).containsExactlyElementsOf(expected);
    }

    @Test
    void two_synths_of_the_same_input_are_byte_identical() {
        PlatformSynthesis.Result first = FixtureSynthesis.get();
        Path dir = FixtureSynthesis.freshSharingAssets("second");

        PlatformSynthesis.run(FixtureSynthesis.environments(), FixtureSynthesis.plan(), dir.resolve("cdk.out"), dir.resolve("dist"));

        assertSameFiles(first.cdkOut(), dir.resolve("cdk.out"));
        assertSameFiles(first.dist(), dir.resolve("dist"));
    }

    @Test
    void every_kubernetes_object_passes_the_strict_schema_check() throws IOException {
        PlatformSynthesis.Result r = FixtureSynthesis.get();

        KubernetesValidator.TreeCheck check = KubernetesValidator.shared().validateTree(r.dist());

        assertThat(check.files()).isEqualTo(16);
        assertThat(check.problems()).isEmpty();
    }

    @Test
    void a_failing_validation_leaves_earlier_output_untouched() throws IOException {
        Path dir = FixtureSynthesis.fresh("failing");
        Path cdkOut = dir.resolve("cdk.out");
        Path dist = dir.resolve("dist");
        // one environment: what a failing validation leaves alone does not depend on how many there are
        List<EnvironmentConfig> one = FixtureSynthesis.environments().stream().filter(e -> e.name().equals(
                "dev-use1")).toList();
        PlatformSynthesis.run(one, FixtureSynthesis.plan(), cdkOut, dist);
        Files.writeString(dist.resolve("operator-note.txt"), "kept");
        Map<String, byte[]> assemblyBefore = FixtureSynthesis.files(cdkOut);
        Map<String, byte[]> distBefore = FixtureSynthesis.files(dist);

        CapturedOutput report = CapturedOutput.of(() -> PlatformSynthesis.run(one, FixtureSynthesis.plan(), cdkOut,
                dist, built -> Key.Builder.create(built.stacks().get("dev-use1"), "UnrotatedKey").build()),
                "(AwsSolutions)");

        assertThat(report.text()).contains("v6-dev-use1/UnrotatedKey/Resource");
        assertThat(report.thrown())
                .isInstanceOf(SynthesisException.class)
                .hasMessageStartingWith("validation failed with 1 finding(s)").hasMessageContaining("AwsSolutions-KMS5");

        assertSameContent(FixtureSynthesis.files(cdkOut), assemblyBefore);
        assertSameContent(FixtureSynthesis.files(dist), distBefore);
        assertThat(dir.resolve(".cdk.out.staging")).doesNotExist();
        assertThat(dir.resolve(".dist.staging")).doesNotExist();
    }

    @Test
    void a_successful_synth_replaces_dist_whole() throws IOException {
        Path dir = FixtureSynthesis.freshSharingAssets("replace");
        Path dist = dir.resolve("dist");
        Files.createDirectories(dist.resolve("retired-env"));
        Files.writeString(dist.resolve("retired-env/namespaces.k8s.yaml"), "stale");

        // one environment: what replaces dist/ does not depend on how many there are
        List<EnvironmentConfig> one = FixtureSynthesis.environments().stream().filter(e -> e.name().equals(
                "dev-use1")).toList();
        PlatformSynthesis.run(one, FixtureSynthesis.plan(), dir.resolve("cdk.out"), dist);

        assertThat(dist.resolve("retired-env")).doesNotExist();
        assertThat(dist.resolve("dev-use1/namespaces.k8s.yaml")).exists();
    }

    static void assertSameFiles(Path a, Path b) {
        assertSameContent(FixtureSynthesis.files(b), FixtureSynthesis.files(a));
    }

    static void assertSameContent(Map<String, byte[]> actual, Map<String, byte[]> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
    }
}
