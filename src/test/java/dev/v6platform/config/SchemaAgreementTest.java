package dev.v6platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.UserStacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** stacks/schema.json and the parser accept and refuse the same files. */
class SchemaAgreementTest {
    /**
     * Bad files whose problem a JSON Schema cannot see, with the reason: they never reach a schema validator as a
     * document, or the check needs more than one field.
     */
    static final Map<String, String> PARSER_ONLY = Map.ofEntries(
            Map.entry("broken-yaml", "not a YAML document"),
            Map.entry("empty", "no document"),
            Map.entry("comments-only", "no document"),
            Map.entry("duplicate-key", "YAML loaders keep the last value of a duplicate key"),
            Map.entry("zone-of-another-region", "relates two fields (zone prefix = region)"),
            Map.entry("region-unknown", "a region the context confirms is accepted too"),
            Map.entry("karpenter-unknown-family", "needs EC2's list of instance categories"),
            Map.entry("karpenter-expire-beyond-go", "adds up a duration"),
            Map.entry("karpenter-budget-duration-beyond-go", "adds up a duration"),
            Map.entry("cluster-overlapping-public-cidrs", "compares ranges"),
            Map.entry("zone-ids-without-context", "needs the committed context (stacks/context/)"),
            Map.entry("cluster-addon-default-without-context", "needs the committed context (stacks/context/)"),
            Map.entry("cluster-kube-proxy-mismatch", "relates two fields (kube-proxy minor = kubernetesVersion)"),
            Map.entry("cluster-impossible-sizes", "relates two fields (minSize <= maxSize)"),
            Map.entry("cluster-world-in-disguise", "adds up ranges"),
            Map.entry("cluster-admin-is-viewer", "relates two lists"),
            Map.entry("cluster-old-vpc-cni", "compares versions"),
            Map.entry("karpenter-family-contradicts-arch", "relates families to the architecture"),
            Map.entry("karpenter-budget-without-duration", "relates two fields (schedule needs duration)"),
            Map.entry("buildkit-nodepool-of-other-arch", "relates buildkit to karpenter pools"),
            Map.entry("buildkit-missing-nodepool", "relates buildkit to karpenter pools"),
            Map.entry("buildkit-max-below-min", "relates two fields (minReplicas <= maxReplicas)"),
            Map.entry("buildkit-beyond-nodepool-limit", "multiplies quantities across sections"),
            Map.entry("buildkit-beyond-nodepool-memory", "multiplies quantities across sections"),
            Map.entry("buildkit-cache-below-gc-reserve", "computes the GC sizes from the volume"),
            Map.entry("buildkit-two-pools-one-arch", "relates list items (one pool per architecture)"),
            Map.entry("buildkit-unknown-client-namespace", "relates buildkit clients to namespaces"),
            Map.entry("buildkit-pool-without-grace-period", "relates buildkit to karpenter pools"),
            Map.entry("buildkit-cert-manager-long-lived-nodes", "relates buildkit TLS to karpenter pools"),
            Map.entry("metrics-bad-regex", "compiles regexes"),
            Map.entry("metrics-lookahead-regex", "knows which regex features RE2 lacks"),
            Map.entry("metrics-rename-not-allowed", "relates renames to the allowlist"),
            Map.entry("metrics-two-renames-one-name", "relates list items (rename targets)"),
            Map.entry("metrics-job-budgets-over-total", "adds up the job budgets"));

    static JsonSchema schema;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void loadSchema() throws IOException {
        JsonNode node = JSON.readTree(Path.of("stacks/schema.json").toFile());
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(node);
    }

    /** The fixtures' environment files and the user's, whatever they are. */
    static Stream<Path> samples() throws IOException {
        return Stream.concat(environmentFiles(FixtureSynthesis.STACKS), environmentFiles(UserStacks.STACKS));
    }

    static Stream<Path> environmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !EnvironmentLoader.SHARED_FILES.contains(p.getFileName().toString())).sorted()
                    .toList().stream();
        }
    }

    static Stream<Path> badFiles() throws IOException {
        return Files.list(EnvironmentLoaderTest.BAD).sorted();
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("samples")
    void schema_and_parser_accept_every_sample(Path sample) throws IOException {
        assertThat(EnvironmentLoader.loadFile(sample).name()).isNotBlank();
        assertThat(validate(sample)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void schema_and_parser_refuse_every_bad_file(Path bad) throws IOException {
        String name = bad.getFileName().toString().replace(".yaml", "");

        assertThatThrownBy(() -> EnvironmentLoader.loadFile(bad)).isInstanceOf(ConfigException.class);
        if (!PARSER_ONLY.containsKey(name)) {
            assertThat(validate(bad)).as("schema errors for " + name).isNotEmpty();
        }
    }

    @Test
    void schema_lists_exactly_the_keys_the_parser_allows() throws IOException {
        JsonNode root = JSON.readTree(Path.of("stacks/schema.json").toFile());
        List<String> keys = new ArrayList<>();
        Iterator<String> it = root.get("properties").fieldNames();
        it.forEachRemaining(keys::add);

        assertThatThrownBy(() -> EnvironmentLoader.loadFile(EnvironmentLoaderTest.BAD.resolve("unknown-key.yaml")))
                .hasMessageContaining("allowed keys here: " + String.join(", ", keys));
        assertThat(root.at("/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void schema_refuses_an_unknown_key_like_the_parser() throws IOException {
        Path bad = EnvironmentLoaderTest.BAD.resolve("unknown-key.yaml");

        assertThat(validate(bad)).anyMatch(m -> m.contains("regoin"));
    }

    private static List<String> validate(Path file) throws IOException {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        Set<ValidationMessage> messages = schema.validate(JSON.valueToTree(doc));
        return messages.stream().map(ValidationMessage::getMessage).toList();
    }
}
