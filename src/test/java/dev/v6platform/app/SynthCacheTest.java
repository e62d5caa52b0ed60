package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synth cache on the fixtures: a synth of unchanged inputs takes every environment from it and writes the
 * bytes a synth without it writes; an edited environment is synthesized again, alone, and the result is again the
 * bytes of a synth without a cache.
 */
class SynthCacheTest {
    static Path root;
    static Path stacks = FixtureSynthesis.STACKS;
    static Path cacheDir;
    static PlatformSynthesis.Result first;
    static PlatformSynthesis.Result second;

    @BeforeAll
    static void synthesizeTwice() {
        root = FixtureSynthesis.fresh("synth-cache");
        cacheDir = root.resolve("cache");
        FixtureSynthesis.linkFixtureAssets(root.resolve("first").resolve("cdk.out"));
        first = run(FixtureSynthesis.environments(), FixtureSynthesis.plan(), "first", stacks);
        second = run(FixtureSynthesis.environments(), FixtureSynthesis.plan(), "second", stacks);
    }

    static Path copy(Path from, Path to, List<String> names) throws IOException {
        Files.createDirectories(to);
        for (String name : names) {
            Files.copy(from.resolve(name), to.resolve(name));
        }
        return to;
    }

    static PlatformSynthesis.Result run(List<EnvironmentConfig> envs, AddressPlan plan, String out, Path dir) {
        Path target = root.resolve(out);
        return PlatformSynthesis.run(envs, plan, target.resolve("cdk.out"), target.resolve("dist"), r -> { },
                Set.of(), staged -> { }, Optional.of(cache(dir)));
    }

    static SynthCache cache(Path dir) {
        return SynthCache.open(cacheDir, List.of(dir.resolve(Main.NETWORK_FILE)), Map.of());
    }

    @Test
    void the_first_synth_builds_every_environment_and_writes_what_a_synth_without_a_cache_writes() {
        assertThat(first.cached()).isEmpty();
        assertThat(first.stacks()).containsOnlyKeys("dev-euw1", "dev-use1", "prod-euw1", "prod-use1");
        assertSameFiles(first.cdkOut(), FixtureSynthesis.get().cdkOut());
        assertSameFiles(first.dist(), FixtureSynthesis.get().dist());
    }

    @Test
    void a_synth_of_unchanged_inputs_takes_every_environment_from_the_cache_and_writes_the_same_bytes() {
        assertThat(second.cached()).containsExactly("dev-euw1", "dev-use1", "prod-euw1", "prod-use1");
        assertThat(second.app()).isNull();
        assertSameFiles(second.cdkOut(), FixtureSynthesis.get().cdkOut());
        assertSameFiles(second.dist(), FixtureSynthesis.get().dist());
    }

    @Test
    void an_edited_environment_is_synthesized_again_alone_and_the_output_is_that_of_a_synth_without_a_cache()
            throws IOException {
        // two environments in two regions: the validation report words a rule after the first template's finding
        Path dir = copy(stacks, root.resolve("edited-stacks"), List.of("dev-euw1.yaml", "dev-use1.yaml",
                Main.NETWORK_FILE, Main.LOCK_FILE));
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(dir);
        PlatformSynthesis.Result before = run(envs, FixtureSynthesis.plan(dir, envs), "edited", dir);
        assertThat(before.cached()).isEmpty();

        // the first environment: the cached second one was worded after it, and still is
        editTags(dir.resolve("dev-euw1.yaml"));
        PlatformSynthesis.Result first = runAndCompare(dir, "edited", "edited-plain-1");
        assertThat(first.stacks()).containsOnlyKeys("dev-euw1");
        assertThat(first.cached()).containsExactly("dev-use1");
        assertThat(read(first.cdkOut().resolve("v6-dev-euw1.template.json"))).contains("\"edited\"");

        // the second environment
        editTags(dir.resolve("dev-use1.yaml"));
        PlatformSynthesis.Result second = runAndCompare(dir, "edited", "edited-plain-2");
        assertThat(second.stacks()).containsOnlyKeys("dev-use1");
        assertThat(second.cached()).containsExactly("dev-euw1");
        assertThat(read(second.cdkOut().resolve("v6-dev-use1.template.json"))).contains("\"edited\"");
    }

    static void editTags(Path file) throws IOException {
        Files.writeString(file, Files.readString(file).replaceFirst("(?m)^tags:\\n", "tags:\n  edited: \"yes\"\n"));
    }

    /** Synthesizes {@code dir} with the cache into {@code out}, and without it into {@code plain}: same bytes. */
    static PlatformSynthesis.Result runAndCompare(Path dir, String out, String plain) {
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(dir);
        AddressPlan plan = FixtureSynthesis.plan(dir, envs);
        PlatformSynthesis.Result cached = run(envs, plan, out, dir);
        Path reference = root.resolve(plain);
        FixtureSynthesis.linkFixtureAssets(reference.resolve("cdk.out"));
        PlatformSynthesis.run(envs, plan, reference.resolve("cdk.out"), reference.resolve("dist"));
        assertSameFiles(cached.cdkOut(), reference.resolve("cdk.out"));
        assertSameFiles(cached.dist(), reference.resolve("dist"));
        return cached;
    }

    @Test
    void a_report_with_findings_acknowledged_in_one_stack_reads_as_the_cdk_writes_it_cached_or_not()
            throws IOException {
        // dev-use1's endpoint open to the internet with a reason: acknowledged findings of cdk-nag and the platform
        // rules in one stack only; dev-euw1 first, so CloudFormation Validate words dev-use1's W3010 after it
        Path dir = copy(stacks, root.resolve("acknowledged-stacks"), List.of("dev-euw1.yaml", "dev-use1.yaml",
                Main.NETWORK_FILE, Main.LOCK_FILE));
        Path file = dir.resolve("dev-use1.yaml");
        Files.writeString(file, Files.readString(file).replace(
                "publicAccessCidrs: [198.51.100.0/24, \"2001:db8:1000::/48\"]",
                "publicAccessCidrs: [0.0.0.0/0, \"::/0\"]\n    publicAccessReason: \"a test of acknowledged "
                        + "findings\""));
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(dir);
        AddressPlan plan = FixtureSynthesis.plan(dir, envs);
        Path nativeOut = root.resolve("acknowledged-native");
        PlatformSynthesis.build(envs, plan, nativeOut.resolve("cdk.out"), nativeOut.resolve("dist")).app().synth();

        PlatformSynthesis.Result built = run(envs, plan, "acknowledged-built", dir);
        PlatformSynthesis.Result cached = run(envs, plan, "acknowledged-cached", dir);
        List<EnvironmentConfig> second = envs.stream().filter(e -> e.name().equals("dev-use1")).toList();
        PlatformSynthesis.Result alone = run(second, plan, "acknowledged-alone", dir);
        Path plain = root.resolve("acknowledged-alone-plain");
        PlatformSynthesis.run(second, plan, plain.resolve("cdk.out"), plain.resolve("dist"));

        String report = read(built.cdkOut().resolve(AssemblyParts.REPORT));
        assertThat(report).contains("V6-EKS-PUBLIC-ENDPOINT", "W3010");
        assertThat(report).isEqualTo(read(nativeOut.resolve("cdk.out").resolve(AssemblyParts.REPORT)));
        assertThat(cached.cached()).containsExactly("dev-euw1", "dev-use1");
        assertSameFiles(cached.cdkOut(), built.cdkOut());
        // cached dev-use1 is worded after dev-euw1: alone, it is built again and worded after itself
        assertThat(alone.cached()).isEmpty();
        assertSameFiles(alone.cdkOut(), plain.resolve("cdk.out"));
        assertThat(read(alone.cdkOut().resolve(AssemblyParts.REPORT))).contains("us-east-1a");
    }

    @Test
    void a_file_saved_while_a_synth_runs_keeps_that_synths_output_out_of_the_cache() throws IOException {
        Path dir = copy(stacks, root.resolve("race-stacks"), List.of("dev-euw1.yaml", Main.NETWORK_FILE,
                Main.LOCK_FILE));
        Map<Path, String> read = SynthCache.snapshot(dir);
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(dir);
        AddressPlan plan = FixtureSynthesis.plan(dir, envs);
        List<Path> shared = List.of(dir.resolve(Main.NETWORK_FILE));
        SynthCache cache = SynthCache.open(cacheDir, shared, Map.of(), read);
        String key = cache.key(envs, plan);
        assertThat(cache.unchanged(envs)).isTrue();

        Path file = dir.resolve("dev-euw1.yaml");
        Files.writeString(file, Files.readString(file) + "\n# saved while the synth ran\n");

        assertThat(cache.unchanged(envs)).isFalse();
        assertThat(cache.key(envs, plan)).as("the key of the bytes the synth read").isEqualTo(key);
        assertThat(SynthCache.open(cacheDir, shared, Map.of(), SynthCache.snapshot(dir)).key(envs, plan))
                .isNotEqualTo(key);
    }

    @Test
    void the_key_follows_the_inputs_and_not_where_output_goes() throws IOException {
        EnvironmentConfig env = FixtureSynthesis.environments().get(0);
        List<EnvironmentConfig> group = List.of(env);
        AddressPlan plan = FixtureSynthesis.plan();
        List<Path> shared = List.of(stacks.resolve(Main.NETWORK_FILE));
        Map<String, String> cli = new LinkedHashMap<>(Map.of("CDK_CONTEXT_JSON", "{\"a\":1}", "CDK_OUTDIR", "cdk.out"));
        String key = SynthCache.open(cacheDir, shared, cli).key(group, plan);

        Map<String, String> elsewhere = new LinkedHashMap<>(cli);
        elsewhere.putAll(Map.of("CDK_OUTDIR", "/tmp/other", "V6_TIMINGS", "1", "HOME", "/home/someone",
                "JSII_RUNTIME_PACKAGE_CACHE_ROOT", "/tmp/jsii"));
        assertThat(SynthCache.open(cacheDir, shared, elsewhere).key(group, plan)).isEqualTo(key);

        Map<String, String> context = new LinkedHashMap<>(cli);
        context.put("CDK_CONTEXT_JSON", "{\"a\":2}");
        assertThat(SynthCache.open(cacheDir, shared, context).key(group, plan)).isNotEqualTo(key);
        Map<String, String> validation = new LinkedHashMap<>(cli);
        validation.put("CDK_VALIDATION", "false");
        assertThat(SynthCache.open(cacheDir, shared, validation).key(group, plan)).isNotEqualTo(key);

        Path network = root.resolve("network-copy.yaml");
        Files.writeString(network, read(shared.get(0)) + "\n# edited\n");
        assertThat(SynthCache.open(cacheDir, List.of(network), cli).key(group, plan)).isNotEqualTo(key);

        // context the CLI moved to a file: its bytes, not its name
        Path overflow = root.resolve("context-overflow.json");
        Files.writeString(overflow, "{\"b\":1}");
        Map<String, String> moved = new LinkedHashMap<>(cli);
        moved.put("CONTEXT_OVERFLOW_LOCATION_ENV", overflow.toString());
        String movedKey = SynthCache.open(cacheDir, shared, moved).key(group, plan);
        assertThat(movedKey).isNotEqualTo(key);
        Files.writeString(overflow, "{\"b\":2}");
        assertThat(SynthCache.open(cacheDir, shared, moved).key(group, plan)).isNotEqualTo(movedKey);

        // the environment's context file, written by the refresh step
        Path dir = copy(stacks, root.resolve("context-stacks"), List.of("dev-euw1.yaml", Main.NETWORK_FILE,
                Main.LOCK_FILE));
        EnvironmentConfig copied = EnvironmentLoader.loadDirectory(dir).get(0);
        String withoutContext = SynthCache.open(cacheDir, shared, cli).key(List.of(copied), plan);
        Files.createDirectories(dir.resolve("context"));
        Files.writeString(dir.resolve("context/dev-euw1.json"), "{}");
        assertThat(SynthCache.open(cacheDir, shared, cli).key(List.of(copied), plan)).isNotEqualTo(withoutContext);

        // another environment's slice of the plan: the same file bytes on other addresses give another key
        EnvironmentConfig other = FixtureSynthesis.environments().get(1);
        assertThat(SynthCache.open(cacheDir, shared, cli).key(List.of(other), plan)).isNotEqualTo(key);
    }

    @Test
    void an_entry_whose_assets_are_gone_or_whose_index_is_broken_is_not_used() throws IOException {
        SynthCache cache = cache(stacks);
        String key = cache.key(List.of(FixtureSynthesis.environments().get(0)), FixtureSynthesis.plan());
        Path nowhere = root.resolve("no-assembly");
        assertThat(cache.lookup(key, nowhere, List.of("dev-euw1"))).isPresent();

        Path entry = cacheDir.resolve("entries").resolve(key);
        String asset = cache.lookup(key, nowhere, List.of("dev-euw1")).orElseThrow().parts().get(0).assets().get(0);
        Path kept = cacheDir.resolve("assets").resolve(asset);
        Path aside = root.resolve("asset-aside");
        Files.move(kept, aside);
        try {
            assertThat(cache.lookup(key, nowhere, List.of("dev-euw1"))).isEmpty();
            // the asset in the current assembly serves as well
            assertThat(cache.lookup(key, second.cdkOut(), List.of("dev-euw1"))).isPresent();
        } finally {
            Files.move(aside, kept);
        }
        Path index = entry.resolve("parts.json");
        String text = read(index);
        try {
            Files.writeString(index, text.substring(0, text.length() / 2));
            assertThat(cache.lookup(key, nowhere, List.of("dev-euw1"))).isEmpty();
        } finally {
            Files.writeString(index, text);
        }
        assertThat(cache.lookup(key, nowhere, List.of("dev-euw1"))).isPresent();
    }

    @Test
    void only_the_recently_used_entries_are_kept_with_the_assets_they_name() throws IOException {
        Path dir = root.resolve("prune");
        Path assembly = Files.createDirectories(dir.resolve("assembly"));
        SynthCache cache = SynthCache.open(dir.resolve("cache"), List.of(), Map.of());
        long base = System.currentTimeMillis() - 2 * 86_400_000L;
        for (int i = 0; i < SynthCache.KEEP; i++) {
            String asset = "asset." + "%064d".formatted(i) + ".zip";
            Files.writeString(assembly.resolve(asset), "layer " + i);
            AssemblyParts.StackPart part = new AssemblyParts.StackPart("v6-env" + i,
                    JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.nullNode(),
                    JsonNodeFactory.instance.objectNode(), List.of(), List.of(asset));
            cache.store("key" + i, List.of(part), assembly, List.of(), dir.resolve("dist"));
            Files.setLastModifiedTime(dir.resolve("cache/entries/key" + i), FileTime.fromMillis(base + i * 1000L));
        }
        // the oldest entry was used a moment ago: it stays, and key1 (now the oldest) goes with its asset
        Files.setLastModifiedTime(dir.resolve("cache/entries/key0"), FileTime.fromMillis(base + 100_000L));
        Path empty = Files.createDirectories(dir.resolve("no-assembly"));
        Files.writeString(assembly.resolve("asset." + "%064d".formatted(99) + ".zip"), "layer 99");
        cache.store("key99", List.of(new AssemblyParts.StackPart("v6-env99", JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.nullNode(), JsonNodeFactory.instance.objectNode(), List.of(), List.of(
                "asset." + "%064d".formatted(99) + ".zip"))), assembly, List.of(), dir.resolve("dist"));

        try (Stream<Path> entries = Files.list(dir.resolve("cache/entries"))) {
            assertThat(entries.count()).isEqualTo(SynthCache.KEEP);
        }
        assertThat(cache.lookup("key0", empty, List.of())).isPresent();
        assertThat(cache.lookup("key1", empty, List.of())).isEmpty();
        assertThat(cache.lookup("key2", empty, List.of())).isPresent();
        assertThat(dir.resolve("cache/assets/asset." + "%064d".formatted(1) + ".zip")).doesNotExist();
        assertThat(dir.resolve("cache/assets/asset." + "%064d".formatted(0) + ".zip")).exists();
    }

    @Test
    void environments_sharing_a_regional_workspace_are_one_group() throws IOException {
        Path dir = copy(FixtureSynthesis.STACKS, root.resolve("regional-stacks"), List.of("dev-euw1.yaml",
                "dev-use1.yaml", "prod-euw1.yaml", "prod-use1.yaml", Main.NETWORK_FILE, Main.LOCK_FILE));
        for (String f : List.of("dev-use1.yaml", "prod-use1.yaml")) {
            Path p = dir.resolve(f);
            Files.writeString(p, Files.readString(p).replaceFirst("(?m)^metrics:\\n  retentionDays: \\d+",
                    "metrics:\n  workspace: region\n  retentionDays: 400"));
        }
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(dir);

        List<List<String>> groups = PlatformSynthesis.groups(envs).stream().map(g -> g.stream()
                .map(EnvironmentConfig::name).toList()).toList();

        assertThat(groups).containsExactly(List.of("dev-euw1"), List.of("dev-use1", "prod-use1"),
                List.of("prod-euw1"));
        assertThat(PlatformSynthesis.groups(FixtureSynthesis.environments())).hasSize(4);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }

    static void assertSameFiles(Path actual, Path expected) {
        Map<String, byte[]> a = FixtureSynthesis.files(actual);
        Map<String, byte[]> e = FixtureSynthesis.files(expected);
        assertThat(a.keySet()).containsExactlyElementsOf(e.keySet());
        e.forEach((name, bytes) -> assertThat(a.get(name)).as(name).isEqualTo(bytes));
    }
}
