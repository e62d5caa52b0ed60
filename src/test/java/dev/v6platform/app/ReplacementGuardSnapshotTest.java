package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.SampleSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snapshot test's replacement guard on a real change: dev-use1 renumbered into the next free /20 of its region
 * pool (as {@code --release} and a new plan would do). Its VPC, subnets and everything built on them would be
 * replaced, so the snapshot test lists them until the environment file acknowledges each one.
 */
class ReplacementGuardSnapshotTest {
    static Path stacks;
    static byte[] approved;
    static byte[] renumbered;

    /** dev-use1's allocations in the lock moved from 10.208.0.0/20 to 10.208.16.0/20 (free in the pool). */
    static String renumber(String lock) {
        int start = lock.indexOf("  dev-use1:");
        int end = lock.indexOf("\n  prod-euw1:", start);
        Matcher m = Pattern.compile("10\\.208\\.(\\d+)\\.").matcher(lock.substring(start, end));
        StringBuilder moved = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(moved, "10.208." + (Integer.parseInt(m.group(1)) + 16) + ".");
        }
        m.appendTail(moved);
        return lock.substring(0, start) + moved + lock.substring(end);
    }

    @BeforeAll
    static void synthesizeTheRenumberedSamples() throws IOException {
        Path dir = SampleSynthesis.fresh("replacement-guard");
        stacks = MainTest.copyOfStacks(dir);
        Path lock = stacks.resolve(Main.LOCK_FILE);
        Files.writeString(lock, renumber(Files.readString(lock)));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--stacks", stacks.toString(), "--frozen-plan", "--dist",
            dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        approved = Files.readAllBytes(Path.of("snapshots/dev-use1/cloudformation/v6-dev-use1.template.json"));
        renumbered = Files.readAllBytes(dir.resolve("cdk.out/v6-dev-use1.template.json"));
    }

    static EnvironmentConfig devUse1() {
        return EnvironmentLoader.loadDirectory(stacks).stream().filter(e -> e.name().equals("dev-use1"))
                .findFirst().orElseThrow();
    }

    @Test
    void a_cidr_change_lists_the_replaced_vpc_subnets_and_cluster() throws IOException {
        List<String> replaced = SnapshotTest.unacknowledgedReplacements(devUse1(), approved, renumbered);

        assertThat(replaced).anySatisfy(r -> assertThat(r).matches("Vpc[A-Za-z0-9]* \\(AWS::EC2::VPC\\): "
                + "CidrBlock changed: \"10.208.0.0/20\" -> \"10.208.16.0/20\""));
        assertThat(replaced).filteredOn(r -> r.contains("(AWS::EC2::Subnet)")).hasSize(9)
                .anySatisfy(r -> assertThat(r).contains("CidrBlock changed: \"10.208.0.0/23\" -> \"10.208.16.0/23\""));
        assertThat(replaced).anySatisfy(r -> assertThat(r).contains("(AWS::EKS::Cluster): ResourcesVpcConfig."));
        assertThat(replaced).noneMatch(r -> r.contains("(AWS::KMS::Key)") || r.contains("(AWS::APS::Workspace)"));
    }

    @Test
    void acknowledging_every_listed_replacement_in_the_environment_file_lets_it_pass() throws IOException {
        List<String> replaced = SnapshotTest.unacknowledgedReplacements(devUse1(), approved, renumbered);
        Path file = stacks.resolve("dev-use1.yaml");
        String original = Files.readString(file);
        // the sample may end with acknowledgements of its own: add to that list
        StringBuilder acks = new StringBuilder(original.contains("\nacknowledgedReplacements:\n") ? ""
                : "\nacknowledgedReplacements:\n");
        List<String> ids = new ArrayList<>();
        for (String r : replaced) {
            String id = r.substring(0, r.indexOf(' '));
            ids.add(id);
            acks.append("  - {logicalId: ").append(id).append(", reason: \"renumbered into 10.208.16.0/20\"}\n");
        }
        try {
            Files.writeString(file, original + acks.substring(0, acks.lastIndexOf("  - ")));
            assertThat(SnapshotTest.unacknowledgedReplacements(devUse1(), approved, renumbered))
                    .as("one left unacknowledged").singleElement().asString().startsWith(ids.get(ids.size() - 1));

            Files.writeString(file, original + acks);
            assertThat(SnapshotTest.unacknowledgedReplacements(devUse1(), approved, renumbered)).isEmpty();
        } finally {
            Files.writeString(file, original);
        }
    }
}
