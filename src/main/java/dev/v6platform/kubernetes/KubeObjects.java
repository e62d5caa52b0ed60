package dev.v6platform.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.cdk8s.ApiObject;
import org.cdk8s.ApiObjectMetadata;
import org.cdk8s.ApiObjectProps;
import org.cdk8s.JsonPatch;
import software.constructs.Construct;

/**
 * Hands Kubernetes objects, built as plain Java data, to cdk8s. Each object crosses the jsii bridge whole (its
 * metadata as one struct and each top-level field as one JSON patch) instead of field by field, and every map is
 * key-sorted first so the YAML is stable.
 *
 * <pre>{@code
 * KubeObjects.add(chart, "ns-ci", Map.of("apiVersion", "v1", "kind", "Namespace",
 *         "metadata", Map.of("name", "ci")));
 * }</pre>
 */
public final class KubeObjects {
    private KubeObjects() {
    }

    /**
     * Adds one object to {@code scope}.
     *
     * @param object apiVersion, kind, metadata (name, optional namespace, labels, annotations) and any other
     *               top-level fields (spec, data, rules, ...)
     */
    @SuppressWarnings("unchecked")
    public static ApiObject add(Construct scope, String id, Map<String, ?> object) {
        String apiVersion = (String) Objects.requireNonNull(object.get("apiVersion"), "apiVersion");
        String kind = (String) Objects.requireNonNull(object.get("kind"), "kind");
        Map<String, Object> metadata = (Map<String, Object>) Objects.requireNonNull(object.get("metadata"),
                "metadata");
        ApiObjectMetadata.Builder meta = ApiObjectMetadata.builder()
                .name((String) Objects.requireNonNull(metadata.get("name"), "metadata.name"));
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            switch (e.getKey()) {
                case "name" -> { }
                case "namespace" -> meta.namespace((String) e.getValue());
                case "labels" -> meta.labels(sortedStrings((Map<String, String>) e.getValue()));
                case "annotations" -> meta.annotations(sortedStrings((Map<String, String>) e.getValue()));
                default -> throw new IllegalArgumentException("unsupported metadata field '" + e.getKey() + "' on "
                        + kind + " " + metadata.get("name"));
            }
        }
        ApiObject api = new ApiObject(scope, id, ApiObjectProps.builder()
                .apiVersion(apiVersion)
                .kind(kind)
                .metadata(meta.build())
                .build());
        List<JsonPatch> patches = new ArrayList<>();
        new TreeMap<>(object).forEach((key, value) -> {
            if (!key.equals("apiVersion") && !key.equals("kind") && !key.equals("metadata")) {
                patches.add(JsonPatch.add("/" + key, sorted(value)));
            }
        });
        if (!patches.isEmpty()) {
            api.addJsonPatch(patches.toArray(JsonPatch[]::new));
        }
        return api;
    }

    /** A deep copy with every map key-sorted; lists keep their order. */
    public static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put((String) k, sorted(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }

    private static Map<String, String> sortedStrings(Map<String, String> map) {
        return new LinkedHashMap<>(new TreeMap<>(map));
    }

    /** The hex SHA-256 of a text, for annotations that roll pods when their configuration changes. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
