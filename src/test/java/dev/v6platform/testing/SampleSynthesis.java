package dev.v6platform.testing;

import dev.v6platform.app.PlatformSynthesis;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.NetworkLoader;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.network.plan.AddressPlanner;
import dev.v6platform.network.plan.LockFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The sample environments in {@code stacks/}, synthesized once per test JVM (synth is the expensive part of the
 * suite) into {@code target/test-synth/samples/{cdk.out,dist}}. Tests read, never modify, the result.
 */
public final class SampleSynthesis {
    public static final Path ROOT = Path.of("target/test-synth");
    private static PlatformSynthesis.Result result;
    private static List<EnvironmentConfig> environments;
    private static AddressPlan plan;

    private SampleSynthesis() {
    }

    public static synchronized PlatformSynthesis.Result get() {
        if (result == null) {
            environments = EnvironmentLoader.loadDirectory(Path.of("stacks"));
            plan = plan(environments);
            if (!plan.changes().isEmpty()) {
                throw new IllegalStateException("stacks/address-plan.lock.yaml is out of date; run the synth and "
                        + "commit the lock: " + plan.changes());
            }
            Path dir = fresh("samples");
            result = PlatformSynthesis.run(environments, plan, dir.resolve("cdk.out"), dir.resolve("dist"));
        }
        return result;
    }

    public static synchronized List<EnvironmentConfig> environments() {
        get();
        return environments;
    }

    /** The committed address plan of the samples. */
    public static synchronized AddressPlan plan() {
        get();
        return plan;
    }

    /** Plans {@code envs} on the committed network file and lock (read-only). */
    public static AddressPlan plan(List<EnvironmentConfig> envs) {
        return AddressPlanner.plan(NetworkLoader.load(Path.of("stacks/network.yaml")), envs,
                LockFile.read(Path.of("stacks/address-plan.lock.yaml")), "stacks/address-plan.lock.yaml", Set.of());
    }

    /** Templates of dev-use1 and prod-use1 built together (not written), shared by the construct tests. */
    public record UsEast(AddressPlan plan, software.amazon.awscdk.assertions.Template dev,
            software.amazon.awscdk.assertions.Template prod) {
    }

    private static UsEast usEast;

    public static synchronized UsEast usEast() {
        if (usEast == null) {
            List<EnvironmentConfig> envs = List.of(EnvironmentLoader.loadFile(Path.of("stacks/dev-use1.yaml")),
                    EnvironmentLoader.loadFile(Path.of("stacks/prod-use1.yaml")));
            AddressPlan p = plan(envs);
            Path dir = fresh("us-east");
            PlatformSynthesis.Result built = PlatformSynthesis.build(envs, p, dir.resolve("cdk.out"),
                    dir.resolve("dist"));
            usEast = new UsEast(p, software.amazon.awscdk.assertions.Template.fromStack(built.stacks().get("dev-use1")),
                    software.amazon.awscdk.assertions.Template.fromStack(built.stacks().get("prod-use1")));
        }
        return usEast;
    }

    /** An empty directory under target/test-synth. */
    public static Path fresh(String name) {
        Path dir = ROOT.resolve(name);
        delete(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Every regular file below {@code dir}, by relative path, with its bytes. */
    public static Map<String, byte[]> files(Path dir) {
        Map<String, byte[]> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Deletes {@code dir} and everything below it, if it exists. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
