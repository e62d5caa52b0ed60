package dev.v6platform.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.v6platform.config.ContextFile;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.network.plan.AddressPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The output of environments whose inputs did not change since a synth that succeeded, kept in a directory
 * ({@code target/synth-cache} when the CDK CLI runs the app): a synth takes those from here and synthesizes only the
 * others. An entry covers a group of environments synthesized together (one, or those sharing a regional
 * workspace, whose stacks refer to each other) and is keyed by the SHA-256 of everything their output can depend on:
 *
 * <ul>
 *   <li>the app's code (the bytes of its jar or class directory) and the classpath, which names every pinned
 *       dependency version;</li>
 *   <li>{@code package-lock.json} (the kubectl layers' and the CLI's pinned versions) and the shared input files
 *       ({@code stacks/network.yaml});</li>
 *   <li>the environment: every {@code CDK_*} and {@code V6_*} variable but those that only say where output goes
 *       or what is printed (the CLI's output paths, {@code V6_TIMINGS}, {@code V6_DEBUG}, ...; jsii's variables
 *       say how its runtime runs, not what it writes),
 *       so the CLI's context ({@code CDK_CONTEXT_JSON}: {@code cdk.json}, {@code cdk.context.json}, {@code -c}) too;
 *       and the {@code v6.*} system properties;</li>
 *   <li>per environment of the group: its stacks file (path, which reports name, and bytes), its context file
 *       (bytes) and its slice of the address plan (VPC blocks and subnets).</li>
 * </ul>
 *
 * <p>An entry holds each stack's part of the cloud assembly ({@link AssemblyParts.StackPart}: manifest artifacts,
 * tree node, validation report entries, files) and each environment's {@code dist/<environment>/} directory; staged
 * assets are kept once, by name (their names are content hashes), as hard links where the file system allows. An
 * entry is written after the synth that produced it put its output in place, under a temporary name renamed into
 * place, so a reader never sees half of one. The {@value #KEEP} most recently used entries are kept, and the assets
 * they name.
 *
 * <pre>{@code
 * SynthCache cache = SynthCache.open(Path.of("target/synth-cache"), List.of(Path.of("stacks/network.yaml")));
 * String key = cache.key(List.of(env), plan);
 * }</pre>
 */
final class SynthCache {
    /** Entries kept; older ones are deleted when a new one is written. */
    static final int KEEP = 32;
    private static final String FORMAT = "v6-platform synth cache 1";
    /** Variables that name where output goes or what is printed, not what the output is. */
    private static final List<String> NOT_INPUTS = List.of("CDK_OUTDIR", "CDK_PERF_COUNTERS_FILE",
            "CDK_ERROR_FILE", "V6_TIMINGS", "V6_DEBUG", "V6_SYNTH_CACHE", "V6_REQUIRE_CONTEXT");
    private final Path dir;
    private final String globalKey;
    private final Map<Path, String> inputs;
    private final List<Path> shared;

    private SynthCache(Path dir, String globalKey, Map<Path, String> inputs, List<Path> shared) {
        this.dir = dir;
        this.globalKey = globalKey;
        this.inputs = inputs;
        this.shared = shared;
    }

    /** A cache in {@code dir}, keyed by this process's code, classpath, environment and {@code shared} files. */
    static SynthCache open(Path dir, List<Path> shared) {
        return open(dir, shared, System.getenv());
    }

    static SynthCache open(Path dir, List<Path> shared, Map<String, String> environment) {
        return open(dir, shared, environment, Map.of());
    }

    /**
     * Like {@link #open(Path, List, Map)}, keying input files by {@code inputs}, the digests of the files as they
     * were before the synth read them ({@link #snapshot}); {@link #unchanged} then tells whether they still are.
     */
    static SynthCache open(Path dir, List<Path> shared, Map<String, String> environment, Map<Path, String> inputs) {
        Digest d = new Digest();
        d.add(FORMAT);
        d.add(System.getProperty("java.class.path", ""));
        codeFingerprint(d);
        d.addFile(Path.of("package-lock.json"));
        for (Path p : shared) {
            d.add(digestOf(p, inputs));
        }
        new TreeMap<>(environment).forEach((k, v) -> {
            if ((k.startsWith("CDK_") || k.startsWith("V6_")) && !NOT_INPUTS.contains(k)) {
                d.add(k + "=" + v);
            }
        });
        // the CLI moves context that does not fit in the environment to a file it names here
        String overflow = environment.get("CONTEXT_OVERFLOW_LOCATION_ENV");
        if (overflow != null) {
            d.addFile(Path.of(overflow));
        }
        new TreeMap<>(System.getProperties()).forEach((k, v) -> {
            if (String.valueOf(k).startsWith("v6.") && !k.equals(Main.SUCCESS_MARKER)) {
                d.add(k + "=" + v);
            }
        });
        return new SynthCache(dir, d.hex(), Map.copyOf(inputs), List.copyOf(shared));
    }

    /**
     * The digest of every file in {@code stacks} and its subdirectories, taken before the synth reads them: a key
     * made from these and a check after the synth ({@link #unchanged}) never store output under bytes it was not made
     * from (an editor saving while a synth runs).
     */
    static Map<Path, String> snapshot(Path stacks) {
        Map<Path, String> out = new TreeMap<>();
        if (!Files.isDirectory(stacks)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(stacks, 2)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(p.toAbsolutePath().normalize(), digestNow(p));
            }
        } catch (IOException | UncheckedIOException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * Whether the input files of {@code group} and the shared files read the same now as in the snapshot the keys
     * were made from (always, for files the snapshot did not hold).
     */
    boolean unchanged(List<EnvironmentConfig> group) {
        List<Path> files = new ArrayList<>(shared);
        for (EnvironmentConfig env : group) {
            files.add(Path.of(env.source()));
            files.add(ContextFile.of(env));
        }
        for (Path p : files) {
            String before = inputs.get(p.toAbsolutePath().normalize());
            if (before != null && !before.equals(digestNow(p))) {
                return false;
            }
        }
        return true;
    }

    /** A file's digest from the snapshot, else as it reads now. */
    private static String digestOf(Path p, Map<Path, String> inputs) {
        String recorded = inputs.get(p.toAbsolutePath().normalize());
        return recorded != null ? recorded : digestNow(p);
    }

    private static String digestNow(Path p) {
        Digest d = new Digest();
        d.addFile(p);
        return d.hex();
    }

    Path dir() {
        return dir;
    }

    /** The key of the entry for {@code group} (environments synthesized together) on {@code plan}. */
    String key(List<EnvironmentConfig> group, AddressPlan plan) {
        Digest d = new Digest();
        d.add(globalKey);
        for (EnvironmentConfig env : group) {
            d.add(env.name());
            // reports name the file they were generated from
            d.add(env.source());
            Path source = Path.of(env.source());
            if (Files.isRegularFile(source)) {
                d.add(digestOf(source, inputs));
            } else {
                d.add(env.toString());
            }
            d.add(digestOf(ContextFile.of(env), inputs));
            d.add(String.valueOf(plan.vpc(env.name())));
            d.add(String.valueOf(plan.activeSubnets(env.name())));
        }
        return d.hex();
    }

    /** A stored entry: its stacks' parts, in order, and where its files are. */
    record Entry(Path dir, List<AssemblyParts.StackPart> parts) {
        Path file(String name) {
            return dir.resolve("files").resolve(name);
        }

        Path dist(String environment) {
            return dir.resolve("dist").resolve(environment);
        }
    }

    /**
     * The entry stored under {@code key} for {@code environments}, if there is one with every file, every
     * environment's {@code dist/} directory and every asset it names still at hand.
     */
    Optional<Entry> lookup(String key, Path cdkOut, List<String> environments) {
        Path entry = dir.resolve("entries").resolve(key);
        Path index = entry.resolve("parts.json");
        if (!Files.isRegularFile(index)) {
            return Optional.empty();
        }
        try {
            List<AssemblyParts.StackPart> parts = new ArrayList<>();
            AssemblyParts.read(index).forEach(n -> parts.add(AssemblyParts.StackPart.fromJson(n)));
            Entry found = new Entry(entry, parts);
            for (AssemblyParts.StackPart p : parts) {
                for (String asset : p.assets()) {
                    if (asset(asset, cdkOut).isEmpty()) {
                        return Optional.empty();
                    }
                }
                for (String f : p.files()) {
                    if (!Files.isRegularFile(found.file(f))) {
                        return Optional.empty();
                    }
                }
            }
            for (String env : environments) {
                if (!Files.isDirectory(found.dist(env))) {
                    return Optional.empty();
                }
            }
            // used now: the newest entries are the ones kept
            try {
                Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
            } catch (IOException e) {
                // a read-only cache still serves; its entries just do not age
            }
            return Optional.of(found);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The assembly's common rest recorded with this code and environment, if any. */
    Optional<AssemblyParts.Common> common() {
        Path file = dir.resolve("common").resolve(globalKey + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AssemblyParts.Common.fromJson(AssemblyParts.read(file)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Where a staged asset can be taken from: the current assembly, else the cache's copy. */
    Optional<Path> asset(String name, Path cdkOut) {
        Path current = cdkOut.resolve(name);
        if (AssemblyParts.isReal(current)) {
            return Optional.of(current);
        }
        Path kept = dir.resolve("assets").resolve(name);
        return Files.exists(kept) ? Optional.of(kept) : Optional.empty();
    }

    /**
     * Stores an entry under {@code key}: the parts (their files and assets read from {@code assembly}, the cloud
     * assembly the synth put in place) and the {@code dist/} directories of {@code environments} in {@code dist}.
     */
    void store(String key, List<AssemblyParts.StackPart> parts, Path assembly, List<String> environments, Path dist)
            throws IOException {
        Path entries = dir.resolve("entries");
        Path target = entries.resolve(key);
        if (Files.isRegularFile(target.resolve("parts.json"))) {
            return;
        }
        Files.createDirectories(entries);
        Path temp = Files.createTempDirectory(entries, ".new-");
        try {
            ArrayNode index = JsonNodeFactory.instance.arrayNode();
            for (AssemblyParts.StackPart p : parts) {
                for (String f : p.files()) {
                    Files.createDirectories(temp.resolve("files"));
                    Files.copy(assembly.resolve(f), temp.resolve("files").resolve(f));
                }
                for (String a : p.assets()) {
                    keepAsset(a, assembly);
                }
                index.add(p.toJson());
            }
            for (String env : environments) {
                OutputDirectories.copyDirectory(dist.resolve(env), temp.resolve("dist").resolve(env));
            }
            AssemblyParts.write(temp.resolve("parts.json"), JsJson.stringify(index, 0));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another synth stored the same entry meanwhile
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
        } finally {
            OutputDirectories.deleteRecursively(temp);
        }
        prune(entries);
    }

    /** Records the assembly's common rest for this code and environment. */
    void storeCommon(AssemblyParts.Common common) throws IOException {
        Path commons = dir.resolve("common");
        Files.createDirectories(commons);
        Path file = commons.resolve(globalKey + ".json");
        if (Files.isRegularFile(file)) {
            return;
        }
        Path temp = Files.createTempFile(commons, ".new-", ".json");
        Files.writeString(temp, JsJson.stringify(common.toJson(), 0));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // one per code version (a few kB each): the newest KEEP
        List<Path> all;
        try (Stream<Path> list = Files.list(commons)) {
            all = list.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
        }
        Map<Path, FileTime> written = new LinkedHashMap<>();
        for (Path p : all) {
            written.put(p, Files.getLastModifiedTime(p));
        }
        all.stream().sorted(Comparator.comparing((Path p) -> written.get(p)).reversed().thenComparing(Path::toString))
                .skip(KEEP).forEach(OutputDirectories::deleteRecursively);
    }

    /** Keeps a staged asset in {@code assets/}: a hard link to the file, or a copy. */
    private void keepAsset(String name, Path assembly) throws IOException {
        Path kept = dir.resolve("assets").resolve(name);
        if (Files.exists(kept)) {
            return;
        }
        Path source = assembly.resolve(name).toRealPath();
        Files.createDirectories(kept.getParent());
        // a directory of this writer's own: another synth keeping the same asset at once never sees half of it
        Path own = Files.createTempDirectory(kept.getParent(), ".new-");
        Path temp = own.resolve(name);
        try {
            if (Files.isDirectory(source)) {
                OutputDirectories.copyDirectory(source, temp);
            } else {
                try {
                    Files.createLink(temp, source);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source, temp);
                }
            }
            try {
                Files.move(temp, kept, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.exists(kept)) {
                    throw e;
                }
            }
        } finally {
            OutputDirectories.deleteRecursively(own);
        }
    }

    /**
     * Deletes the entries beyond the {@value #KEEP} most recently used that were not used in the last day, the kept
     * assets no remaining entry names, and what interrupted writers left behind (temporary entries older than an
     * hour).
     */
    private void prune(Path entries) throws IOException {
        List<Path> all;
        List<Path> leftovers;
        try (Stream<Path> list = Files.list(entries)) {
            List<Path> listed = list.toList();
            all = listed.stream().filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            leftovers = listed.stream().filter(p -> p.getFileName().toString().startsWith(".new-")).toList();
        }
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        for (Path p : leftovers) {
            if (Files.getLastModifiedTime(p).toMillis() < hourAgo) {
                OutputDirectories.deleteRecursively(p);
            }
        }
        if (all.size() <= KEEP) {
            return;
        }
        Map<Path, FileTime> used = new LinkedHashMap<>();
        for (Path p : all) {
            used.put(p, Files.getLastModifiedTime(p));
        }
        List<Path> newestFirst = all.stream().sorted(Comparator.comparing((Path p) -> used.get(p)).reversed()
                .thenComparing(Path::toString)).toList();
        // entries used in the last day stay too: a synth of more than KEEP groups keeps all of its own
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        List<Path> gone = newestFirst.stream().skip(KEEP).filter(p -> used.get(p).toMillis() < dayAgo).toList();
        gone.forEach(OutputDirectories::deleteRecursively);
        Set<String> named = new TreeSet<>();
        for (Path entry : newestFirst.stream().filter(p -> !gone.contains(p)).toList()) {
            try {
                AssemblyParts.read(entry.resolve("parts.json")).forEach(n -> named.addAll(
                        AssemblyParts.StackPart.fromJson(n).assets()));
            } catch (RuntimeException e) {
                // an unreadable entry is never used (lookup), and goes when it is the oldest
            }
        }
        Path assets = dir.resolve("assets");
        if (Files.isDirectory(assets)) {
            try (Stream<Path> list = Files.list(assets)) {
                for (Path a : list.toList()) {
                    if (!named.contains(a.getFileName().toString())) {
                        OutputDirectories.deleteRecursively(a);
                    }
                }
            }
        }
    }

    /** The bytes of the code this class was loaded from: a jar's, or every file of a class directory. */
    private static void codeFingerprint(Digest d) {
        Path code;
        try {
            code = Path.of(SynthCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            d.add("unknown code " + System.nanoTime());
            return;
        }
        if (Files.isRegularFile(code)) {
            d.addFile(code);
            return;
        }
        try (Stream<Path> walk = Files.walk(code)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                d.add(code.relativize(p).toString());
                d.addFile(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + code, e);
        }
    }

    /** SHA-256 over length-prefixed strings and files. */
    private static final class Digest {
        private final MessageDigest md;

        Digest() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) ':');
            md.update(b);
        }

        /** A file's bytes, or a marker that it is absent. */
        void addFile(Path p) {
            if (!Files.isRegularFile(p)) {
                add("absent");
                return;
            }
            try (InputStream in = Files.newInputStream(p)) {
                add("file " + Files.size(p));
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        }

        String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
