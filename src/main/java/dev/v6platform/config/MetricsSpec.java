package dev.v6platform.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An environment's {@code metrics:} section: its Amazon Managed Service for Prometheus workspace and alerting, and
 * the collector's pipeline, which keeps cardinality and cost under control.
 *
 * <pre>{@code
 * metrics:
 *   workspace: environment             # or region: one workspace per account and region, shared
 *   retentionDays: 150                 # how long AMP keeps samples, 1..1095; default 150
 *   alertEmails: [oncall@example.com]  # subscribed to the alert topic (each confirms by mail)
 *   seriesBudget: 2000000              # active series the environment may send; at most AMP's 10M default
 *   jobBudgets: {cadvisor: 400000}     # series a job may send from all its targets
 *   allow: ["karpenter_.*", "up"]      # metric names kept (anchored regexes); omit to keep everything
 *   rename:
 *     - {from: container_cpu_usage_seconds_total, to: k8s_container_cpu_seconds_total}
 *   labels:
 *     - {drop: image}                  # remove a label from every series
 *     - {rename: pod_name, to: pod}    # move a label to another name
 *     - {add: team, value: platform}   # set a label on every series
 *   writeAheadLog: false               # opt-in WAL for remote write; off because a rejected batch replays for ever
 * }</pre>
 *
 * @param retentionDays days AMP keeps samples
 * @param alertEmails   addresses subscribed to the alert topic
 * @param seriesBudget  active series the environment may send
 * @param jobBudgets    per scrape job, the most series it may send from all its targets (checked against the
 *                      estimate; each target's sample_limit follows from the estimate, not from this)
 * @param allow         anchored regexes of the metric names kept, as the collector names them (histograms and
 *                      summaries by their base name, without {@code _bucket}, {@code _sum}, {@code _count}); empty
 *                      keeps everything
 * @param renames       metric renames, in order
 * @param labels        label rules, in order
 * @param regional      whether the environment writes to the workspace its account and region share (owned by the
 *                      first such environment by name) instead of its own
 * @param writeAheadLog whether the exporter keeps a write-ahead log; off by default, because a batch AMP rejects
 *                      is replayed until the log's volume fills
 * @param line          line of the {@code metrics:} key
 */
public record MetricsSpec(int retentionDays, List<String> alertEmails, long seriesBudget,
        Map<String, Integer> jobBudgets, List<String> allow, List<Rename> renames, List<LabelRule> labels,
        boolean writeAheadLog, boolean regional, int line) {
    /** AMP's default active-series limit per workspace. */
    public static final long WORKSPACE_SERIES_LIMIT = 10_000_000L;

    public MetricsSpec {
        alertEmails = List.copyOf(alertEmails);
        jobBudgets = Collections.unmodifiableMap(new TreeMap<>(jobBudgets));
        allow = List.copyOf(allow);
        renames = List.copyOf(renames);
        labels = List.copyOf(labels);
    }

    /** A workspace with alerting only: every metric kept, the default budget. */
    public MetricsSpec(int retentionDays, List<String> alertEmails, int line) {
        this(retentionDays, alertEmails, 2_000_000L, Map.of(), List.of(), List.of(), List.of(), false, false, line);
    }

    /** A metric rename. */
    public record Rename(String from, String to) {
    }

    /**
     * A label rule: exactly one of drop, rename (with {@code to}) or add (with {@code value}).
     *
     * @param kind  drop, rename or add
     * @param label the label it acts on
     * @param to    the new name (rename)
     * @param value the value (add)
     */
    public record LabelRule(Kind kind, String label, Optional<String> to, Optional<String> value) {
        /** What a label rule does. */
        public enum Kind { DROP, RENAME, ADD }
    }
}
