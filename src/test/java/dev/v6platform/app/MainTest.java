package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.SampleSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.services.kms.Key;

/** The app as {@code cdk synth} runs it: exit codes, messages, and output left intact on failure. */
class MainTest {
    record Run(int code, String out, String err) {
    }

    static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void synthesizes_every_environment_and_says_where_the_output_is() {
        Path dir = SampleSynthesis.fresh("main-ok");

        Run run = main("--stacks", "stacks", "--dist", dir.resolve("dist").toString(),
                "--out", dir.resolve("cdk.out").toString());

        assertThat(run.code()).isZero();
        assertThat(run.err()).contains("synthesized 4 environment(s) (dev-euw1, dev-use1, prod-euw1, prod-use1)");
        assertThat(dir.resolve("dist/prod-euw1/namespaces.k8s.yaml")).exists();
        assertThat(dir.resolve("cdk.out/v6-prod-euw1.template.json")).exists();
    }

    @Test
    void bad_config_exits_2_with_located_errors_no_stack_trace_and_output_untouched() throws IOException {
        Path dir = SampleSynthesis.fresh("main-bad");
        Path stacks = Files.createDirectories(dir.resolve("stacks"));
        Files.copy(Path.of("stacks/dev-use1.yaml"), stacks.resolve("dev-use1.yaml"));
        Files.copy(Path.of("src/test/resources/bad-stacks/version-unquoted.yaml"), stacks.resolve("bad-env.yaml"));
        Path dist = Files.createDirectories(dir.resolve("dist/dev-use1"));
        Files.writeString(dist.resolve("namespaces.k8s.yaml"), "previous output");
        Path cdkOut = Files.createDirectories(dir.resolve("cdk.out"));
        Files.writeString(cdkOut.resolve("manifest.json"), "{}");
        Map<String, byte[]> before = SampleSynthesis.files(dir);

        Run run = main("--stacks", stacks.toString(), "--dist", dir.resolve("dist").toString(),
                "--out", cdkOut.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err())
                .contains("error: invalid configuration (1 problem); nothing was written:")
                .contains("bad-env.yaml:5: kubernetesVersion: expected a string, got the decimal number 1.34; "
                        + "quote it to make it a string: \"1.34\"")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        SynthesisTest.assertSameContent(SampleSynthesis.files(dir), before);
    }

    @Test
    void a_validation_failure_exits_1_without_a_stack_trace_and_output_untouched() throws IOException {
        Path dir = SampleSynthesis.fresh("main-nag");
        String[] args = {"--dist", dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()};
        assertThat(main(args).code()).isZero();
        Map<String, byte[]> before = SampleSynthesis.files(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = Main.run(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
                built -> Key.Builder.create(built.stacks().get("prod-use1"), "NoRotation").build());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: synthesis failed; nothing was written: validation failed")
                .doesNotContain("\tat ");
        SynthesisTest.assertSameContent(SampleSynthesis.files(dir), before);
    }

    static Stream<String> badFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/bad-stacks"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void every_bad_file_exits_2_with_its_location_and_leaves_dist_untouched(String bad) throws IOException {
        Path dir = SampleSynthesis.fresh("main-bad-file");
        Path stacks = Files.createDirectories(dir.resolve("stacks"));
        Files.copy(Path.of("src/test/resources/bad-stacks", bad), stacks.resolve(bad));
        Files.createDirectories(dir.resolve("dist/bad-env"));
        Files.writeString(dir.resolve("dist/bad-env/namespaces.k8s.yaml"), "previous output");
        Map<String, byte[]> before = SampleSynthesis.files(dir);

        Run run = main("--stacks", stacks.toString(), "--dist", dir.resolve("dist").toString(),
                "--out", dir.resolve("cdk.out").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(stacks.resolve(bad).toString().replace('\\', '/') + ":")
                .doesNotContain("\tat ").doesNotContain("Exception");
        SynthesisTest.assertSameContent(SampleSynthesis.files(dir), before);
    }

    @Test
    void an_unknown_argument_exits_2_with_usage() {
        Run run = main("--stack", "stacks");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown or incomplete argument '--stack'")
                .contains("usage: [--stacks DIR] [--dist DIR] [--out DIR]");
    }

    @Test
    void a_missing_stacks_directory_is_a_located_error() {
        Run run = main("--stacks", "no-such-dir");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-dir: directory not found; run from the project root");
    }

    @Test
    void jsii_messages_lose_their_javascript_stack() {
        assertThat(Main.firstLines("Boom: bad input\n    at Foo (x.js:1:2)\n    at Bar")).isEqualTo("Boom: bad input");
    }
}
