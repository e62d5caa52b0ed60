package dev.v6platform.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Prometheus rule of a {@link RuleGroup}: a recording rule that stores an expression as a new series, or an
 * alerting rule that fires when its expression returns anything for {@code forDuration}.
 */
public sealed interface PrometheusRule permits PrometheusRule.Recording, PrometheusRule.Alert {

    /** The rule as Prometheus' rule file has it. */
    Map<String, Object> toMap();

    /** The PromQL expression. */
    String expr();

    /**
     * A recording rule. Name it {@code level:metric:operations} (e.g. {@code nodepool:karpenter_usage:ratio}).
     *
     * @param record the series it writes
     * @param expr   PromQL
     */
    record Recording(String record, String expr) implements PrometheusRule {
        public Recording {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(expr, "expr");
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("record", record);
            m.put("expr", expr);
            return m;
        }
    }

    /**
     * An alerting rule.
     *
     * @param alert       alert name, CamelCase by convention
     * @param expr        PromQL that returns the firing series
     * @param forDuration how long it must hold first, e.g. {@code 10m}
     * @param severity    the {@code severity} label the alert manager routes on
     * @param summary     one line for the notification
     * @param description what it means and what to do; may use {@code {{ $labels.x }}}
     */
    record Alert(String alert, String expr, String forDuration, Severity severity, String summary,
            String description) implements PrometheusRule {
        public Alert {
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(expr, "expr");
            Objects.requireNonNull(forDuration, "forDuration");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(summary, "summary");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alert", alert);
            m.put("expr", expr);
            m.put("for", forDuration);
            m.put("labels", Map.of("severity", severity.label()));
            Map<String, Object> annotations = new LinkedHashMap<>();
            annotations.put("summary", summary);
            annotations.put("description", description);
            m.put("annotations", annotations);
            return m;
        }
    }

    /** Alert severities, routed by the alert manager. */
    enum Severity {
        CRITICAL("critical"), WARNING("warning"), INFO("info");

        private final String label;

        Severity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
