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
 * The library tests' own environments in {@code src/test/resources/fixture-stacks/} (four environments in two
 * accounts and regions, with their network file and lock), synthesized once per test JVM (synth is the expensive
 * part of the suite) into {@code fixtures/{cdk.out,dist}} under {@link #ROOT}. Tests read, never modify, the result.
 * The user's {@code stacks/} is checked by {@link UserStacks}, never here.
 */
public final class FixtureSynthesis {
    /**
     * Where tests synthesize: {@code target/test-synth}, or one directory per test JVM when surefire runs several
     * (the build sets {@code testsynth.root} to {@code target/test-synth-<fork>}).
     */
    public static final Path ROOT = Path.of(System.getProperty("testsynth.root", "target/test-synth"));
    /** The fixture stacks directory: environment files, {@code network.yaml} and the lock. */
    public static final Path STACKS = Path.of("src/test/resources/fixture-stacks");
    private static PlatformSynthesis.Result result;
    private static List<EnvironmentConfig> environments;
    private static AddressPlan plan;

    private FixtureSynthesis() {
    }

    public static synchronized PlatformSynthesis.Result get() {
        if (result == null) {
            environments = EnvironmentLoader.loadDirectory(STACKS);
            plan = plan(environments);
            if (!plan.changes().isEmpty()) {
                throw new IllegalStateException(STACKS.resolve("address-plan.lock.yaml") + " is out of date: "
                        + plan.changes());
            }
            Path dir = fresh("fixtures");
            result = PlatformSynthesis.run(environments, plan, dir.resolve("cdk.out"), dir.resolve("dist"));
        }
        return result;
    }

    public static synchronized List<EnvironmentConfig> environments() {
        get();
        return environments;
    }

    /** The address plan of the fixtures. */
    public static synchronized AddressPlan plan() {
        get();
        return plan;
    }

    /** Plans {@code envs} on the fixtures' network file and lock (read-only). */
    public static AddressPlan plan(List<EnvironmentConfig> envs) {
        return plan(STACKS, envs);
    }

    /** Plans {@code envs} on the network file and lock in {@code stacks} (read-only). */
    public static AddressPlan plan(Path stacks, List<EnvironmentConfig> envs) {
        Path lock = stacks.resolve("address-plan.lock.yaml");
        return AddressPlanner.plan(NetworkLoader.load(stacks.resolve("network.yaml")), envs, LockFile.read(lock),
                lock.toString().replace('\\', '/'), Set.of());
    }

    /** Templates of dev-use1 and prod-use1 built together (not written), shared by the construct tests. */
    public record UsEast(AddressPlan plan, software.amazon.awscdk.assertions.Template dev,
            software.amazon.awscdk.assertions.Template prod) {
    }

    private static UsEast usEast;

    public static synchronized UsEast usEast() {
        if (usEast == null) {
            List<EnvironmentConfig> envs = List.of(EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("dev-use1.yaml")),
                    EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml")));
            AddressPlan p = plan(envs);
            Path dir = fresh("us-east");
            PlatformSynthesis.Result built = PlatformSynthesis.build(envs, p, dir.resolve("cdk.out"),
                    dir.resolve("dist"));
            usEast = new UsEast(p, software.amazon.awscdk.assertions.Template.fromStack(built.stacks().get("dev-use1")),
                    software.amazon.awscdk.assertions.Template.fromStack(built.stacks().get("prod-use1")));
        }
        return usEast;
    }

    /** An empty directory under {@link #ROOT}. */
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

    /**
     * Like {@link #fresh}, with {@code cdk.out/} holding hard links to the fixtures' staged asset files (the kubectl,
     * AWS CLI and proxy layers, 95 MB), as a previous synth would leave them: a synth into it reuses them instead of
     * copying them, so the test leaves no copy of its own under {@code target/}.
     */
    public static Path freshSharingAssets(String name) {
        Path dir = fresh(name);
        linkFixtureAssets(dir.resolve("cdk.out"));
        return dir;
    }

    /** Hard-links the fixtures' staged asset files into {@code cdkOut} (created if needed). */
    public static void linkFixtureAssets(Path cdkOut) {
        Path source = get().cdkOut();
        try (Stream<Path> entries = Files.list(source)) {
            Files.createDirectories(cdkOut);
            for (Path p : entries.filter(p -> p.getFileName().toString().matches("asset\\..*\\.zip")).toList()) {
                Files.createLink(cdkOut.resolve(p.getFileName()), p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
