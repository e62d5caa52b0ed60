package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.SampleSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synth checks the NodePools against the offerings the refresh step recorded, when it recorded any. */
class OfferingsCheckTest {
    static String context(String... types) {
        StringBuilder json = new StringBuilder("{\"instanceTypes\": [");
        for (int i = 0; i < types.length; i++) {
            String[] t = types[i].split(":");
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(t[0]).append("\",\"architecture\":\"")
                    .append(t[1]).append("\",\"hypervisor\":\"nitro\",\"vcpus\":4,\"zones\":[\"us-east-1a\"]}");
        }
        return json.append("]}").toString();
    }

    static EnvironmentConfig prodWith(String name, String contextJson) throws IOException {
        Path dir = SampleSynthesis.fresh(name);
        for (String f : List.of("prod-use1.yaml", "network.yaml", "address-plan.lock.yaml")) {
            Files.copy(Path.of("stacks", f), dir.resolve(f));
        }
        if (contextJson != null) {
            Files.createDirectories(dir.resolve("context"));
            Files.writeString(dir.resolve("context/prod-use1.json"), contextJson);
        }
        return EnvironmentLoader.loadDirectory(dir).get(0);
    }

    @Test
    void pools_that_no_recorded_type_satisfies_are_named_at_the_karpenter_section() throws IOException {
        EnvironmentConfig env = prodWith("offerings-x86-only", context("c7i.xlarge:amd64"));

        List<ConfigError> errors = PlatformSynthesis.offeringsProblems(env);

        assertThat(errors).extracting(ConfigError::field).containsOnly("karpenter.pools");
        assertThat(errors).extracting(ConfigError::problem).anySatisfy(p -> assertThat(p)
                .startsWith("NodePool 'graviton': no instance type offered in [us-east-1a, us-east-1b, us-east-1d] "
                        + "satisfies its requirements").contains("(offerings recorded in "))
                .anySatisfy(p -> assertThat(p).startsWith("NodePool 'buildkit-arm64'"));
        assertThat(errors).noneMatch(e -> e.problem().startsWith("NodePool 'x86'"));
        assertThatThrownBy(() -> PlatformSynthesis.build(List.of(env), SampleSynthesis.plan(),
                SampleSynthesis.fresh("offerings-out").resolve("cdk.out"),
                SampleSynthesis.fresh("offerings-dist"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("NodePool 'graviton'");
    }

    @Test
    void recorded_types_for_both_architectures_satisfy_every_sample_pool_and_no_context_skips_the_check()
            throws IOException {
        assertThat(PlatformSynthesis.offeringsProblems(prodWith("offerings-both",
                context("m7g.large:arm64", "c7i.xlarge:amd64")))).isEmpty();
        assertThat(PlatformSynthesis.offeringsProblems(prodWith("offerings-none", null))).isEmpty();
    }

    @Test
    void a_broken_context_file_names_itself_and_the_fix() throws IOException {
        EnvironmentConfig env = prodWith("offerings-broken", "{\"instanceTypes\": 3}");

        assertThatThrownBy(() -> PlatformSynthesis.offeringsProblems(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("context/prod-use1.json")
                .hasMessageContaining("the context file cannot be read: no instanceTypes list")
                .hasMessageContaining("run scripts/refresh.sh for this environment again");
    }
}
