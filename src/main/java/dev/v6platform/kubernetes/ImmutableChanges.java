package dev.v6platform.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Changes to Kubernetes fields the API server refuses to update: {@code kubectl apply} of such a change fails (and
 * with {@code delivery: kubectl} the whole deploy rolls back), so it needs a migration by hand first. A StatefulSet
 * may change only {@code replicas}, {@code ordinals}, {@code template}, {@code updateStrategy},
 * {@code persistentVolumeClaimRetentionPolicy} and {@code minReadySeconds}; a Deployment's selector is immutable.
 *
 * <pre>{@code
 * List<Change> c = ImmutableChanges.between(approvedYaml, newYaml);   // e.g. a new cache volume size
 * }</pre>
 *
 * @see <a href="https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/">StatefulSets</a>
 */
public final class ImmutableChanges {
    /** The StatefulSet spec fields the API server lets an update change. */
    static final Set<String> STATEFUL_SET_MUTABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

    /**
     * One refused change.
     *
     * @param id        {@code <Kind>/<namespace>/<name>}, as an acknowledgement names it
     * @param kind      the object's kind
     * @param field     the changed field under {@code spec}
     * @param migration what to do by hand before the deploy, in one sentence
     */
    public record Change(String id, String kind, String field, String migration) {
    }

    private ImmutableChanges() {
    }

    /** The refused changes from the objects of {@code before} to those of {@code after} (multi-document YAML). */
    public static List<Change> between(String before, String after) {
        Map<String, Map<String, Object>> old = objects(before);
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : objects(after).entrySet()) {
            Map<String, Object> was = old.get(e.getKey());
            if (was == null) {
                continue;
            }
            String kind = (String) e.getValue().get("kind");
            Map<String, Object> a = map(was.get("spec"));
            Map<String, Object> b = map(e.getValue().get("spec"));
            Set<String> fields = new TreeSet<>(a.keySet());
            fields.addAll(b.keySet());
            for (String field : fields) {
                boolean immutable = kind.equals("StatefulSet") ? !STATEFUL_SET_MUTABLE.contains(field)
                        : kind.equals("Deployment") && field.equals("selector");
                if (immutable && !Objects.equals(a.get(field), b.get(field))) {
                    out.add(new Change(e.getKey(), kind, field, migration(e.getKey(), kind, field, a, b)));
                }
            }
        }
        return out;
    }

    private static String migration(String id, String kind, String field, Map<String, Object> was,
            Map<String, Object> spec) {
        String[] parts = id.split("/", 3);
        String delete = "kubectl -n " + parts[1] + " delete " + kind.toLowerCase(java.util.Locale.ROOT) + " "
                + parts[2];
        if (field.equals("selector")) {
            // pods and ReplicaSets with the old labels are not adopted by the new object: they must go with it
            return "before deploying, " + delete + " (its pods go with it: the new " + kind + " selects other "
                    + "labels and would not adopt them)";
        }
        if (field.equals("volumeClaimTemplates")) {
            StringBuilder resize = new StringBuilder();
            for (Object t : list(spec.get("volumeClaimTemplates"))) {
                Map<String, Object> claim = map(t);
                Object size = storage(claim);
                Object old = list(was.get("volumeClaimTemplates")).stream().map(ImmutableChanges::map)
                        .filter(o -> Objects.equals(map(o.get("metadata")).get("name"),
                                map(claim.get("metadata")).get("name")))
                        .map(ImmutableChanges::storage).findFirst().orElse(null);
                if (old != null && size != null && bytes(size.toString()) < bytes(old.toString())) {
                    return "a claim cannot shrink (" + old + " to " + size + "): keep the size, or before deploying "
                            + delete + " and delete its claims (kubectl -n " + parts[1] + " delete pvc -l ...; the "
                            + "cache is lost and rebuilt)";
                }
                resize.append("; then grow each existing claim, which keeps its old size: kubectl -n ").append(parts[1])
                        .append(" patch pvc ").append(map(claim.get("metadata")).get("name")).append('-')
                        .append(parts[2]).append("-<ordinal> -p '")
                        .append("{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"")
                        .append(size).append("\"}}}}'");
            }
            return "before deploying, " + delete + " --cascade=orphan (its pods and claims keep running; the "
                    + "deploy's new " + kind + " adopts them)" + resize;
        }
        return "before deploying, " + delete + " --cascade=orphan (its pods keep running; the deploy's new " + kind
                + " adopts them)";
    }

    private static Object storage(Map<String, Object> claim) {
        return map(map(map(claim.get("spec")).get("resources")).get("requests")).get("storage");
    }

    /** A storage quantity in bytes (Ki, Mi, Gi, Ti or none); 0 when it is not one. */
    static double bytes(String quantity) {
        String[] units = {"Ki", "Mi", "Gi", "Ti"};
        for (int i = 0; i < units.length; i++) {
            if (quantity.endsWith(units[i])) {
                return Double.parseDouble(quantity.substring(0, quantity.length() - 2)) * Math.pow(1024, i + 1);
            }
        }
        return quantity.matches("\\d+(\\.\\d+)?") ? Double.parseDouble(quantity) : 0;
    }

    /** Objects by {@code <Kind>/<namespace>/<name>}. */
    static Map<String, Map<String, Object>> objects(String yaml) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            Map<String, Object> o = map(doc);
            Map<String, Object> meta = map(o.get("metadata"));
            if (o.get("kind") instanceof String kind && meta.get("name") instanceof String name) {
                out.put(kind + "/" + Objects.requireNonNullElse(meta.get("namespace"), "default") + "/" + name, o);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }
}
