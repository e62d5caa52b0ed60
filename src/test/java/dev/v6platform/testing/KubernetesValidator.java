package dev.v6platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Strict validation of Kubernetes objects against the official schemas in {@code ../shared/schemas}: the
 * Kubernetes v1.35 OpenAPI for built-in kinds and the Karpenter CRDs for theirs. Strict as
 * {@code kubectl apply --validate=strict}: unknown fields are errors; types, required fields, enums and patterns
 * are checked; CRD objects are also checked against their {@code x-kubernetes-validations} CEL rules (rules that
 * use {@code oldSelf} only apply to updates and are skipped), and lists of type {@code map} must have unique keys.
 * An unknown apiVersion/kind is an error too.
 */
public final class KubernetesValidator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static volatile KubernetesValidator shared;

    private final ObjectNode definitions;
    private final Map<String, String> builtInKinds = new HashMap<>();
    private final Map<String, ObjectNode> crdSchemas = new HashMap<>();
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();
    private final Map<String, CelAbstractSyntaxTree> rules = new ConcurrentHashMap<>();
    private final Cel cel;

    private KubernetesValidator(Path schemasDir) throws IOException {
        JsonNode swagger = JSON.readTree(schemasDir.resolve("kubernetes/swagger-v1.35.json").toFile());
        this.definitions = (ObjectNode) swagger.get("definitions");
        definitions.set("io.k8s.apimachinery.pkg.util.intstr.IntOrString", types("integer", "string"));
        definitions.set("io.k8s.apimachinery.pkg.api.resource.Quantity", types("string", "number"));
        Iterator<Map.Entry<String, JsonNode>> it = definitions.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> def = it.next();
            strictify(def.getValue());
            JsonNode gvks = def.getValue().get("x-kubernetes-group-version-kind");
            if (gvks != null) {
                for (JsonNode gvk : gvks) {
                    String group = gvk.get("group").asText();
                    String apiVersion = group.isEmpty() ? gvk.get("version").asText()
                            : group + "/" + gvk.get("version").asText();
                    builtInKinds.putIfAbsent(apiVersion + "/" + gvk.get("kind").asText(), def.getKey());
                }
            }
        }
        YAMLMapper yaml = new YAMLMapper();
        List<Path> crdFiles = new ArrayList<>();
        try (var files = Files.list(schemasDir.resolve("karpenter"))) {
            crdFiles.addAll(files.sorted().toList());
        }
        // hand-written schemas of the few third-party kinds the platform emits (see the files' headers)
        try (var files = Files.list(Path.of("src/test/resources/crds"))) {
            crdFiles.addAll(files.sorted().toList());
        }
        for (Path file : crdFiles) {
            JsonNode crd = yaml.readTree(file.toFile());
            String group = crd.at("/spec/group").asText();
            String kind = crd.at("/spec/names/kind").asText();
            for (JsonNode version : crd.at("/spec/versions")) {
                ObjectNode schema = (ObjectNode) version.at("/schema/openAPIV3Schema").deepCopy();
                crdSchemas.put(group + "/" + version.get("name").asText() + "/" + kind, schema);
            }
        }
        this.cel = CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.lists())
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.lists())
                .addVar("self", SimpleType.DYN)
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("find",
                        CelOverloadDecl.newMemberOverload("string_find_string", SimpleType.STRING,
                                SimpleType.STRING, SimpleType.STRING)))
                .addFunctionBindings(CelFunctionBinding.from("string_find_string", String.class, String.class,
                        (s, re) -> {
                            Matcher m = Pattern.compile(re).matcher(s);
                            return m.find() ? m.group() : "";
                        }))
                .build();
    }

    /**
     * Where the schemas are: {@code -Dv6.schemas}, {@code $V6_SCHEMAS}, {@code ../shared/schemas}, or, in a clone
     * of a local repository (CI's clean clone), {@code ../shared/schemas} beside that repository.
     */
    static Optional<Path> schemasDir() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("v6.schemas")).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("V6_SCHEMAS")).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of("../shared/schemas"));
        try {
            Process git = new ProcessBuilder("git", "config", "--get", "remote.origin.url")
                    .redirectErrorStream(true).start();
            String origin = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (git.waitFor() == 0 && !origin.isEmpty() && Files.isDirectory(Path.of(origin))) {
                candidates.add(Path.of(origin).resolve("../shared/schemas").normalize());
            }
        } catch (IOException e) {
            // no git: only the other places count
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return candidates.stream().filter(Files::isDirectory).findFirst();
    }

    /** The validator for the repository's {@code ../shared/schemas}, loaded once per JVM. */
    public static KubernetesValidator shared() {
        if (shared == null) {
            synchronized (KubernetesValidator.class) {
                if (shared == null) {
                    Path dir = schemasDir().orElseThrow(() -> new IllegalStateException("the Kubernetes "
                            + "schemas are missing: the test suite needs ../shared/schemas beside the repo (or beside "
                            + "the local repository it was cloned from), -Dv6.schemas=DIR or V6_SCHEMAS=DIR"));
                    try {
                        shared = new KubernetesValidator(dir);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return shared;
    }

    /** Problems with every object of a multi-document YAML file; empty when all are valid. */
    public List<String> validateFile(Path file) {
        List<String> problems = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            int index = 0;
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                if (doc == null) {
                    continue;
                }
                for (String p : validate(doc)) {
                    problems.add(file.getFileName() + " document " + index + ": " + p);
                }
                index++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems;
    }

    /**
     * Problems with every {@code *.k8s.yaml} file below {@code dir}, with how many files were checked.
     *
     * @param files    the files checked
     * @param problems their problems; empty when every object is valid
     */
    public record TreeCheck(int files, List<String> problems) {
    }

    /** Checks every {@code *.k8s.yaml} file below {@code dir}, in path order. */
    public TreeCheck validateTree(Path dir) {
        List<String> problems = new ArrayList<>();
        int files = 0;
        try (var walk = Files.walk(dir)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".k8s.yaml")).sorted().toList()) {
                problems.addAll(validateFile(file));
                files++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TreeCheck(files, problems);
    }

    /** Problems with one object (as parsed YAML/JSON: maps, lists, scalars); empty when it is valid. */
    public List<String> validate(Object object) {
        JsonNode node = JSON.valueToTree(object);
        List<String> problems = new ArrayList<>();
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        String name = node.at("/metadata/name").asText("");
        String label = kind + " " + (name.isEmpty() ? "(unnamed)" : name);
        if (name.isEmpty()) {
            problems.add(label + ": metadata.name is required");
        }
        String key = apiVersion + "/" + kind;
        JsonSchema schema;
        ObjectNode crd = crdSchemas.get(key);
        if (builtInKinds.containsKey(key)) {
            schema = compiled.computeIfAbsent(key, k -> builtIn(builtInKinds.get(k)));
        } else if (crd != null) {
            schema = compiled.computeIfAbsent(key, k -> custom(crd));
        } else {
            problems.add(label + ": unknown apiVersion/kind '" + key + "'");
            return problems;
        }
        Set<String> messages = new TreeSet<>();
        for (ValidationMessage m : schema.validate(node)) {
            messages.add(m.getMessage());
        }
        messages.forEach(m -> problems.add(label + ": " + m));
        celAndLists(crd != null ? crd : definitions.get(builtInKinds.get(key)), node, "$", label, problems);
        return problems;
    }

    private JsonSchema builtIn(String definition) {
        ObjectNode root = NODES.objectNode();
        root.put("$ref", "#/definitions/" + definition);
        root.set("definitions", definitions);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root, config());
    }

    private JsonSchema custom(ObjectNode openApi) {
        ObjectNode root = openApi.deepCopy();
        adaptOpenApi(root);
        strictify(root);
        ObjectNode props = (ObjectNode) root.get("properties");
        props.set("metadata", NODES.objectNode().put("$ref", "#/definitions/" + OBJECT_META));
        root.set("definitions", definitions);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root, config());
    }

    private static SchemaValidatorsConfig config() {
        return SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
    }

    /** Unknown fields are errors: every object schema with properties gets additionalProperties: false. */
    private static void strictify(JsonNode schema) {
        if (!(schema instanceof ObjectNode obj)) {
            return;
        }
        boolean preserve = obj.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (obj.has("properties") && !obj.has("additionalProperties") && !preserve) {
            obj.put("additionalProperties", false);
        }
        obj.path("properties").forEach(KubernetesValidator::strictify);
        strictify(obj.get("items"));
        strictify(obj.get("additionalProperties"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            obj.path(combinator).forEach(KubernetesValidator::strictify);
        }
    }

    /** OpenAPI v3 extensions that JSON Schema does not know: int-or-string and nullable. */
    private static void adaptOpenApi(JsonNode schema) {
        if (!(schema instanceof ObjectNode obj)) {
            return;
        }
        if (obj.path("x-kubernetes-int-or-string").asBoolean(false)) {
            obj.remove("type");
            obj.set("type", NODES.arrayNode().add("integer").add("string"));
        }
        if (obj.path("nullable").asBoolean(false) && obj.has("type") && obj.get("type").isTextual()) {
            obj.set("type", NODES.arrayNode().add(obj.get("type").asText()).add("null"));
        }
        obj.path("properties").forEach(KubernetesValidator::adaptOpenApi);
        adaptOpenApi(obj.get("items"));
        adaptOpenApi(obj.get("additionalProperties"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            obj.path(combinator).forEach(KubernetesValidator::adaptOpenApi);
        }
    }

    private static ObjectNode types(String... names) {
        ArrayNode list = NODES.arrayNode();
        for (String n : names) {
            list.add(n);
        }
        ObjectNode node = NODES.objectNode();
        node.set("type", list);
        return node;
    }

    /** Walks schema and value together, evaluating CEL rules and list-map key uniqueness. */
    private void celAndLists(JsonNode schema, JsonNode value, String path, String label, List<String> problems) {
        if (schema == null || value == null || value.isNull()) {
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            schema = definitions.get(ref.substring(ref.lastIndexOf('/') + 1));
            if (schema == null) {
                return;
            }
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expr = rule.path("rule").asText();
            if (expr.contains("oldSelf")) {
                continue;
            }
            Object result;
            try {
                CelAbstractSyntaxTree ast = rules.computeIfAbsent(expr, this::compile);
                result = cel.createProgram(ast).eval(Map.of("self", toCel(value)));
            } catch (CelEvaluationException e) {
                result = "error: " + e.getMessage();
            }
            if (!Boolean.TRUE.equals(result)) {
                String message = rule.path("message").asText(expr);
                problems.add(label + ": " + path + ": " + message + " (rule: " + expr + ")");
            }
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode child = props.has(f.getKey()) ? props.get(f.getKey())
                        : schema.get("additionalProperties");
                if (child != null && child.isObject()) {
                    celAndLists(child, f.getValue(), path + "." + f.getKey(), label, problems);
                }
            }
        } else if (value.isArray()) {
            JsonNode items = schema.get("items");
            if ("map".equals(schema.path("x-kubernetes-list-type").asText())) {
                Set<String> seen = new TreeSet<>();
                for (JsonNode item : value) {
                    StringBuilder key = new StringBuilder();
                    schema.path("x-kubernetes-list-map-keys").forEach(k -> key.append(item.path(k.asText())).append('|'));
                    if (!seen.add(key.toString())) {
                        problems.add(label + ": " + path + ": duplicate entry with keys " + key);
                    }
                }
            }
            int i = 0;
            for (JsonNode item : value) {
                celAndLists(items, item, path + "[" + i++ + "]", label, problems);
            }
        }
    }

    private CelAbstractSyntaxTree compile(String expr) {
        try {
            return cel.compile(expr).getAst();
        } catch (CelValidationException e) {
            throw new IllegalStateException("cannot compile CEL rule " + expr + ": " + e.getMessage(), e);
        }
    }

    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    map.put(e.getKey(), toCel(e.getValue()));
                }
            });
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toCel(n)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
