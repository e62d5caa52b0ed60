package dev.v6platform.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.AcknowledgedReplacement;
import dev.v6platform.validation.ReplacementGuard.Replacement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the snapshot test makes of replacements and acknowledgements, through a change's life. */
class ReplacementReviewTest {
    static final Replacement VPC = new Replacement("Vpc1", "AWS::EC2::VPC", "CidrBlock changed", false);
    static final Replacement CLUSTER = new Replacement("Cluster1", "AWS::EKS::Cluster", "refers to Vpc1", false,
            "its replacement would have the same Name");

    static AcknowledgedReplacement ack(String id) {
        return new AcknowledgedReplacement(id, "renumbered", 7);
    }

    @Test
    void an_unacknowledged_replacement_is_refused_with_a_block_to_paste() {
        ReplacementReview r = ReplacementReview.of(List.of(VPC), List.of(), Map.of());

        assertThat(r.ok()).isFalse();
        assertThat(r.message("dev", "stacks/dev.yaml")).contains("Vpc1 (AWS::EC2::VPC): CidrBlock changed",
                "accept them in stacks/dev.yaml", "acknowledgedReplacements:\n  - {logicalId: Vpc1, reason: \"TODO: "
                + "why replacing this AWS::EC2::VPC is acceptable\"}");
    }

    @Test
    void an_acknowledged_replacement_passes_and_is_recorded_then_stays_valid_after_the_update() {
        ReplacementReview change = ReplacementReview.of(List.of(VPC), List.of(ack("Vpc1")), Map.of());
        Map<String, String> recorded = ReplacementReview.parseRecord(change.recordText());
        ReplacementReview afterUpdate = ReplacementReview.of(List.of(), List.of(ack("Vpc1")), recorded);
        ReplacementReview afterDeploy = ReplacementReview.of(List.of(), List.of(), recorded);

        assertThat(change.ok()).isTrue();
        assertThat(recorded).containsOnlyKeys("Vpc1");
        assertThat(recorded.get("Vpc1")).isEqualTo("Vpc1 (AWS::EC2::VPC): CidrBlock changed (acknowledged: renumbered)");
        assertThat(afterUpdate.ok()).isTrue();
        assertThat(afterUpdate.recordText()).isEqualTo(change.recordText());
        assertThat(afterDeploy.ok()).isTrue();
        assertThat(afterDeploy.recordText()).as("the record goes with the last acknowledgement").isEmpty();
    }

    @Test
    void an_acknowledgement_that_matches_nothing_is_refused_at_its_line() {
        ReplacementReview r = ReplacementReview.of(List.of(), List.of(ack("Typo1")), Map.of("Vpc1", "Vpc1 (...)"));

        assertThat(r.ok()).isFalse();
        assertThat(r.stale()).extracting(AcknowledgedReplacement::logicalId).containsExactly("Typo1");
        assertThat(r.message("dev", "stacks/dev.yaml")).contains("stacks/dev.yaml:7: acknowledgedReplacements: "
                + "Typo1 matches no replacement of this change and none recorded in the approved snapshot; remove "
                + "the entry");
    }

    @Test
    void a_replacement_cloudformation_cannot_perform_is_refused_even_when_acknowledged() {
        ReplacementReview r = ReplacementReview.of(List.of(VPC, CLUSTER), List.of(ack("Vpc1"), ack("Cluster1")),
                Map.of());

        assertThat(r.ok()).isFalse();
        assertThat(r.refused()).containsExactly(CLUSTER);
        assertThat(r.unacknowledged()).isEmpty();
        assertThat(r.message("dev", "stacks/dev.yaml")).contains("1 of them CloudFormation cannot replace at all")
                .doesNotContain("acknowledgedReplacements:\n");
        assertThat(r.record()).containsOnlyKeys("Vpc1");
    }

    @Test
    void an_entry_left_over_from_an_earlier_change_does_not_cover_a_new_replacement_of_the_same_resource() {
        Map<String, String> recorded = ReplacementReview.parseRecord(ReplacementReview.of(List.of(VPC),
                List.of(ack("Vpc1")), Map.of()).recordText());
        Replacement again = new Replacement("Vpc1", "AWS::EC2::VPC", "CidrBlock changed again", false);

        ReplacementReview leftover = ReplacementReview.of(List.of(again), List.of(ack("Vpc1")), recorded);
        ReplacementReview renewed = ReplacementReview.of(List.of(again),
                List.of(new AcknowledgedReplacement("Vpc1", "moved once more", 7)), recorded);

        assertThat(leftover.ok()).isFalse();
        assertThat(leftover.message("dev", "stacks/dev.yaml")).contains("stacks/dev.yaml:7: acknowledgedReplacements: "
                + "Vpc1 was acknowledged for an earlier replacement, and this change replaces it again");
        assertThat(renewed.ok()).isTrue();
        assertThat(renewed.record().get("Vpc1")).endsWith("CidrBlock changed again (acknowledged: moved once more)");
    }
}
