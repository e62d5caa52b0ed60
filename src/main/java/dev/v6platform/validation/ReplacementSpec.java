package dev.v6platform.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Which CloudFormation properties replace their resource when they change, from the resource database aws-cdk-lib is
 * generated from ({@code @aws-cdk/aws-service-spec}, pinned in package.json to the version aws-cdk-lib 2.271.0 was
 * built with; {@code npm ci} installs it). Each property, top-level or nested, is marked {@code yes}, {@code maybe}
 * or not at all.
 */
public final class ReplacementSpec {
    /** Where {@code npm ci} puts the database, relative to the project. */
    public static final Path DEFAULT_DB = Path.of("node_modules", "@aws-cdk", "aws-service-spec", "db.json.gz");

    /** Whether changing a property replaces its resource. */
    public enum Causes { NO, MAYBE, YES }

    /**
     * One property: whether it replaces, and the id of its nested type when it has one (directly, or as the element
     * of an array or map).
     *
     * @param causes     replacement on change
     * @param nestedType the type definition's id, or null
     * @param list       whether the value is an array of {@code nestedType}
     */
    public record Property(Causes causes, String nestedType, boolean list) {
    }

    private final Map<String, Map<String, Property>> resources;
    private final Map<String, Map<String, Property>> types;

    private ReplacementSpec(Map<String, Map<String, Property>> resources, Map<String, Map<String, Property>> types) {
        this.resources = resources;
        this.types = types;
    }

    private static ReplacementSpec defaultSpec;

    /** Reads the database at {@link #DEFAULT_DB}, once per JVM (15 MB of JSON). */
    public static synchronized ReplacementSpec load() {
        if (defaultSpec == null) {
            defaultSpec = load(DEFAULT_DB);
        }
        return defaultSpec;
    }

    /**
     * Reads the database.
     *
     * @throws IllegalStateException naming the file and the fix when it is missing or unreadable
     */
    public static ReplacementSpec load(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new IllegalStateException(db + " is missing; run 'npm ci' (package.json pins "
                    + "@aws-cdk/aws-service-spec)");
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(db), 1 << 16)) {
            ObjectMapper json = new ObjectMapper();
            JsonNode schema = json.readTree(in).path("schema");
            Map<String, Map<String, Property>> resources = new HashMap<>();
            for (JsonNode r : schema.path("resource").path("entities")) {
                resources.put(r.path("cloudFormationType").asText(), properties(r.path("properties")));
            }
            Map<String, Map<String, Property>> types = new HashMap<>();
            for (JsonNode t : schema.path("typeDefinition").path("entities")) {
                types.put(t.path("$id").asText(), properties(t.path("properties")));
            }
            if (resources.isEmpty()) {
                throw new IOException("no resources in it");
            }
            return new ReplacementSpec(resources, types);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + db + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Property> properties(JsonNode props) {
        Map<String, Property> out = new HashMap<>();
        props.properties().forEach(p -> {
            JsonNode v = p.getValue();
            String causes = v.path("causesReplacement").asText("");
            JsonNode type = v.path("type");
            boolean list = type.path("type").asText().equals("array");
            JsonNode inner = list || type.path("type").asText().equals("map") ? type.path("element") : type;
            String ref = inner.path("type").asText().equals("ref") ? inner.path("reference").path("$ref").asText()
                    : null;
            out.put(p.getKey(), new Property(causes.equals("yes") ? Causes.YES : causes.equals("maybe")
                    ? Causes.MAYBE : Causes.NO, ref, list));
        });
        return out;
    }

    /** Whether the database knows the resource type (custom resources are not in it). */
    public boolean knows(String resourceType) {
        return resources.containsKey(resourceType);
    }

    /** A top-level property of a resource type, if the database lists it. */
    public Optional<Property> property(String resourceType, String name) {
        return Optional.ofNullable(resources.getOrDefault(resourceType, Map.of()).get(name));
    }

    /** Every property of a nested type. */
    public Map<String, Property> nestedProperties(String typeId) {
        return types.getOrDefault(typeId, Map.of());
    }

    /** A property of a nested type, if the database lists it. */
    public Optional<Property> nested(String typeId, String name) {
        return Optional.ofNullable(types.getOrDefault(typeId, Map.of()).get(name));
    }
}
