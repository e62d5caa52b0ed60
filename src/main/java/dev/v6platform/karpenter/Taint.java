package dev.v6platform.karpenter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A node taint.
 *
 * @param key    taint key
 * @param value  taint value (may be empty)
 * @param effect NoSchedule, PreferNoSchedule or NoExecute
 */
public record Taint(String key, String value, Effect effect) {
    /** Kubernetes taint effects. */
    public enum Effect { NoSchedule, PreferNoSchedule, NoExecute }

    public Taint {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(effect, "effect");
    }

    public static Taint noSchedule(String key, String value) {
        return new Taint(key, value, Effect.NoSchedule);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        if (!value.isEmpty()) {
            m.put("value", value);
        }
        m.put("effect", effect.name());
        return m;
    }
}
