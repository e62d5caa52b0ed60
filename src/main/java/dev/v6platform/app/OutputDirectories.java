package dev.v6platform.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Puts freshly synthesized output in place only once everything succeeded: output is written to a staging
 * directory beside its target, then swapped in. A failed synth leaves the previous output exactly as it was.
 */
final class OutputDirectories {
    /** Top-level entries of a cloud assembly that a new synth replaces; anything else (CLI lock files) is kept. */
    private static final Pattern ASSEMBLY_ENTRY = Pattern.compile(
            "manifest\\.json|tree\\.json|cdk\\.out|policy-validation-report\\.json|.*\\.template\\.json"
                    + "|.*\\.assets\\.json|.*\\.metadata\\.json|asset\\..*|.*\\.report\\.json");
    /** A file asset staged in a cloud assembly: named by the hash of its content. */
    private static final Pattern ASSET_FILE = Pattern.compile("asset\\.[0-9a-f]{64}\\.[A-Za-z0-9.]+");
    /** Where an asset manifest ({@code *.assets.json}) names a staged asset; a nested assembly's starts with ../ */
    private static final Pattern ASSET_SOURCE = Pattern.compile(
            "\"path\"\\s*:\\s*\"(?:\\.\\./)*(asset\\.[^\"/]+)\"");

    private OutputDirectories() {
    }

    /** An empty staging directory beside {@code target}. */
    static Path staging(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".staging");
        deleteRecursively(staging);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + staging, e);
        }
        return staging;
    }

    /**
     * Links each file asset of the assembly already in {@code target} into {@code staging}. The CDK does not stage an
     * asset whose file is already there, and its validation step hashes every file of the assembly before and after
     * the plugins, a link as its path: without the links each synth copies the kubectl, AWS CLI and proxy layers
     * (95 MB) and reads them twice. {@link #replaceAssembly} keeps the files the new assembly uses, in place, and
     * removes the others. Where links cannot be made, the CDK copies as usual.
     *
     * <p>An asset is identified by its asset hash, as aws-cdk-lib (which does not stage an asset whose file exists)
     * and cdk-assets (which does not upload an object that exists) identify it. The layers' hashes come from their
     * sources (a Dockerfile, a layer directory), as upstream computes them, not from the zips: a zip that changed
     * under an unchanged hash would not be deployed either. Deleting {@code cdk.out} stages every asset afresh.
     */
    static void linkPreviousAssets(Path staging, Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            return;
        }
        try (Stream<Path> entries = Files.list(abs)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (ASSET_FILE.matcher(name).matches() && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(staging.resolve(name), entry);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no links here: the CDK copies the assets not linked yet
        }
    }

    /** Copies the regular files below {@code from} (if it exists) to the same paths below {@code to}. */
    static void copyDirectory(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + from, e);
        }
    }

    /** Replaces the whole {@code target} directory by {@code staged}. */
    static void replaceDirectory(Path staged, Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path old = abs.resolveSibling("." + abs.getFileName() + ".old");
        deleteRecursively(old);
        try {
            if (Files.exists(abs)) {
                move(abs, old);
            }
            move(staged, abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put " + staged + " in place of " + abs, e);
        }
        deleteRecursively(old);
    }

    /**
     * Replaces the cloud assembly in {@code target} by the one in {@code staged}, entry by entry, keeping entries
     * that are not part of an assembly (the CDK CLI's lock files).
     */
    static void replaceAssembly(Path staged, Path target) {
        try {
            Files.createDirectories(target);
            Set<String> fresh = new HashSet<>();
            Set<String> used = assetSources(staged);
            try (Stream<Path> entries = Files.list(staged)) {
                for (Path entry : entries.sorted().toList()) {
                    String name = entry.getFileName().toString();
                    Path dest = target.resolve(name);
                    if (Files.isSymbolicLink(entry)) {
                        // linked by linkPreviousAssets: the file is in target already
                        if (used.contains(name)) {
                            if (!Files.readSymbolicLink(entry).equals(dest.toAbsolutePath().normalize())) {
                                Files.copy(entry, dest, StandardCopyOption.REPLACE_EXISTING);
                            }
                            fresh.add(name);
                        }
                        Files.delete(entry);
                        continue;
                    }
                    fresh.add(name);
                    if (Files.isDirectory(dest)) {
                        deleteRecursively(dest);
                    }
                    move(entry, dest);
                }
            }
            try (Stream<Path> entries = Files.list(target)) {
                for (Path entry : entries.toList()) {
                    String name = entry.getFileName().toString();
                    if (!fresh.contains(name) && ASSEMBLY_ENTRY.matcher(name).matches()) {
                        deleteRecursively(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put the cloud assembly in " + target, e);
        }
        deleteRecursively(staged);
    }

    /** The staged assets the asset manifests in {@code assembly} and its nested assemblies name. */
    private static Set<String> assetSources(Path assembly) throws IOException {
        Set<String> used = new HashSet<>();
        try (Stream<Path> entries = Files.walk(assembly)) {
            for (Path manifest : entries.filter(p -> p.getFileName().toString().endsWith(".assets.json")).toList()) {
                Matcher m = ASSET_SOURCE.matcher(Files.readString(manifest));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        return used;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
