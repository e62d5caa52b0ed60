package dev.v6platform.karpenter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How Karpenter may disrupt a NodePool's nodes.
 *
 * @param policy          WhenEmptyOrUnderutilized (consolidate busy nodes too) or WhenEmpty
 * @param consolidateAfter how long a node must be consolidatable first, e.g. {@code 5m}, or {@code Never}
 * @param budgets          limits on how many nodes may be disrupted at once, optionally on a schedule
 */
public record Disruption(Policy policy, String consolidateAfter, List<Budget> budgets) {
    /** Consolidation policies of karpenter.sh/v1. */
    public enum Policy { WhenEmptyOrUnderutilized, WhenEmpty }

    public Disruption {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(consolidateAfter, "consolidateAfter");
        budgets = List.copyOf(budgets);
    }

    /** Default: consolidate empty and underutilized nodes after a minute, at most 10% of nodes at once. */
    public static Disruption defaults() {
        return new Disruption(Policy.WhenEmptyOrUnderutilized, "1m", List.of(Budget.of("10%")));
    }

    /**
     * A disruption budget.
     *
     * @param nodes    how many nodes (a number or a percentage) may be disrupted at once
     * @param schedule a cron schedule when the budget applies (with {@code duration}); empty for always
     * @param duration how long after each {@code schedule} it applies, e.g. {@code 8h}
     * @param reasons  the disruption reasons it limits (Underutilized, Empty, Drifted); empty for all
     */
    public record Budget(String nodes, Optional<String> schedule, Optional<String> duration, List<String> reasons) {
        public Budget {
            Objects.requireNonNull(nodes, "nodes");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(duration, "duration");
            reasons = List.copyOf(reasons);
        }

        public static Budget of(String nodes) {
            return new Budget(nodes, Optional.empty(), Optional.empty(), List.of());
        }

        /** No voluntary disruption at all during {@code duration} after each {@code schedule}. */
        public static Budget freeze(String schedule, String duration) {
            return new Budget("0", Optional.of(schedule), Optional.of(duration), List.of());
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", nodes);
            schedule.ifPresent(s -> m.put("schedule", s));
            duration.ifPresent(d -> m.put("duration", d));
            if (!reasons.isEmpty()) {
                m.put("reasons", reasons);
            }
            return m;
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("consolidationPolicy", policy.name());
        m.put("consolidateAfter", consolidateAfter);
        List<Object> b = new ArrayList<>();
        budgets.forEach(x -> b.add(x.toMap()));
        m.put("budgets", b);
        return m;
    }
}
