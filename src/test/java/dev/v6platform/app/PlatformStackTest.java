package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Fine-grained assertions on one environment's stack (prod-use1 of the samples). */
class PlatformStackTest {
    static PlatformSynthesis.Result built;
    static PlatformStack stack;
    static Template template;

    @BeforeAll
    static void synth() {
        EnvironmentConfig env = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml"));
        Path dir = FixtureSynthesis.fresh("platform-stack");
        built = PlatformSynthesis.build(List.of(env), FixtureSynthesis.plan(List.of(env)), dir.resolve("cdk.out"),
                dir.resolve("dist"));
        stack = built.stacks().get("prod-use1");
        template = Template.fromStack(stack);
    }

    @Test
    void stack_has_an_explicit_account_and_region_and_termination_protection() {
        assertThat(stack.getAccount()).isEqualTo("314159265358");
        assertThat(stack.getRegion()).isEqualTo("us-east-1");
        assertThat(stack.getStackName()).isEqualTo("v6-prod-use1");
        assertThat(stack.getTerminationProtection()).isTrue();
    }

    @Test
    void kms_key_rotates_yearly_and_is_retained() {
        template.resourceCountIs("AWS::KMS::Key", 1);
        template.hasResource("AWS::KMS::Key", Map.of(
                "Properties", Match.objectLike(Map.of(
                        "EnableKeyRotation", true,
                        "KeySpec", "SYMMETRIC_DEFAULT",
                        "PendingWindowInDays", 30)),
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
    }

    @Test
    void kms_key_has_the_environment_alias() {
        template.hasResourceProperties("AWS::KMS::Alias", Map.of("AliasName", "alias/v6-platform/prod-use1"));
    }

    @Test
    void every_resource_with_tags_carries_the_environment_and_platform_tags() {
        template.hasResourceProperties("AWS::KMS::Key", Map.of("Tags", Match.arrayWith(List.of(
                Map.of("Key", "cost-center", "Value", "4200"),
                Map.of("Key", "stage", "Value", "prod"),
                Map.of("Key", "v6-platform:environment", "Value", "prod-use1"),
                Map.of("Key", "v6-platform:managed-by", "Value", "v6-platform")))));
    }

    @Test
    void no_lookups_are_left_for_the_cli() {
        assertThat(built.app().synth().getManifest().getMissing()).isNullOrEmpty();
    }
}
