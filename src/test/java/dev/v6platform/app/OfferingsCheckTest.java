package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.ContextFile;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.Contexts;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synth checks the NodePools against the offerings the refresh step recorded, when it recorded any. */
class OfferingsCheckTest {
    static Path prodStacks(String name) throws IOException {
        Path dir = FixtureSynthesis.fresh(name);
        for (String f : List.of("prod-use1.yaml", "network.yaml", "address-plan.lock.yaml")) {
            Files.copy(FixtureSynthesis.STACKS.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /** prod-use1 with a context offering {@code types} ({@code name:arch}) in every zone. */
    static EnvironmentConfig prodWith(String name, String... types) throws IOException {
        Path dir = prodStacks(name);
        Contexts.write(dir, Contexts.of(Contexts.sample("prod-use1"), List.of(), types));
        return EnvironmentLoader.loadDirectory(dir).get(0);
    }

    @Test
    void pools_that_no_recorded_type_satisfies_are_named_at_the_karpenter_section() throws IOException {
        EnvironmentConfig env = prodWith("offerings-x86-only", "c7i.xlarge:amd64");

        List<ConfigError> errors = PlatformSynthesis.offeringsProblems(env);

        assertThat(errors).extracting(ConfigError::field).containsOnly("karpenter.pools");
        assertThat(errors).extracting(ConfigError::problem).anySatisfy(p -> assertThat(p)
                .startsWith("NodePool 'graviton': no instance type offered in [us-east-1a, us-east-1b, us-east-1d] "
                        + "satisfies its requirements").contains("(offerings recorded in "))
                .anySatisfy(p -> assertThat(p).startsWith("NodePool 'buildkit-arm64'"));
        assertThat(errors).noneMatch(e -> e.problem().startsWith("NodePool 'x86'"));
        assertThatThrownBy(() -> PlatformSynthesis.build(List.of(env), FixtureSynthesis.plan(),
                FixtureSynthesis.fresh("offerings-out").resolve("cdk.out"),
                FixtureSynthesis.fresh("offerings-dist"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("NodePool 'graviton'");
    }

    @Test
    void recorded_types_for_both_architectures_satisfy_every_sample_pool_and_no_context_skips_the_check()
            throws IOException {
        assertThat(PlatformSynthesis.offeringsProblems(prodWith("offerings-both", "m7g.large:arm64",
                "c7i.xlarge:amd64"))).isEmpty();
        assertThat(PlatformSynthesis.offeringsProblems(EnvironmentLoader.loadDirectory(prodStacks("offerings-none"))
                .get(0))).isEmpty();
    }

    @Test
    void a_listed_family_the_region_does_not_offer_is_refused_naming_the_pool() throws IOException {
        Path dir = prodStacks("offerings-family");
        Files.writeString(dir.resolve("prod-use1.yaml"), Files.readString(dir.resolve("prod-use1.yaml"))
                .replace("    - name: x86\n", "    - name: x86\n      families: [c7i, c6in]\n"));
        Contexts.write(dir, Contexts.of(Contexts.sample("prod-use1"), List.of(), "m7g.large:arm64",
                "c7i.xlarge:amd64"));

        List<ConfigError> errors = PlatformSynthesis.offeringsProblems(EnvironmentLoader.loadDirectory(dir).get(0));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("karpenter.pools.x86.families");
            assertThat(e.problem()).startsWith("instance family c6in is not offered in us-east-1 (offerings recorded "
                    + "in ");
        });
    }

    @Test
    void a_broken_context_file_names_itself_the_field_and_the_fix() throws IOException {
        Path dir = prodStacks("offerings-broken");
        Files.createDirectories(dir.resolve("context"));
        String good = ContextFile.render(Contexts.of(Contexts.sample("prod-use1"), List.of(), "m7g.large:arm64"));
        Files.writeString(dir.resolve("context/prod-use1.json"), good.replace("\"instanceTypes\" : [",
                "\"instanceTypes\" : 3, \"x\" : ["));

        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("context/prod-use1.json: instanceTypes: the context file cannot be read: "
                        + "'instanceTypes' is not a list")
                .hasMessageContaining("run scripts/refresh.sh for this environment again");
    }
}
