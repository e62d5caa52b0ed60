package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.validation.ReplacementGuard.Replacement;
import dev.v6platform.validation.ReplacementGuard;
import dev.v6platform.validation.ReplacementReview;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snapshot test's replacement guard on a real change: dev-use1 renumbered into the next free /20 of its region
 * pool (as {@code --release} and a new plan would do). Its VPC, subnets and everything built on them would be
 * replaced, so the snapshot test lists them until the environment file acknowledges each one; the cluster, whose
 * name stays, cannot be replaced at all.
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
        Path dir = FixtureSynthesis.freshSharingAssets("replacement-guard");
        stacks = MainTest.copyOfStacks(dir);
        Path lock = stacks.resolve(Main.LOCK_FILE);
        Files.writeString(lock, renumber(Files.readString(lock)));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--stacks", stacks.toString(), "--frozen-plan", "--dist",
            dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        approved = Files.readAllBytes(FixtureSynthesis.get().cdkOut().resolve("v6-dev-use1.template.json"));
        renumbered = Files.readAllBytes(dir.resolve("cdk.out/v6-dev-use1.template.json"));
    }

    static EnvironmentConfig devUse1() {
        return EnvironmentLoader.loadDirectory(stacks).stream().filter(e -> e.name().equals("dev-use1"))
                .findFirst().orElseThrow();
    }

    static ReplacementReview review() throws IOException {
        return ReplacementReview.of(ReplacementGuard.compare(JSON.readTree(approved), JSON.readTree(renumbered),
                SnapshotTest.SPEC), devUse1().acknowledgedReplacements(), Map.of());
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_cidr_change_lists_the_replaced_vpc_subnets_and_cluster() throws IOException {
        List<String> replaced = review().refused().stream().map(Replacement::format).toList();

        assertThat(replaced).anySatisfy(r -> assertThat(r).matches("Vpc[A-Za-z0-9]* \\(AWS::EC2::VPC\\): "
                + "CidrBlock changed: \"10.208.0.0/20\" -> \"10.208.16.0/20\""));
        assertThat(replaced).filteredOn(r -> r.contains("(AWS::EC2::Subnet)")).hasSize(9)
                .anySatisfy(r -> assertThat(r).contains("CidrBlock changed: \"10.208.0.0/23\" -> \"10.208.16.0/23\""))
                .noneMatch(r -> r.contains("CANNOT"));
        assertThat(replaced).noneMatch(r -> r.contains("(AWS::KMS::Key)") || r.contains("(AWS::APS::Workspace)"));
    }

    @Test
    void the_custom_named_cluster_cannot_be_replaced_and_no_acknowledgement_helps() throws IOException {
        ReplacementReview before = review();
        assertThat(before.refused()).filteredOn(r -> r.type().equals("AWS::EKS::Cluster")).singleElement()
                .satisfies(r -> assertThat(r.format()).contains("(AWS::EKS::Cluster): ResourcesVpcConfig.",
                        "CLOUDFORMATION CANNOT DO THIS: its replacement would have the same Name \"v6-dev-use1\""));
        assertThat(before.unacknowledged()).noneMatch(Replacement::impossible);
        assertThat(before.message("dev-use1", "stacks/dev-use1.yaml")).contains("1 of them CloudFormation cannot "
                + "replace at all", "acknowledgedReplacements:\n  - {logicalId: ",
                "  - {logicalId: Vpc8378EB38, reason: \"TODO: why replacing this AWS::EC2::VPC is acceptable\"}");
    }

    @Test
    void acknowledging_every_possible_replacement_leaves_only_the_impossible_one() throws IOException {
        List<Replacement> possible = review().unacknowledged();
        Path file = stacks.resolve("dev-use1.yaml");
        String original = Files.readString(file);
        StringBuilder acks = new StringBuilder("\nacknowledgedReplacements:\n");
        for (Replacement r : possible) {
            acks.append("  - {logicalId: ").append(r.logicalId()).append(", reason: \"renumbered into 10.208.16.0/20\"}\n");
        }
        try {
            Files.writeString(file, original + acks.substring(0, acks.lastIndexOf("  - ")));
            assertThat(review().unacknowledged()).as("one left unacknowledged").singleElement()
                    .extracting(Replacement::logicalId).isEqualTo(possible.get(possible.size() - 1).logicalId());

            Files.writeString(file, original + acks);
            ReplacementReview all = review();
            assertThat(all.unacknowledged()).isEmpty();
            assertThat(all.refused()).singleElement().extracting(Replacement::type).isEqualTo("AWS::EKS::Cluster");
            assertThat(all.record()).hasSize(possible.size());
        } finally {
            Files.writeString(file, original);
        }
    }
}
