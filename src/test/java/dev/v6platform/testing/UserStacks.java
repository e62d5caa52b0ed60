package dev.v6platform.testing;

import static org.assertj.core.api.Assertions.fail;

import dev.v6platform.app.Main;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's environments in {@code stacks/} (or {@code -Dv6.stacks=DIR}), whatever they are: the suite checks them
 * generically (they synthesize and validate, match their snapshots, pass the security baseline and the replacement
 * guard) and never depends on which environments there are. They are synthesized once per test JVM with the app
 * itself, as {@code cdk synth} would, into {@code user/{cdk.out,dist}} under {@link FixtureSynthesis#ROOT}.
 *
 * <p>Without {@code -Dsnapshots.update=true} the synth runs with {@code --frozen-plan}, so a lock that is out of
 * date fails with the app's own message; with the flag it plans like {@code cdk synth} and writes the lock.
 */
public final class UserStacks {
    /** The user's stacks directory. */
    public static final Path STACKS = Path.of(System.getProperty("v6.stacks", "stacks"));
    /** The approved output of the user's environments. */
    public static final Path SNAPSHOTS = Path.of(System.getProperty("v6.snapshots", "snapshots"));
    /** Whether this run approves new output ({@code -Dsnapshots.update=true}). */
    public static final boolean UPDATE = Boolean.parseBoolean(System.getProperty("snapshots.update", "false"));

    /**
     * The output of one synth of the user's environments.
     *
     * @param environments the environments as read from {@link #STACKS}
     * @param cdkOut       the cloud assembly
     * @param dist         the Kubernetes YAML and the address plan report
     */
    public record Output(List<EnvironmentConfig> environments, Path cdkOut, Path dist) {
    }

    private static Output output;
    private static String failure;

    private UserStacks() {
    }

    /** The user's environments, read (not synthesized); cheap, for parameterized tests' sources. */
    public static List<String> names() {
        return EnvironmentLoader.loadDirectory(STACKS).stream().map(EnvironmentConfig::name).toList();
    }

    /** Synthesizes the user's stacks once per JVM; a failing synth fails the calling test with the app's message. */
    public static synchronized Output get() {
        if (failure != null) {
            fail(failure);
        }
        if (output == null) {
            Path dir = FixtureSynthesis.freshSharingAssets("user");
            List<String> args = new ArrayList<>(List.of("--stacks", STACKS.toString(), "--dist",
                    dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString(), "--snapshots",
                    SNAPSHOTS.toString()));
            if (!UPDATE) {
                args.add("--frozen-plan");
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            if (code != 0) {
                failure = "the environments in " + STACKS + "/ do not synthesize (exit " + code + "); 'npx cdk synth' "
                        + "says the same:\n" + err.toString(StandardCharsets.UTF_8)
                        + (err.toString(StandardCharsets.UTF_8).contains("--frozen-plan") ? "(with "
                        + "-Dsnapshots.update=true the test plans and writes the lock, as 'npx cdk synth' does)" : "");
                fail(failure);
            }
            output = new Output(EnvironmentLoader.loadDirectory(STACKS), dir.resolve("cdk.out"), dir.resolve("dist"));
        }
        return output;
    }
}
