package dev.v6platform.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A named group of Prometheus rules evaluated together every {@code interval}.
 *
 * @param name     unique within the namespace
 * @param interval evaluation interval, e.g. {@code 1m}
 * @param rules    recording rules first, so alerts in the group can use them
 */
public record RuleGroup(String name, String interval, List<PrometheusRule> rules) {
    public RuleGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        rules = List.copyOf(rules);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("interval", interval);
        List<Object> r = new ArrayList<>();
        rules.forEach(x -> r.add(x.toMap()));
        m.put("rules", r);
        return m;
    }
}
