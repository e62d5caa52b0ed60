package dev.v6platform.observability;

import dev.v6platform.config.MetricsSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An environment's metric pipeline ({@link MetricsSpec}, checked by the loader) as collector processors, in order:
 * the allowlist ({@code filter}: OTTL drops every metric whose name matches none of the regexes), the renames
 * ({@code metricstransform}, {@code action: update}), then the label rules ({@code transform}, OTTL on data
 * points). {@code $} is written {@code $$} because the collector expands it.
 */
public final class MetricsPipeline {
    private MetricsPipeline() {
    }

    /** The processors, by name, in pipeline order; empty when the spec keeps everything as it is. */
    public static Map<String, Object> processors(MetricsSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!spec.allow().isEmpty()) {
            String regex = "^(" + String.join("|", spec.allow()) + ")$";
            out.put("filter/allowlist", CollectorConfig.map("error_mode", "ignore", "metrics", CollectorConfig.map(
                    "metric", List.of("not IsMatch(name, " + ottlString(regex) + ")"))));
        }
        if (!spec.renames().isEmpty()) {
            List<Object> transforms = new ArrayList<>();
            for (MetricsSpec.Rename r : spec.renames()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("include", r.from());
                t.put("match_type", "strict");
                t.put("action", "update");
                t.put("new_name", r.to());
                transforms.add(t);
            }
            out.put("metricstransform/rename", CollectorConfig.map("transforms", transforms));
        }
        if (!spec.labels().isEmpty()) {
            List<String> statements = new ArrayList<>();
            for (MetricsSpec.LabelRule l : spec.labels()) {
                String key = "attributes[" + ottlString(l.label()) + "]";
                switch (l.kind()) {
                    case DROP -> statements.add("delete_key(attributes, " + ottlString(l.label()) + ")");
                    case RENAME -> {
                        statements.add("set(attributes[" + ottlString(l.to().orElseThrow()) + "], " + key + ") where "
                                + key + " != nil");
                        statements.add("delete_key(attributes, " + ottlString(l.label()) + ")");
                    }
                    case ADD -> statements.add("set(" + key + ", " + ottlString(l.value().orElseThrow()) + ")");
                    default -> throw new IllegalStateException(l.kind().name());
                }
            }
            out.put("transform/labels", CollectorConfig.map("error_mode", "ignore", "metric_statements", List.of(
                    CollectorConfig.map("context", "datapoint", "statements", statements))));
        }
        return out;
    }

    /** An OTTL string literal, with {@code $} doubled for the collector's configuration expansion. */
    static String ottlString(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$") + "\"";
    }
}
