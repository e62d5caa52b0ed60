package dev.v6platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.v6platform.network.plan.LockFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the three parsers of {@code stacks/} (environment files, {@code network.yaml}, the address lock) with
 * Jazzer: whatever the bytes, a parser either accepts them or reports located problems, each with a file, a line, a
 * problem and a fix. Any other exception is a bug. The first byte picks the parser; the rest is the file.
 *
 * <p>The ordinary test run replays the seeds in {@code ConfigFuzzTestInputs/} (and any finding copied there);
 * {@code mvn verify} also fuzzes for a bounded number of inputs in its own JVM (the pom's fuzz profile).
 */
class ConfigFuzzTest {
    static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "config-fuzz");

    @Test
    void numbers_too_long_for_an_int_are_refused_or_saturated_not_thrown() {
        assertThat(BuildkitSection.seconds("99999999999999999999h")).isPositive();
        assertThat(BuildkitSection.seconds("1h30m")).isEqualTo(5400);
        assertThat(BuildkitSection.seconds("999999999999h".repeat(3000))).isEqualTo(BuildkitSection.CAP);
        assertThat(BuildkitSection.seconds("0000000000000001h")).isEqualTo(3600);
        assertThat(EnvironmentLoader.ADDON_VERSION.matcher("v2222222222222.1.1-eksbuild.1").matches()).isFalse();
    }

    @FuzzTest(maxDuration = "60s")
    void every_input_is_accepted_or_refused_with_located_problems(byte[] input) throws IOException {
        Files.createDirectories(DIR);
        int parser = input.length == 0 ? 0 : Math.floorMod(input[0], 3);
        byte[] text = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Path file = DIR.resolve(parser == 0 ? "fuzz-env.yaml" : parser == 1 ? "network.yaml"
                : "address-plan.lock.yaml");
        Files.write(file, text);
        try {
            switch (parser) {
                case 0 -> EnvironmentLoader.loadFile(file);
                case 1 -> NetworkLoader.load(file);
                default -> LockFile.readLocated(file);
            }
        } catch (ConfigException e) {
            assertThat(e.errors()).isNotEmpty().allSatisfy(error -> {
                assertThat(error.file()).isEqualTo(EnvironmentLoader.display(file));
                assertThat(error.line()).isNotNegative();
                assertThat(error.problem()).isNotBlank();
                assertThat(error.fix()).isNotBlank();
                assertThat(error.format()).doesNotContain("Exception").doesNotContain("\tat ");
            });
        }
    }
}
