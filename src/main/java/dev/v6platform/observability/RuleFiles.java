package dev.v6platform.observability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks rule groups before they reach AMP (which refuses a bad rules file only at deploy time) and renders them
 * as a Prometheus rule file.
 *
 * <p>The checks: metric, record, alert and label names as Prometheus allows them; durations as Prometheus parses
 * them; expressions with balanced brackets and quotes; unique group names; one recording rule per series (two would
 * write the same series); alerts with a summary.
 */
public final class RuleFiles {
    static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern ALERT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    static final Pattern DURATION = Pattern.compile("(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

    private RuleFiles() {
    }

    /** Every problem with {@code groups}, naming the group and rule; empty when they are fine. */
    public static List<String> check(List<RuleGroup> groups) {
        List<String> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> records = new HashSet<>();
        for (RuleGroup g : groups) {
            String at = "rule group '" + g.name() + "'";
            if (!GROUP_NAME.matcher(g.name()).matches()) {
                out.add(at + ": the name is not lowercase letters, digits, '.', '_' and '-'");
            }
            if (!names.add(g.name())) {
                out.add(at + " is defined twice; give each group a unique name");
            }
            duration(at + ": interval", g.interval(), out);
            if (g.rules().isEmpty()) {
                out.add(at + " has no rules");
            }
            for (PrometheusRule r : g.rules()) {
                if (r instanceof PrometheusRule.Recording rec) {
                    String ra = at + ", record " + rec.record();
                    if (!METRIC_NAME.matcher(rec.record()).matches()) {
                        out.add(ra + ": not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
                    } else if (!rec.record().contains(":")) {
                        out.add(ra + ": recorded series are named level:metric:operations, with colons, so they "
                                + "never collide with scraped metrics");
                    }
                    if (!records.add(rec.record())) {
                        out.add(ra + ": another recording rule writes the same series; merge them or rename one");
                    }
                    expression(ra, rec.expr(), out);
                } else if (r instanceof PrometheusRule.Alert a) {
                    String aa = at + ", alert " + a.alert();
                    if (!ALERT_NAME.matcher(a.alert()).matches()) {
                        out.add(aa + ": not an alert name (a letter, then letters, digits and '_')");
                    }
                    duration(aa + ": for", a.forDuration(), out);
                    if (a.summary().isBlank()) {
                        out.add(aa + ": no summary; the notification would be empty");
                    }
                    expression(aa, a.expr(), out);
                }
            }
        }
        return out;
    }

    private static void duration(String at, String value, List<String> out) {
        if (value.isEmpty()) {
            out.add(at + " is empty; write a Prometheus duration, e.g. 5m");
        } else if (!value.equals("0") && !DURATION.matcher(value).matches()) {
            out.add(at + " '" + value + "' is not a Prometheus duration, e.g. 30s, 5m or 1h");
        }
    }

    /** Balanced (), [] and {} outside string literals, and closed string literals. */
    static void expression(String at, String expr, List<String> out) {
        if (expr.isBlank()) {
            out.add(at + ": the expression is empty");
            return;
        }
        StringBuilder open = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> quote = c;
                case '(', '[', '{' -> open.append(c);
                case ')', ']', '}' -> {
                    char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
                    if (open.isEmpty() || open.charAt(open.length() - 1) != expected) {
                        out.add(at + ": unbalanced '" + c + "' at character " + (i + 1) + " of: " + expr);
                        return;
                    }
                    open.setLength(open.length() - 1);
                }
                default -> { }
            }
        }
        if (quote != 0) {
            out.add(at + ": unclosed string literal in: " + expr);
        } else if (!open.isEmpty()) {
            out.add(at + ": unclosed '" + open.charAt(open.length() - 1) + "' in: " + expr);
        }
    }

    /** The Prometheus rule file of {@code groups} ({@code groups:} at the top), deterministic. */
    public static String render(List<RuleGroup> groups) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        List<Object> g = new ArrayList<>();
        groups.forEach(x -> g.add(x.toMap()));
        return new Yaml(options).dump(Map.of("groups", g));
    }
}
