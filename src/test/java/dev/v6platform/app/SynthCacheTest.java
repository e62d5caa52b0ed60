package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    static Path stacks;
    static Path cacheDir;
    static Path plain;
    static PlatformSynthesis.Result first;
    static PlatformSynthesis.Result second;

    @BeforeAll
    static void synthesizeTwice() throws IOException {
        root = FixtureSynthesis.fresh("synth-cache");
        stacks = copy(FixtureSynthesis.STACKS, root.resolve("stacks"));
        cacheDir = root.resolve("cache");
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(stacks);
        AddressPlan plan = FixtureSynthesis.plan(stacks, envs);
        plain = root.resolve("plain");
        PlatformSynthesis.run(envs, plan, plain.resolve("cdk.out"), plain.resolve("dist"));
        first = run(envs, plan, "first");
        second = run(envs, plan, "second");
    }

    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    static PlatformSynthesis.Result run(List<EnvironmentConfig> envs, AddressPlan plan, String out) {
        Path dir = root.resolve(out);
        return PlatformSynthesis.run(envs, plan, dir.resolve("cdk.out"), dir.resolve("dist"), r -> { }, Set.of(),
                staged -> { }, Optional.of(cache()));
    }

    static SynthCache cache() {
        return SynthCache.open(cacheDir, List.of(stacks.resolve(Main.NETWORK_FILE)), Map.of());
    }

    @Test
    void the_first_synth_builds_every_environment_and_writes_what_a_synth_without_a_cache_writes() {
        assertThat(first.cached()).isEmpty();
        assertThat(first.stacks()).containsOnlyKeys("dev-euw1", "dev-use1", "prod-euw1", "prod-use1");
        assertSameFiles(first.cdkOut(), plain.resolve("cdk.out"));
        assertSameFiles(first.dist(), plain.resolve("dist"));
    }

    @Test
    void a_synth_of_unchanged_inputs_takes_every_environment_from_the_cache_and_writes_the_same_bytes() {
        assertThat(second.cached()).containsExactly("dev-euw1", "dev-use1", "prod-euw1", "prod-use1");
        assertThat(second.app()).isNull();
        assertSameFiles(second.cdkOut(), plain.resolve("cdk.out"));
        assertSameFiles(second.dist(), plain.resolve("dist"));
    }

    @Test
    void an_edited_environment_is_synthesized_again_alone_and_the_output_is_that_of_a_synth_without_a_cache()
            throws IOException {
        Path file = stacks.resolve("dev-use1.yaml");
        String original = Files.readString(file);
        PlatformSynthesis.Result partial;
        Path plain = root.resolve("edited-plain");
        try {
            Files.writeString(file, original.replaceFirst("(?m)^tags:\\n", "tags:\n  edited: \"yes\"\n"));
            List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(stacks);
            AddressPlan plan = FixtureSynthesis.plan(stacks, envs);

            partial = run(envs, plan, "edited");
            PlatformSynthesis.run(envs, plan, plain.resolve("cdk.out"), plain.resolve("dist"));
        } finally {
            Files.writeString(file, original);
        }

        assertThat(partial.stacks()).containsOnlyKeys("dev-use1");
        assertThat(partial.cached()).containsExactly("dev-euw1", "prod-euw1", "prod-use1");
        assertThat(read(partial.cdkOut().resolve("v6-dev-use1.template.json"))).contains("\"edited\"");
        assertSameFiles(partial.cdkOut(), plain.resolve("cdk.out"));
        assertSameFiles(partial.dist(), plain.resolve("dist"));
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
        elsewhere.putAll(Map.of("CDK_OUTDIR", "/tmp/other", "V6_TIMINGS", "1", "HOME", "/home/someone"));
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

        // another environment's slice of the plan: the same file bytes on other addresses give another key
        EnvironmentConfig other = FixtureSynthesis.environments().get(1);
        assertThat(SynthCache.open(cacheDir, shared, cli).key(List.of(other), plan)).isNotEqualTo(key);
    }

    @Test
    void an_entry_whose_assets_are_gone_or_whose_index_is_broken_is_not_used() throws IOException {
        SynthCache cache = cache();
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(stacks);
        String key = cache.key(List.of(envs.get(0)), FixtureSynthesis.plan(stacks, envs));
        Path nowhere = root.resolve("no-assembly");
        assertThat(cache.lookup(key, nowhere)).isPresent();

        Path entry = cacheDir.resolve("entries").resolve(key);
        String asset = cache.lookup(key, nowhere).orElseThrow().parts().get(0).assets().get(0);
        Path kept = cacheDir.resolve("assets").resolve(asset);
        Path aside = root.resolve("asset-aside");
        Files.move(kept, aside);
        try {
            assertThat(cache.lookup(key, nowhere)).isEmpty();
            // the asset in the current assembly serves as well
            assertThat(cache.lookup(key, second.cdkOut())).isPresent();
        } finally {
            Files.move(aside, kept);
        }
        Path index = entry.resolve("parts.json");
        String text = read(index);
        try {
            Files.writeString(index, text.substring(0, text.length() / 2));
            assertThat(cache.lookup(key, nowhere)).isEmpty();
        } finally {
            Files.writeString(index, text);
        }
        assertThat(cache.lookup(key, nowhere)).isPresent();
    }

    @Test
    void environments_sharing_a_regional_workspace_are_one_group() throws IOException {
        Path dir = copy(FixtureSynthesis.STACKS, root.resolve("regional-stacks"));
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
