package dev.v6platform.testing;

import java.util.List;
import java.util.Map;

/** Reading nested maps and lists (parsed YAML or JSON, cdk8s objects) in tests. */
public final class Trees {
    private Trees() {
    }

    /** The value at {@code path}: map keys, or list indexes written as numbers. */
    @SuppressWarnings("unchecked")
    public static <T> T at(Object node, String... path) {
        Object o = node;
        for (String p : path) {
            o = p.matches("\\d+") ? ((List<Object>) o).get(Integer.parseInt(p)) : ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }
}
