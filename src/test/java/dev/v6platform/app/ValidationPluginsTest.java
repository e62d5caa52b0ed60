package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.testing.CapturedOutput;
import dev.v6platform.testing.FixtureSynthesis;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.Key;

/** The validation every synth runs: cdk-nag AwsSolutions and the CloudFormation registry schemas. */
class ValidationPluginsTest {

    private static PlatformSynthesis.Result synth(String name, Consumer<PlatformSynthesis.Result> extend) {
        List<EnvironmentConfig> one = List.of(FixtureSynthesis.environments().get(0));
        Path dir = FixtureSynthesis.fresh("validation-" + name);
        return PlatformSynthesis.run(one, FixtureSynthesis.plan(one), dir.resolve("cdk.out"), dir.resolve("dist"), extend);
    }

    @Test
    void a_cdk_nag_finding_fails_synth_and_the_report_names_it() {
        CapturedOutput out = CapturedOutput.of(() -> synth("nag", r -> Key.Builder.create(r.stacks().get(
                "dev-euw1"), "NoRotation").build()), "(AwsSolutions)");

        assertThat(out.thrown()).isInstanceOf(SynthesisException.class).hasMessageContaining("validation failed");
        assertThat(out.text()).contains("ERROR The KMS Symmetric key does not have automatic key rotation enabled. "
                + "(AwsSolutions)", "v6-dev-euw1/NoRotation/Resource", "AwsSolutions::AwsSolutions-KMS5");
    }

    @Test
    void an_acknowledged_cdk_nag_finding_with_a_reason_passes() {
        assertThatCode(() -> synth("acknowledged", r -> {
            Key key = Key.Builder.create(r.stacks().get("dev-euw1"), "NoRotation").build();
            Validations.of(key).acknowledge(Acknowledgment.builder()
                    .id("AwsSolutions-KMS5")
                    .reason("test key, deleted with the stack")
                    .build());
        })).doesNotThrowAnyException();
    }

    @Test
    void a_property_the_cloudformation_registry_schema_refuses_fails_synth() {
        CapturedOutput out = CapturedOutput.of(() -> synth("registry", r -> {
            Key key = Key.Builder.create(r.stacks().get("dev-euw1"), "BadKey").enableKeyRotation(true).build();
            ((CfnKey) key.getNode().getDefaultChild()).addPropertyOverride("RotationPeriodInDay", 90);
        }), "(CloudFormation Validate)");

        assertThat(out.thrown()).isInstanceOf(SynthesisException.class).hasMessageContaining("validation failed");
        assertThat(out.text()).contains("ERROR RotationPeriodInDay: Additional properties are not allowed");
    }

    @Test
    void a_registry_schema_warning_fails_synth_too_and_is_listed() {
        CapturedOutput out = CapturedOutput.of(() -> synth("registry-warning", r -> {
            Key key = Key.Builder.create(r.stacks().get("dev-euw1"), "BadKey").enableKeyRotation(true).build();
            ((CfnKey) key.getNode().getDefaultChild()).addPropertyOverride("KeySpec", "NOT_A_KEY_SPEC");
        }), "(CloudFormation Validate)");

        assertThat(out.text()).contains("WARNING KeySpec: 'NOT_A_KEY_SPEC' is not one of");
        assertThat(out.thrown())
                .isInstanceOf(SynthesisException.class)
                .hasMessageContaining("validation found 1 warning(s)")
                .hasMessageContaining("warning W3030 (CloudFormation Validate) at v6-dev-euw1/BadKey/Resource: "
                        + "KeySpec: 'NOT_A_KEY_SPEC' is not one of");
    }

    @Test
    void the_samples_pass_every_validation() {
        assertThatCode(FixtureSynthesis::get).doesNotThrowAnyException();
        assertThat(PlatformSynthesis.forcedContext())
                .containsEntry("@aws-cdk/core:validateAgainstDefaultRules", true)
                .containsEntry("aws:cdk:disable-stack-trace", true)
                .containsEntry("aws:cdk:disable-creation-stack-traces", true);
    }
}
