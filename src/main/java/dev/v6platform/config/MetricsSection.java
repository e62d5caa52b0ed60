package dev.v6platform.config;

import static dev.v6platform.config.EnvironmentLoader.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses an environment's {@code metrics:} section and checks its pipeline where the mistake is written: regexes the
 * collector (RE2) cannot run, a rename whose source the allowlist drops, two renames to one name, label rules that
 * would merge series or break histograms, budgets above the workspace's limit.
 */
final class MetricsSection {
    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Java regex features RE2 (the collector's engine) does not have. */
    static final Pattern NOT_RE2 = Pattern.compile("\\(\\?[=!<]|\\(\\?<[=!]|\\\\[1-9]|\\(\\?>|[*+?}][+]");
    /**
     * Labels whose removal merges distinct series (the targets' and pods' identities) or breaks histograms and
     * summaries ({@code le}, {@code quantile}).
     */
    static final Map<String, String> IDENTIFYING = identifying();

    private MetricsSection() {
    }

    private static Map<String, String> identifying() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("le", "histogram buckets would merge and every histogram_quantile would break");
        m.put("quantile", "summary quantiles would merge into one series");
        m.put("instance", "the series of every target of a job would merge");
        m.put("job", "the series of different jobs would merge");
        m.put("pod", "the series of every pod would merge");
        m.put("namespace", "the series of every namespace would merge");
        m.put("node", "the series of every node would merge");
        m.put("id", "cAdvisor's node-level cgroups differ only by id and would become duplicate series");
        m.put("__name__", "every metric would lose its name");
        return m;
    }

    static Optional<MetricsSpec> parse(YamlObject m) {
        boolean regional = m.string("workspace", null).map(w -> {
            if (!w.value().equals("environment") && !w.value().equals("region")) {
                m.problem(w.line(), w.field(), "'" + w.value() + "' is not a workspace scope; allowed: environment, "
                        + "region", "use environment (its own workspace) or region (shared per account and region)");
            }
            return w.value().equals("region");
        }).orElse(false);
        int retention = m.integer("retentionDays", null).map(d -> {
            if (d < 1 || d > 1095) {
                m.problem(m.lineOf("retentionDays"), m.field("retentionDays"), d + " days is outside AMP's 1..1095",
                        "use e.g. 150 (AMP's default)");
                return -1;
            }
            return d.intValue();
        }).orElse(150);
        List<String> emails = new ArrayList<>();
        m.stringList("alertEmails", null).ifPresent(list -> list.forEach(e -> {
            if (check(m, e, EMAIL.matcher(e.value()).matches(), "'" + e.value() + "' is not an email address",
                    "write e.g. oncall@example.com") != null) {
                emails.add(e.value());
            }
        }));
        long budget = m.integer("seriesBudget", null).map(b -> {
            if (b < 1 || b > MetricsSpec.WORKSPACE_SERIES_LIMIT) {
                m.problem(m.lineOf("seriesBudget"), m.field("seriesBudget"), b + " active series is above the "
                        + "workspace's limit of " + MetricsSpec.WORKSPACE_SERIES_LIMIT, "lower it, or raise the "
                        + "workspace's quota with AWS first and the platform's limit with it");
                return -1L;
            }
            return b;
        }).orElse(2_000_000L);
        Map<String, Integer> jobBudgets = new LinkedHashMap<>();
        long[] jobTotal = {0};
        m.object("jobBudgets", null).ifPresent(j -> {
            for (String job : j.keys()) {
                j.integer(job, null).ifPresent(n -> {
                    if (!KNOWN_JOBS.contains(job)) {
                        j.problem(j.lineOf(job), j.field(job), "the collector has no scrape job '" + job + "'",
                                "use one of " + new TreeSet<>(KNOWN_JOBS));
                    } else if (n < 1 || n > budget) {
                        j.problem(j.lineOf(job), j.field(job), n + " series is outside 1.." + budget
                                + " (the seriesBudget)", "lower it below the environment's seriesBudget");
                    } else {
                        jobBudgets.put(job, n.intValue());
                        jobTotal[0] += n;
                    }
                });
            }
        });
        List<String> allow = new ArrayList<>();
        List<Pattern> allowPatterns = new ArrayList<>();
        m.stringList("allow", null).ifPresent(list -> list.forEach(a -> regex(m, a).ifPresent(p -> {
            allow.add(a.value());
            allowPatterns.add(p);
        })));
        List<MetricsSpec.Rename> renames = new ArrayList<>();
        Map<String, Scalar> targets = new LinkedHashMap<>();
        m.objectList("rename", null).ifPresent(items -> items.forEach(r -> {
            Optional<Scalar> from = r.string("from", "container_cpu_usage_seconds_total");
            Optional<Scalar> to = r.string("to", "k8s_container_cpu_seconds_total");
            r.finish();
            if (from.isEmpty() || to.isEmpty()) {
                return;
            }
            boolean ok = metricName(r, from.get()) & metricName(r, to.get());
            if (ok && !allowPatterns.isEmpty() && allowPatterns.stream().noneMatch(p -> p.matcher(
                    from.get().value()).matches())) {
                r.problem(from.get().line(), from.get().field(), "the allowlist drops '" + from.get().value()
                        + "' before it could be renamed", "add it to metrics.allow, or remove the rename");
                ok = false;
            }
            Scalar first = targets.putIfAbsent(to.get().value(), to.get());
            if (ok && first != null) {
                r.problem(to.get().line(), to.get().field(), "two metrics would be renamed to '" + to.get().value()
                        + "' (the first on line " + first.line() + "), mixing their series",
                        "give each rename its own name");
                ok = false;
            }
            if (ok) {
                renames.add(new MetricsSpec.Rename(from.get().value(), to.get().value()));
            }
        }));
        List<MetricsSpec.LabelRule> labels = new ArrayList<>();
        m.objectList("labels", null).ifPresent(items -> items.forEach(l -> labelRule(l).ifPresent(labels::add)));
        boolean wal = m.bool("writeAheadLog", null).orElse(false);
        m.finish();
        if (jobTotal[0] > budget && budget > 0) {
            m.problem(m.lineOf("jobBudgets"), m.field("jobBudgets"), "the job budgets add up to " + jobTotal[0]
                    + " series, more than the seriesBudget of " + budget, "lower the job budgets or raise "
                    + "seriesBudget");
        }
        if (retention < 0 || budget < 0) {
            return Optional.empty();
        }
        return Optional.of(new MetricsSpec(retention, emails, budget, jobBudgets, allow, renames, labels, wal, regional,
                m.line()));
    }

    private static Optional<Pattern> regex(YamlObject y, Scalar s) {
        if (s.value().matches(".*_(bucket|sum|count)\\)?")) {
            y.problem(s.line(), s.field(), "'" + s.value() + "' names a histogram or summary series, but the "
                    + "collector holds histograms and summaries under their base name", "allow '"
                    + s.value().replaceAll("_(bucket|sum|count)(\\)?)$", "$2") + "' instead");
            return Optional.empty();
        }
        if (NOT_RE2.matcher(s.value()).find()) {
            y.problem(s.line(), s.field(), "'" + s.value() + "' uses lookaround, backreferences or possessive "
                    + "quantifiers, which the collector's RE2 engine does not support", "rewrite it without them");
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(s.value()));
        } catch (PatternSyntaxException e) {
            y.problem(s.line(), s.field(), "'" + s.value() + "' is not a valid regex: " + e.getDescription(),
                    "fix the expression, e.g. karpenter_.*");
            return Optional.empty();
        }
    }

    private static boolean metricName(YamlObject y, Scalar s) {
        return check(y, s, METRIC.matcher(s.value()).matches(), "'" + s.value() + "' is not a metric name",
                "use letters, digits, '_' and ':', not starting with a digit") != null;
    }

    private static Optional<MetricsSpec.LabelRule> labelRule(YamlObject l) {
        Optional<Scalar> drop = l.string("drop", null);
        Optional<Scalar> rename = l.string("rename", null);
        Optional<Scalar> to = l.string("to", null);
        Optional<Scalar> add = l.string("add", null);
        Optional<Scalar> value = l.string("value", null);
        l.finish();
        int kinds = (drop.isPresent() ? 1 : 0) + (rename.isPresent() ? 1 : 0) + (add.isPresent() ? 1 : 0);
        if (kinds != 1 || rename.isPresent() != to.isPresent() || add.isPresent() != value.isPresent()) {
            l.problem(l.line(), l.path(), "a label rule is one of {drop: x}, {rename: x, to: y} or {add: x, "
                    + "value: v}", "write exactly one of them");
            return Optional.empty();
        }
        Scalar label = drop.or(() -> rename).or(() -> add).orElseThrow();
        Scalar target = to.orElse(label);
        if (drop.isEmpty() && (target.value().equals("environment") || target.value().equals("cluster"))) {
            l.problem(target.line(), target.field(), "'" + target.value() + "' is set by the collector on every "
                    + "series (workspace limits and the platform's rules rely on it)", "use another label name");
            return Optional.empty();
        }
        if (drop.isPresent() && (label.value().equals("environment") || label.value().equals("cluster"))) {
            l.problem(label.line(), label.field(), "'" + label.value() + "' is set by the collector on every series "
                    + "(workspace limits and the platform's rules rely on it)", "keep it");
            return Optional.empty();
        }
        if (!LABEL.matcher(label.value()).matches()) {
            l.problem(label.line(), label.field(), "'" + label.value() + "' is not a label name",
                    "use letters, digits and '_', not starting with a digit");
            return Optional.empty();
        }
        if ((drop.isPresent() || rename.isPresent()) && IDENTIFYING.containsKey(label.value())) {
            l.problem(label.line(), label.field(), (drop.isPresent() ? "dropping" : "renaming") + " '"
                    + label.value() + "' would merge series: " + IDENTIFYING.get(label.value()),
                    "drop a label that does not identify series, or aggregate with a recording rule instead");
            return Optional.empty();
        }
        if (to.isPresent() && !LABEL.matcher(to.get().value()).matches()) {
            l.problem(to.get().line(), to.get().field(), "'" + to.get().value() + "' is not a label name",
                    "use letters, digits and '_'");
            return Optional.empty();
        }
        if (drop.isPresent()) {
            return Optional.of(new MetricsSpec.LabelRule(MetricsSpec.LabelRule.Kind.DROP, label.value(),
                    Optional.empty(), Optional.empty()));
        }
        if (rename.isPresent()) {
            return Optional.of(new MetricsSpec.LabelRule(MetricsSpec.LabelRule.Kind.RENAME, label.value(),
                    Optional.of(to.get().value()), Optional.empty()));
        }
        return Optional.of(new MetricsSpec.LabelRule(MetricsSpec.LabelRule.Kind.ADD, label.value(), Optional.empty(),
                Optional.of(value.get().value())));
    }

    static final Set<String> KNOWN_JOBS = Set.of("kubelet", "cadvisor", "apiserver", "karpenter", "buildkitd");
}
