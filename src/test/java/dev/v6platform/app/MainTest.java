package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.CapturedOutput;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Path dir = FixtureSynthesis.freshSharingAssets("main-ok");

        Run run = main("--stacks", FixtureSynthesis.STACKS.toString(), "--frozen-plan", "--dist", dir.resolve("dist").toString(),
                "--out", dir.resolve("cdk.out").toString());

        assertThat(run.code()).isZero();
        assertThat(run.err()).doesNotContain("address plan changed");
        assertThat(run.err()).contains("synthesized 4 environment(s) (dev-euw1, dev-use1, prod-euw1, prod-use1)");
        assertThat(dir.resolve("dist/prod-euw1/namespaces.k8s.yaml")).exists();
        assertThat(dir.resolve("cdk.out/v6-prod-euw1.template.json")).exists();
    }

    @Test
    void a_second_synth_keeps_the_asset_files_of_the_first_in_place_and_writes_the_same_bytes() throws IOException {
        Path dir = FixtureSynthesis.freshSharingAssets("main-twice");
        // two environments on two Kubernetes versions: their assets are what the second synth must leave in place
        String[] args = {"--stacks", FixtureSynthesis.STACKS.toString(), "--frozen-plan", "--only", "prod-use1",
            "--only", "dev-use1", "--dist", dir.resolve("dist").toString(), "--out",
            dir.resolve("cdk.out").toString()};
        assertThat(main(args).code()).isZero();
        Map<String, byte[]> first = FixtureSynthesis.files(dir);
        Map<String, Object> inodes = new java.util.TreeMap<>();
        try (Stream<Path> entries = Files.list(dir.resolve("cdk.out"))) {
            for (Path p : entries.filter(p -> p.getFileName().toString().matches("asset\\..*\\.zip")).toList()) {
                inodes.put(p.getFileName().toString(), Files.getAttribute(p, "unix:ino"));
            }
        }

        assertThat(main(args).code()).isZero();

        assertThat(inodes).as("the kubectl, AWS CLI and proxy layers").hasSize(3);
        inodes.forEach((name, inode) -> {
            Path file = dir.resolve("cdk.out").resolve(name);
            assertThat(Files.isSymbolicLink(file)).as(name).isFalse();
            try {
                assertThat(Files.getAttribute(file, "unix:ino")).as(name + " was not copied again").isEqualTo(inode);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SynthesisTest.assertSameContent(FixtureSynthesis.files(dir), first);
    }

    @Test
    void only_a_successful_run_leaves_the_success_marker_scripts_app_sh_asks_for() throws IOException {
        Path dir = FixtureSynthesis.fresh("main-marker");

        Main.markSuccess(2, dir.resolve("failed.ok").toString());
        Main.markSuccess(0, null);
        Main.markSuccess(0, dir.resolve("synth.ok").toString());

        assertThat(dir.resolve("failed.ok")).doesNotExist();
        assertThat(dir.resolve("synth.ok")).exists();
    }

    @Test
    void bad_config_exits_2_with_located_errors_no_stack_trace_and_output_untouched() throws IOException {
        Path dir = FixtureSynthesis.fresh("main-bad");
        Path stacks = Files.createDirectories(dir.resolve("stacks"));
        Files.copy(FixtureSynthesis.STACKS.resolve("dev-use1.yaml"), stacks.resolve("dev-use1.yaml"));
        Files.copy(Path.of("src/test/resources/bad-stacks/version-unquoted.yaml"), stacks.resolve("bad-env.yaml"));
        Path dist = Files.createDirectories(dir.resolve("dist/dev-use1"));
        Files.writeString(dist.resolve("namespaces.k8s.yaml"), "previous output");
        Path cdkOut = Files.createDirectories(dir.resolve("cdk.out"));
        Files.writeString(cdkOut.resolve("manifest.json"), "{}");
        Map<String, byte[]> before = FixtureSynthesis.files(dir);

        Run run = main("--stacks", stacks.toString(), "--dist", dir.resolve("dist").toString(),
                "--out", cdkOut.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err())
                .contains("error: invalid configuration (1 problem); nothing was written:")
                .contains("bad-env.yaml:5: kubernetesVersion: expected a string, got the decimal number 1.34; "
                        + "quote it to make it a string: \"1.34\"")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        SynthesisTest.assertSameContent(FixtureSynthesis.files(dir), before);
    }

    @Test
    void a_validation_failure_exits_1_without_a_stack_trace_and_output_untouched() throws IOException {
        Path dir = FixtureSynthesis.fresh("main-nag");
        // one environment: what a failing validation leaves alone does not depend on how many there are
        String[] args = {"--stacks", FixtureSynthesis.STACKS.toString(), "--frozen-plan", "--only", "prod-use1",
            "--dist", dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()};
        assertThat(main(args).code()).isZero();
        Map<String, byte[]> before = FixtureSynthesis.files(dir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int[] code = new int[1];
        // the validation report, which the jsii kernel prints, is expected here: captured and checked, not logged
        CapturedOutput report = CapturedOutput.of(() -> code[0] = Main.run(args, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), built -> Key.Builder.create(
                        built.stacks().get("prod-use1"), "NoRotation").build()), "(AwsSolutions)");

        assertThat(report.text()).contains("ERROR The KMS Symmetric key does not have automatic key rotation enabled.");
        assertThat(code[0]).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: synthesis failed; nothing was written: validation failed")
                .doesNotContain("\tat ");
        SynthesisTest.assertSameContent(FixtureSynthesis.files(dir), before);
    }

    static Stream<String> badFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/bad-stacks"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void every_bad_file_exits_2_with_its_location_and_leaves_dist_and_cdk_out_untouched(String bad) throws IOException {
        Path dir = FixtureSynthesis.fresh("main-bad-file");
        Path stacks = Files.createDirectories(dir.resolve("stacks"));
        Files.copy(Path.of("src/test/resources/bad-stacks", bad), stacks.resolve(bad));
        Files.createDirectories(dir.resolve("dist/bad-env"));
        Files.writeString(dir.resolve("dist/bad-env/namespaces.k8s.yaml"), "previous output");
        Files.createDirectories(dir.resolve("cdk.out"));
        Files.writeString(dir.resolve("cdk.out/v6-bad-env.template.json"), "{\"previous\": \"assembly\"}");
        Map<String, byte[]> before = FixtureSynthesis.files(dir);

        Run run = main("--stacks", stacks.toString(), "--dist", dir.resolve("dist").toString(),
                "--out", dir.resolve("cdk.out").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(stacks.resolve(bad).toString().replace('\\', '/') + ":")
                .doesNotContain("\tat ").doesNotContain("Exception");
        SynthesisTest.assertSameContent(FixtureSynthesis.files(dir), before);
    }

    /** A copy of stacks/ to change. */
    static Path copyOfStacks(Path dir) throws IOException {
        Path stacks = Files.createDirectories(dir.resolve("stacks"));
        try (Stream<Path> files = Files.list(FixtureSynthesis.STACKS)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, stacks.resolve(f.getFileName()));
            }
        }
        return stacks;
    }

    static Run synth(Path dir, Path stacks, String... extra) {
        List<String> args = new ArrayList<>(List.of("--stacks", stacks.toString(), "--dist",
                dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()));
        args.addAll(List.of(extra));
        return main(args.toArray(String[]::new));
    }

    @Test
    void without_a_lock_synth_writes_the_same_lock_that_is_committed() throws IOException {
        Path dir = FixtureSynthesis.freshSharingAssets("main-lock");
        Path stacks = copyOfStacks(dir);
        Files.delete(stacks.resolve("address-plan.lock.yaml"));

        // the plan covers every environment; building one of them is enough to write the lock
        Run run = synth(dir, stacks, "--only", "dev-use1");

        assertThat(run.code()).isZero();
        assertThat(run.err()).contains("address plan changed; review and commit")
                .contains("dev-use1: allocated VPC block");
        assertThat(Files.readString(stacks.resolve("address-plan.lock.yaml")))
                .isEqualTo(Files.readString(FixtureSynthesis.STACKS.resolve("address-plan.lock.yaml")));
    }

    @Test
    void a_new_environment_is_added_to_the_lock_and_nothing_else_moves() throws IOException {
        Path dir = FixtureSynthesis.freshSharingAssets("main-new-env");
        Path stacks = copyOfStacks(dir);
        Files.writeString(stacks.resolve("staging-use1.yaml"), Files.readString(stacks.resolve("dev-use1.yaml"))
                .replace("name: dev-use1", "name: staging-use1"));
        String before = Files.readString(stacks.resolve("address-plan.lock.yaml"));

        Run run = synth(dir, stacks, "--only", "staging-use1");

        String after = Files.readString(stacks.resolve("address-plan.lock.yaml"));
        assertThat(run.code()).isZero();
        assertThat(run.err()).contains("staging-use1: allocated VPC block");
        List<String> removed = new ArrayList<>(before.lines().toList());
        removed.removeAll(after.lines().toList());
        assertThat(removed).as("lines of the old lock missing from the new one").isEmpty();
        assertThat(after).contains("  staging-use1:\n");
        assertThat(dir.resolve("cdk.out/v6-staging-use1.template.json")).exists();
    }

    @Test
    void frozen_plan_refuses_to_change_the_lock_and_writes_nothing() throws IOException {
        Path dir = FixtureSynthesis.fresh("main-frozen");
        Path stacks = copyOfStacks(dir);
        Files.writeString(stacks.resolve("staging-use1.yaml"), Files.readString(stacks.resolve("dev-use1.yaml"))
                .replace("name: dev-use1", "name: staging-use1"));
        String before = Files.readString(stacks.resolve("address-plan.lock.yaml"));

        Run run = synth(dir, stacks, "--frozen-plan");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("address-plan.lock.yaml: the lock is out of date (--frozen-plan): "
                + "staging-use1: allocated VPC block");
        assertThat(Files.readString(stacks.resolve("address-plan.lock.yaml"))).isEqualTo(before);
        assertThat(dir.resolve("dist")).doesNotExist();
    }

    @Test
    void a_removed_environment_keeps_its_space_until_released_with_the_flag() throws IOException {
        Path dir = FixtureSynthesis.freshSharingAssets("main-release");
        Path stacks = copyOfStacks(dir);
        Files.delete(stacks.resolve("dev-euw1.yaml"));

        String cache = dir.resolve("cache").toString();
        Run kept = synth(dir, stacks, "--cache", cache, "--only", "dev-use1");
        String lockAfterRemoval = Files.readString(stacks.resolve("address-plan.lock.yaml"));
        String reportAfterRemoval = Files.readString(dir.resolve("dist/address-plan.md"));
        Run released = synth(dir, stacks, "--release", "dev-euw1", "--cache", cache, "--only", "dev-use1");

        assertThat(kept.code()).isZero();
        assertThat(lockAfterRemoval).contains("  dev-euw1:\n");
        assertThat(reportAfterRemoval).contains("#### VPC dev-euw1 (removed; space kept)");
        assertThat(released.code()).isZero();
        assertThat(released.err()).contains("released every allocation of dev-euw1")
                .as("releasing a removed environment changes no other environment's output")
                .contains("taken from there: dev-use1");
        assertThat(Files.readString(stacks.resolve("address-plan.lock.yaml"))).doesNotContain("dev-euw1:");
    }

    @Test
    void a_damaged_lock_or_network_file_exits_2_with_its_location_and_writes_nothing() throws IOException {
        Path dir = FixtureSynthesis.fresh("main-bad-plan");
        Path stacks = copyOfStacks(dir);
        String lock = Files.readString(stacks.resolve("address-plan.lock.yaml"));
        Files.writeString(stacks.resolve("address-plan.lock.yaml"), lock.replaceFirst("ipv6Index: 4", "ipv6Index: 3"));

        Run badLock = synth(dir, stacks);
        Files.writeString(stacks.resolve("address-plan.lock.yaml"), lock);
        Files.writeString(stacks.resolve("network.yaml"), Files.readString(stacks.resolve("network.yaml"))
                .replace("  - 10.0.0.0/8", "  - 10.1.0.0/8"));
        Run badNetwork = synth(dir, stacks);

        assertThat(badLock.code()).isEqualTo(2);
        assertThat(badLock.err()).contains("address-plan.lock.yaml:10: vpcs.dev-euw1: dev-euw1's public subnet "
                + "10.48.6.64/26 in eu-west-1b reuses IPv6 /64 #3 of another subnet; restore the lock from version "
                + "control").doesNotContain("\tat ");
        assertThat(badNetwork.code()).isEqualTo(2);
        assertThat(badNetwork.err()).contains("(1 problem)").contains("network.yaml:6: supernets[0]: '10.1.0.0/8' "
                + "has host bits set; did you mean 10.0.0.0/8?").doesNotContain("\tat ");
        assertThat(dir.resolve("dist")).doesNotExist();
        assertThat(Files.readString(stacks.resolve("address-plan.lock.yaml"))).isEqualTo(lock);
    }

    @Test
    void require_context_refuses_environments_without_a_context_file_and_writes_nothing() throws IOException {
        Path dir = FixtureSynthesis.fresh("main-require-context");
        Path stacks = copyOfStacks(dir);

        Run run = synth(dir, stacks, "--require-context");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("invalid configuration (4 problems)").contains(stacks.resolve("dev-euw1.yaml")
                .toString().replace('\\', '/') + ":3: name: there is no " + stacks.resolve("context/dev-euw1.json")
                .toString().replace('\\', '/') + " and the context is required (--require-context); run "
                + "scripts/refresh.sh dev-euw1, review the diff and commit it");
        assertThat(dir.resolve("cdk.out")).doesNotExist();
        assertThat(dir.resolve("dist")).doesNotExist();
    }

    @Test
    void with_a_cache_a_second_synth_takes_unchanged_environments_from_it_says_so_and_leaves_assets_in_place()
            throws IOException {
        Path dir = FixtureSynthesis.freshSharingAssets("main-cache");
        String[] args = {"--stacks", FixtureSynthesis.STACKS.toString(), "--frozen-plan", "--only", "prod-use1",
            "--only", "dev-use1", "--dist", dir.resolve("dist").toString(), "--out",
            dir.resolve("cdk.out").toString(), "--cache", dir.resolve("cache").toString()};
        Run first = main(args);
        assertThat(first.code()).isZero();
        assertThat(first.err()).contains("synthesized 2 environment(s) (dev-use1, prod-use1)")
                .doesNotContain("taken from there");
        Map<String, byte[]> before = FixtureSynthesis.files(dir.resolve("cdk.out"));
        Map<String, Object> inodes = new java.util.TreeMap<>();
        try (Stream<Path> entries = Files.list(dir.resolve("cdk.out"))) {
            for (Path p : entries.filter(p -> p.getFileName().toString().matches("asset\\..*\\.zip")).toList()) {
                inodes.put(p.getFileName().toString(), Files.getAttribute(p, "unix:ino"));
            }
        }

        Run second = main(args);

        assertThat(second.code()).isZero();
        assertThat(second.err()).contains("synthesized 2 environment(s) (dev-use1, prod-use1)",
                "unchanged since a synth kept in " + dir.resolve("cache")
                        + ", so taken from there: dev-use1, prod-use1");
        SynthesisTest.assertSameContent(FixtureSynthesis.files(dir.resolve("cdk.out")), before);
        assertThat(inodes).hasSize(3);
        for (Map.Entry<String, Object> e : inodes.entrySet()) {
            Path file = dir.resolve("cdk.out").resolve(e.getKey());
            assertThat(Files.isSymbolicLink(file)).as(e.getKey()).isFalse();
            assertThat(Files.getAttribute(file, "unix:ino")).as(e.getKey() + " was not copied").isEqualTo(e.getValue());
        }

        String[] noCache = java.util.Arrays.copyOf(args, args.length + 1);
        noCache[args.length] = "--no-cache";
        Run third = main(noCache);
        assertThat(third.code()).isZero();
        assertThat(third.err()).doesNotContain("taken from there");
        SynthesisTest.assertSameContent(FixtureSynthesis.files(dir.resolve("cdk.out")), before);
    }

    @Test
    void an_unknown_argument_exits_2_with_usage() {
        Run run = main("--stack", "stacks");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown or incomplete argument '--stack'")
                .contains("usage: [--stacks DIR] [--dist DIR] [--out DIR] [--frozen-plan] [--require-context] [--release ENV]...");
    }

    @Test
    void help_lists_every_option_and_exits_0() {
        Run run = main("--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("--stacks DIR", "--dist DIR", "--out DIR", "--frozen-plan", "--release ENV",
                "--require-context", "--cache DIR", "--no-cache");
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
