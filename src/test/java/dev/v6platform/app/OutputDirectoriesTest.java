package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swapping a new cloud assembly in, and reusing the previous one's asset files instead of copying them again. */
class OutputDirectoriesTest {
    private static final String KEPT = "asset." + "a".repeat(64) + ".zip";
    private static final String DROPPED = "asset." + "b".repeat(64) + ".zip";

    @TempDir
    Path dir;

    @Test
    void the_previous_assets_are_linked_into_the_staging_directory() throws IOException {
        Path target = previousAssembly();
        Path staging = OutputDirectories.staging(target);

        OutputDirectories.linkPreviousAssets(staging, target);

        assertThat(Files.isSymbolicLink(staging.resolve(KEPT))).isTrue();
        assertThat(Files.readSymbolicLink(staging.resolve(KEPT))).isEqualTo(target.resolve(KEPT).toAbsolutePath());
        assertThat(Files.isSymbolicLink(staging.resolve(DROPPED))).isTrue();
        assertThat(staging.resolve("v6-dev.template.json")).doesNotExist();
        assertThat(staging.resolve("asset." + "c".repeat(64))).as("directories are staged by the CDK").doesNotExist();
    }

    @Test
    void a_used_asset_stays_in_place_and_an_unused_one_goes() throws IOException {
        Path target = previousAssembly();
        Object inode = Files.getAttribute(target.resolve(KEPT), "unix:ino");
        Path staging = OutputDirectories.staging(target);
        OutputDirectories.linkPreviousAssets(staging, target);
        Files.writeString(staging.resolve("v6-dev.assets.json"), "{\"files\": {\"" + "a".repeat(64)
                + "\": {\"source\": {\"path\": \"" + KEPT + "\", \"packaging\": \"file\"}}}}");
        Files.writeString(staging.resolve("v6-dev.template.json"), "{\"new\": true}");

        OutputDirectories.replaceAssembly(staging, target);

        assertThat(Files.isSymbolicLink(target.resolve(KEPT))).isFalse();
        assertThat(Files.getAttribute(target.resolve(KEPT), "unix:ino")).isEqualTo(inode);
        assertThat(target.resolve(KEPT)).hasContent("layer");
        assertThat(target.resolve(DROPPED)).doesNotExist();
        assertThat(target.resolve("v6-dev.template.json")).hasContent("{\"new\": true}");
        assertThat(target.resolve("read.1.lock")).as("not part of an assembly").exists();
        assertThat(staging).doesNotExist();
        try (Stream<Path> all = Files.walk(target)) {
            assertThat(all.filter(Files::isSymbolicLink)).isEmpty();
        }
    }

    @Test
    void an_asset_a_nested_assembly_uses_stays_too() throws IOException {
        Path target = previousAssembly();
        Path staging = OutputDirectories.staging(target);
        OutputDirectories.linkPreviousAssets(staging, target);
        Path nested = Files.createDirectories(staging.resolve("assembly-v6-Stage"));
        Files.writeString(nested.resolve("v6-Stage-dev.assets.json"), "{\"path\": \"../" + KEPT + "\"}");

        OutputDirectories.replaceAssembly(staging, target);

        assertThat(target.resolve(KEPT)).hasContent("layer");
        assertThat(target.resolve(DROPPED)).doesNotExist();
    }

    @Test
    void an_asset_linked_from_elsewhere_is_copied_in() throws IOException {
        Path target = Files.createDirectories(dir.resolve("cdk.out"));
        Path elsewhere = Files.writeString(dir.resolve("layer.zip"), "other layer");
        Path staging = OutputDirectories.staging(target);
        Files.createSymbolicLink(staging.resolve(KEPT), elsewhere);
        Files.writeString(staging.resolve("v6-dev.assets.json"), "{\"path\": \"" + KEPT + "\"}");

        OutputDirectories.replaceAssembly(staging, target);

        assertThat(Files.isSymbolicLink(target.resolve(KEPT))).isFalse();
        assertThat(target.resolve(KEPT)).hasContent("other layer");
    }

    @Test
    void without_a_previous_assembly_nothing_is_linked() throws IOException {
        Path target = dir.resolve("cdk.out");
        Path staging = OutputDirectories.staging(target);

        OutputDirectories.linkPreviousAssets(staging, target);

        try (Stream<Path> entries = Files.list(staging)) {
            assertThat(entries).isEmpty();
        }
    }

    private Path previousAssembly() throws IOException {
        Path target = Files.createDirectories(dir.resolve("cdk.out"));
        Files.writeString(target.resolve(KEPT), "layer");
        Files.writeString(target.resolve(DROPPED), "old layer");
        Files.createDirectories(target.resolve("asset." + "c".repeat(64)));
        Files.writeString(target.resolve("v6-dev.template.json"), "{}");
        Files.writeString(target.resolve("read.1.lock"), "");
        return target;
    }
}
