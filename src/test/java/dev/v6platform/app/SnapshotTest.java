package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.TextDiff;
import dev.v6platform.testing.UserStacks;
import dev.v6platform.validation.ReplacementGuard.Replacement;
import dev.v6platform.validation.ReplacementGuard;
import dev.v6platform.validation.ReplacementReview;
import dev.v6platform.validation.ReplacementSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every environment in the user's {@code stacks/} (whatever they are, see {@link UserStacks}) compared with the
 * approved copy in {@code snapshots/<environment>/}: {@code cloudformation/<stack>.template.json} and
 * {@code kubernetes/<chart>.k8s.yaml}. A missing, extra or different file fails with a readable diff, as does a
 * deploy that would replace resources (see {@link ReplacementReview}). Only {@code -Dsnapshots.update=true} rewrites
 * them.
 */
class SnapshotTest {
    static final Path SNAPSHOTS = UserStacks.SNAPSHOTS;
    static final boolean UPDATE = UserStacks.UPDATE;
    static final String UPDATE_COMMAND = "mvn -B verify -Dsnapshots.update=true";

    static Stream<String> environments() {
        return UserStacks.names().stream();
    }

    /** The output of one environment, by its path under snapshots/<environment>/. */
    static Map<String, byte[]> output(UserStacks.Output r, String env) {
        Map<String, byte[]> out = new TreeMap<>();
        String template = "v6-" + env + ".template.json";
        out.put("cloudformation/" + template, FixtureSynthesis.files(r.cdkOut()).get(template));
        FixtureSynthesis.files(r.dist().resolve(env)).forEach((name, bytes) -> out.put("kubernetes/" + name, bytes));
        return out;
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("environments")
    void output_matches_the_approved_snapshot(String env) throws IOException {
        Path dir = SNAPSHOTS.resolve(env);
        UserStacks.Output user = UserStacks.get();
        Map<String, byte[]> actual = output(user, env);
        EnvironmentConfig config = user.environments().stream().filter(e -> e.name().equals(env)).findFirst()
                .orElseThrow();
        Path approvedTemplate = dir.resolve("cloudformation/v6-" + env + ".template.json");
        if (!Files.isDirectory(dir) && !UPDATE) {
            fail(env + " (" + config.source() + ") has no approved snapshot in " + dir + "/. Review its output in "
                    + "cdk.out/v6-" + env + ".template.json and dist/" + env + "/ (npx cdk synth), then run '"
                    + UPDATE_COMMAND + "' and commit " + dir + "/");
        }
        Map<String, String> recorded = ReplacementReview.readRecord(dir);
        List<Replacement> replacements = Files.isRegularFile(approvedTemplate) ? ReplacementGuard.compare(
                JSON.readTree(Files.readAllBytes(approvedTemplate)),
                JSON.readTree(actual.get("cloudformation/v6-" + env + ".template.json")), SPEC) : List.of();
        List<Replacement> all = new ArrayList<>(replacements);
        Main.immutableChanges(dir.resolve("kubernetes"), user.dist().resolve(env)).forEach(c -> all.add(
                ReplacementReview.kubernetes(c)));
        ReplacementReview review = ReplacementReview.of(all, config.acknowledgedReplacements(), recorded);
        if (!review.ok()) {
            fail(review.message(env, config.source()));
        }
        if (!review.recordText().isEmpty()) {
            actual.put(ReplacementReview.RECORD_FILE, review.recordText().getBytes(StandardCharsets.UTF_8));
        }
        if (UPDATE) {
            write(dir, actual);
            return;
        }
        List<String> problems = compare(dir, actual);
        if (!problems.isEmpty()) {
            fail(env + " differs from its approved snapshot. Review the diff; if every change is intended, run '"
                    + UPDATE_COMMAND + "' and commit snapshots/.\n" + String.join("\n", problems));
        }
    }

    static final ReplacementSpec SPEC = ReplacementSpec.load();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Every difference between the approved files in {@code dir} and {@code actual}, with diffs. */
    static List<String> compare(Path dir, Map<String, byte[]> actual) {
        Map<String, byte[]> approved = FixtureSynthesis.files(dir);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : actual.entrySet()) {
            byte[] expected = approved.get(e.getKey());
            if (expected == null) {
                problems.add("new file without an approved snapshot: " + dir.resolve(e.getKey()));
            } else if (!Arrays.equals(expected, e.getValue())) {
                problems.add("changed: " + dir.resolve(e.getKey()) + "\n" + TextDiff.unified(
                        new String(expected, StandardCharsets.UTF_8), new String(e.getValue(), StandardCharsets.UTF_8)));
            }
        }
        for (String name : approved.keySet()) {
            if (!actual.containsKey(name) && name.equals(ReplacementReview.RECORD_FILE)) {
                problems.add("no longer produced: " + dir.resolve(name) + " (the environment acknowledges no "
                        + "replacement any more, e.g. after the deploy: the update flag drops the record)");
            } else if (!actual.containsKey(name)) {
                problems.add("no longer produced: " + dir.resolve(name));
            }
        }
        return problems;
    }

    @Test
    void the_address_plan_report_and_picture_match_the_approved_snapshot() throws IOException {
        Path dir = SNAPSHOTS.resolve("address-plan");
        Map<String, byte[]> actual = new TreeMap<>();
        Map<String, byte[]> dist = FixtureSynthesis.files(UserStacks.get().dist());
        for (String name : List.of(PlatformSynthesis.PLAN_REPORT, PlatformSynthesis.PLAN_PICTURE)) {
            actual.put(name, dist.get(name));
        }
        if (UPDATE) {
            write(dir, actual);
            return;
        }
        List<String> problems = compare(dir, actual);
        if (!problems.isEmpty()) {
            fail("the address plan report differs from its approved snapshot; review, then run with "
                    + "-Dsnapshots.update=true:\n" + String.join("\n", problems));
        }
    }

    @Test
    void there_is_no_snapshot_of_an_environment_that_no_longer_exists() throws IOException {
        List<String> envs = environments().toList();
        List<String> stale = new ArrayList<>();
        if (Files.isDirectory(SNAPSHOTS)) {
            try (Stream<Path> dirs = Files.list(SNAPSHOTS)) {
                for (Path d : dirs.filter(Files::isDirectory).toList()) {
                    if (!envs.contains(d.getFileName().toString()) && !d.endsWith("address-plan")) {
                        stale.add(d.toString());
                    }
                }
            }
        }
        if (UPDATE) {
            for (String d : stale) {
                FixtureSynthesis.delete(Path.of(d));
            }
            return;
        }
        assertThat(stale).as("snapshot directories without an environment in " + UserStacks.STACKS + "/; run '"
                + UPDATE_COMMAND + "' to remove them").isEmpty();
    }

    @Test
    void a_changed_or_missing_file_is_reported_with_a_numbered_diff(@TempDir Path approved) throws IOException {
        Path dir = approved.resolve("dev-use1");
        PlatformSynthesis.Result fixtures = FixtureSynthesis.get();
        UserStacks.Output fixtureOutput = new UserStacks.Output(FixtureSynthesis.environments(), fixtures.cdkOut(),
                fixtures.dist());
        write(dir, output(fixtureOutput, "dev-use1"));
        Map<String, byte[]> tampered = new TreeMap<>(output(fixtureOutput, "dev-use1"));
        String yaml = new String(tampered.get("kubernetes/namespaces.k8s.yaml"), StandardCharsets.UTF_8);
        tampered.put("kubernetes/namespaces.k8s.yaml",
                yaml.replace("enforce: privileged", "enforce: baseline").getBytes(StandardCharsets.UTF_8));
        tampered.remove("cloudformation/v6-dev-use1.template.json");
        tampered.put("kubernetes/extra.k8s.yaml", new byte[0]);

        List<String> problems = compare(dir, tampered);

        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("changed: " + dir.resolve("kubernetes/namespaces.k8s.yaml"))
                .containsPattern("- \\d+  +pod-security.kubernetes.io/enforce: privileged")
                .containsPattern("\\+ \\d+  +pod-security.kubernetes.io/enforce: baseline"));
        assertThat(problems).contains(
                "no longer produced: " + dir.resolve("cloudformation/v6-dev-use1.template.json"),
                "new file without an approved snapshot: " + dir.resolve("kubernetes/extra.k8s.yaml"));
    }

    private static void write(Path dir, Map<String, byte[]> files) throws IOException {
        FixtureSynthesis.delete(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
    }

}
