package dev.v6platform.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A strict, located view of one YAML mapping. Every accessor type-checks the value and records a located
 * {@link ConfigError} in the shared {@link Problems} when it is wrong; {@link #finish()} reports the keys nobody
 * asked for as unknown. Accessors return {@code Optional.empty()} for a missing or invalid value, so callers can
 * go on and report further problems in the same run.
 *
 * <p>Pass {@code example} to make a field required: it is shown in the fix of the "missing field" error. Pass
 * {@code null} for an optional field.
 */
public final class YamlObject {
    private final String file;
    private final String path;
    private final MappingNode node;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> asked = new LinkedHashSet<>();

    private YamlObject(String file, String path, MappingNode node, Problems problems) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.problems = problems;
        for (NodeTuple tuple : node.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode scalarKey) || !Tag.STR.equals(key.getTag())) {
                problems.add(file, line(key), path, "keys must be plain strings, got " + describe(key),
                        "write the key as a plain word such as 'name'");
                continue;
            }
            String name = scalarKey.getValue();
            if (entries.containsKey(name)) {
                problems.add(file, line(key), join(path, name), "duplicate key (first defined on line "
                        + line(entries.get(name).getKeyNode()) + ")", "keep one of the two entries");
                continue;
            }
            entries.put(name, tuple);
        }
    }

    /** Wraps a node that must be a mapping; records a problem and returns empty if it is not. */
    public static Optional<YamlObject> of(String file, String path, Node node, Problems problems) {
        if (node instanceof MappingNode mapping) {
            return Optional.of(new YamlObject(file, path, mapping, problems));
        }
        problems.add(file, line(node), path, "expected a mapping of keys to values, got " + describe(node),
                "write it as 'key: value' lines indented under '" + (path.isEmpty() ? "the file" : path) + "'");
        return Optional.empty();
    }

    public String file() {
        return file;
    }

    public String path() {
        return path;
    }

    public int line() {
        return line(node);
    }

    public Problems problems() {
        return problems;
    }

    /** The dotted path of a child field. */
    public String field(String key) {
        return join(path, key);
    }

    /** Records a problem at a field of this object. */
    public void problem(int line, String field, String problem, String fix) {
        problems.add(file, line, field, problem, fix);
    }

    /** Every key of this mapping, in file order, all marked as asked for (for maps with free-form keys). */
    public List<String> keys() {
        asked.addAll(entries.keySet());
        return List.copyOf(entries.keySet());
    }

    /** The line of {@code key}, or of this mapping when the key is absent. */
    public int lineOf(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? line() : line(tuple.getKeyNode());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A string scalar. Numbers, booleans and nulls are refused: quote them to make them strings. */
    public Optional<Scalar> string(String key, String example) {
        return value(key, example).flatMap(v -> asString(v, field(key)));
    }

    /** An integer scalar. */
    public Optional<Long> integer(String key, String example) {
        return value(key, example).flatMap(v -> {
            if (v instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
                try {
                    return Optional.of(Long.decode(s.getValue().replace("_", "")));
                } catch (NumberFormatException e) {
                    problems.add(file, line(v), field(key), "'" + s.getValue() + "' is too large",
                            "use a whole number below 2^63");
                    return Optional.empty();
                }
            }
            problems.add(file, line(v), field(key), "expected a whole number, got " + describe(v),
                    "write a number without quotes, e.g. '" + key + ": 3'");
            return Optional.empty();
        });
    }

    /** A boolean scalar ({@code true} or {@code false}). */
    public Optional<Boolean> bool(String key, String example) {
        return value(key, example).flatMap(v -> {
            if (v instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
                return Optional.of(Boolean.valueOf(s.getValue().toLowerCase(Locale.ROOT)));
            }
            problems.add(file, line(v), field(key), "expected true or false, got " + describe(v),
                    "write '" + key + ": true' or '" + key + ": false'");
            return Optional.empty();
        });
    }

    /** A nested mapping. */
    public Optional<YamlObject> object(String key, String example) {
        return value(key, example).flatMap(v -> of(file, field(key), v, problems));
    }

    /** A list of strings. */
    public Optional<List<Scalar>> stringList(String key, String example) {
        return sequence(key, example).map(items -> {
            List<Scalar> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                asString(items.get(i), field(key) + "[" + i + "]").ifPresent(out::add);
            }
            return out;
        });
    }

    /** A list of mappings. */
    public Optional<List<YamlObject>> objectList(String key, String example) {
        return sequence(key, example).map(items -> {
            List<YamlObject> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                of(file, field(key) + "[" + i + "]", items.get(i), problems).ifPresent(out::add);
            }
            return out;
        });
    }

    /** A mapping of string keys to string values, in file order. */
    public Optional<Map<Scalar, Scalar>> stringMap(String key, String example) {
        return object(key, example).map(child -> {
            Map<Scalar, Scalar> out = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> e : child.entries.entrySet()) {
                child.asked.add(e.getKey());
                String field = child.field(e.getKey());
                Scalar k = new Scalar(e.getKey(), line(e.getValue().getKeyNode()), field);
                asString(e.getValue().getValueNode(), field).ifPresent(v -> out.put(k, v));
            }
            return out;
        });
    }

    /**
     * Reports every key that no accessor asked for, with the allowed keys and, where one is close, the key that
     * was probably meant.
     */
    public void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (asked.contains(e.getKey())) {
                continue;
            }
            String suggestion = closest(e.getKey(), asked);
            String fix = (suggestion != null ? "did you mean '" + suggestion + "'? " : "")
                    + "allowed keys here: " + String.join(", ", asked);
            problems.add(file, line(e.getValue().getKeyNode()), field(e.getKey()), "unknown key '" + e.getKey() + "'",
                    fix);
        }
    }

    private Optional<Node> value(String key, String example) {
        asked.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            if (example != null) {
                int at = tuple == null ? line() : line(tuple.getKeyNode());
                problems.add(file, at, field(key), "required field is missing",
                        "add '" + key + ": " + example + "'" + (path.isEmpty() ? "" : " under '" + path + "'"));
            }
            return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
    }

    private Optional<List<Node>> sequence(String key, String example) {
        return value(key, example).flatMap(v -> {
            if (v instanceof SequenceNode s) {
                return Optional.of(s.getValue());
            }
            problems.add(file, line(v), field(key), "expected a list, got " + describe(v),
                    "write one '- item' line per entry under '" + key + ":'");
            return Optional.empty();
        });
    }

    private Optional<Scalar> asString(Node v, String field) {
        if (v instanceof ScalarNode s && Tag.STR.equals(s.getTag())) {
            return Optional.of(new Scalar(s.getValue(), line(v), field));
        }
        String fix = v instanceof ScalarNode s
                ? "quote it to make it a string: \"" + s.getValue() + "\""
                : "write a single string value";
        problems.add(file, line(v), field, "expected a string, got " + describe(v), fix);
        return Optional.empty();
    }

    private static boolean isNull(Node v) {
        return v instanceof ScalarNode && Tag.NULL.equals(v.getTag());
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        String kind;
        if (Tag.INT.equals(tag)) {
            kind = "the number";
        } else if (Tag.FLOAT.equals(tag)) {
            kind = "the decimal number";
        } else if (Tag.BOOL.equals(tag)) {
            kind = "the boolean";
        } else if (Tag.NULL.equals(tag)) {
            return "nothing (null)";
        } else if (Tag.STR.equals(tag)) {
            kind = "the string";
        } else {
            kind = "a value tagged " + tag.getValue() + ":";
        }
        return kind + " " + s.getValue();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The allowed key nearest to {@code key} by edit distance, if it is close enough to be a typo. */
    static String closest(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** The edit distance between two strings (insertions, deletions, substitutions). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
