package dev.v6platform.validation;

import dev.v6platform.config.AcknowledgedReplacement;
import dev.v6platform.kubernetes.ImmutableChanges;
import dev.v6platform.validation.ReplacementGuard.Replacement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the snapshot test makes of the replacements a change would cause (see {@link ReplacementGuard}) and the
 * environment's {@code acknowledgedReplacements}.
 *
 * <ul>
 *   <li>A replacement CloudFormation cannot perform (a custom-named resource, a subnet overlapping the one it
 *       replaces) is refused whether or not it is acknowledged: the deploy would fail.</li>
 *   <li>Any other replacement must be acknowledged; the refusal prints a ready-to-paste YAML block.</li>
 *   <li>An acknowledgement matches a replacement of this change or one recorded when the snapshot was last
 *       approved ({@code snapshots/<env>/acknowledged-replacements.txt}, so the pull request shows what the deploy
 *       replaces, and the acknowledgement can stay until it is deployed). One that matches neither is refused (a
 *       typo, or an entry whose record is gone).</li>
 *   <li>An acknowledgement recorded for one replacement does not cover another: when a later change replaces the
 *       same resource again for another reason, the entry with the recorded reason is refused until its reason is
 *       rewritten for the new change (a leftover entry would otherwise let any later replacement through).</li>
 * </ul>
 *
 * @param refused      the replacements that stop the change, each with why (impossible or unacknowledged)
 * @param unacknowledged the possible replacements that need an acknowledgement
 * @param stale        acknowledgements that match nothing
 * @param record       the lines the approved snapshot records, by logical id, in the environment file's order
 */
public record ReplacementReview(List<Replacement> refused, List<Replacement> unacknowledged,
        List<AcknowledgedReplacement> stale, Map<String, String> record) {
    /** The file beside an environment's snapshot that records its acknowledged replacements. */
    public static final String RECORD_FILE = "acknowledged-replacements.txt";

    public ReplacementReview {
        refused = List.copyOf(refused);
        unacknowledged = List.copyOf(unacknowledged);
        stale = List.copyOf(stale);
        record = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(record));
    }

    /**
     * Reviews {@code replacements} against {@code acknowledged}, with {@code recorded} the lines of the approved
     * snapshot's record (by logical id).
     */
    public static ReplacementReview of(List<Replacement> replacements, List<AcknowledgedReplacement> acknowledged,
            Map<String, String> recorded) {
        Set<String> acked = new TreeSet<>();
        acknowledged.forEach(a -> acked.add(a.logicalId()));
        Map<String, Replacement> byId = new LinkedHashMap<>();
        replacements.forEach(r -> byId.put(r.logicalId(), r));
        List<Replacement> refused = new ArrayList<>();
        List<Replacement> unacknowledged = new ArrayList<>();
        for (Replacement r : replacements) {
            if (r.impossible()) {
                refused.add(r);
            } else if (!acked.contains(r.logicalId())) {
                refused.add(r);
                unacknowledged.add(r);
            }
        }
        List<AcknowledgedReplacement> stale = new ArrayList<>();
        Map<String, String> record = new LinkedHashMap<>();
        for (AcknowledgedReplacement a : acknowledged) {
            Replacement r = byId.get(a.logicalId());
            if (r != null && !r.impossible() && earlierChange(a, r, recorded).isPresent()) {
                refused.add(r);
                stale.add(a);
            } else if (r != null && !r.impossible()) {
                record.put(a.logicalId(), line(r, a));
            } else if (r == null && recorded.containsKey(a.logicalId())) {
                record.put(a.logicalId(), recorded.get(a.logicalId()));
            } else if (r == null) {
                stale.add(a);
            }
        }
        return new ReplacementReview(refused, unacknowledged, stale, record);
    }

    /** A Kubernetes change the API server refuses to apply, as the replacement it amounts to. */
    public static Replacement kubernetes(ImmutableChanges.Change c) {
        return new Replacement(c.id(), "Kubernetes " + c.kind(), c.field() + " changed, which Kubernetes cannot "
                + "update; " + c.migration(), false);
    }

    /** A record line: the replacement and the acknowledgement's reason. */
    static String line(Replacement r, AcknowledgedReplacement a) {
        return r.format() + " (acknowledged: " + a.reason() + ")";
    }

    /**
     * The recorded line when {@code a} was recorded, with this very reason, for another replacement of the same
     * resource than {@code r}: an acknowledgement left over from an earlier change.
     */
    public static java.util.Optional<String> earlierChange(AcknowledgedReplacement a, Replacement r,
            Map<String, String> recorded) {
        String was = recorded.get(a.logicalId());
        return was != null && was.endsWith(" (acknowledged: " + a.reason() + ")") && !was.equals(line(r, a))
                ? java.util.Optional.of(was) : java.util.Optional.empty();
    }

    /** The record beside an environment's approved snapshot ({@code snapshotDir}), by logical id; empty if none. */
    public static Map<String, String> readRecord(java.nio.file.Path snapshotDir) {
        java.nio.file.Path file = snapshotDir.resolve(RECORD_FILE);
        try {
            return java.nio.file.Files.isRegularFile(file) ? parseRecord(java.nio.file.Files.readString(file))
                    : Map.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reads a record file's lines: each starts with the logical id. */
    public static Map<String, String> parseRecord(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.put(line.substring(0, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' ')), line);
            }
        }
        return out;
    }

    /** The record file's text, or empty when nothing is acknowledged. */
    public String recordText() {
        if (record.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("# Resources the next deploy of this environment replaces, as acknowledged"
                + " in its file (acknowledgedReplacements).\n# Written by mvn -B verify -Dsnapshots.update=true.\n");
        record.values().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Whether nothing stops the change. */
    public boolean ok() {
        return refused.isEmpty() && stale.isEmpty();
    }

    /** The refusal for environment {@code env} defined in {@code source}, with the fixes; empty when {@link #ok}. */
    public String message(String env, String source) {
        List<String> parts = new ArrayList<>();
        if (!refused.isEmpty()) {
            List<String> lines = refused.stream().map(r -> "  " + r.format()).toList();
            long impossible = refused.stream().filter(Replacement::impossible).count();
            StringBuilder sb = new StringBuilder(env + ": deploying this change would replace " + refused.size()
                    + " resource(s) of the approved snapshot; CloudFormation creates new ones and deletes (or, when "
                    + "retained, orphans) the old:\n" + String.join("\n", lines));
            if (impossible > 0) {
                sb.append("\n").append(impossible).append(" of them CloudFormation cannot replace at all (the deploy "
                        + "would fail and roll back): change what makes them collide, as each line says; an "
                        + "acknowledgement does not help.");
            }
            if (!unacknowledged.isEmpty()) {
                sb.append("\nUndo the change, or accept ").append(impossible > 0 ? "the others" : "them")
                        .append(" in ").append(source).append(" (even with -Dsnapshots.update=true); remove the "
                        + "entries once deployed:\n").append(pasteBlock(unacknowledged));
            }
            parts.add(sb.toString());
        }
        if (!stale.isEmpty()) {
            List<String> lines = stale.stream().map(a -> "  " + source + ":" + a.line() + ": acknowledgedReplacements: "
                    + a.logicalId() + (refused.stream().anyMatch(r -> r.logicalId().equals(a.logicalId()))
                    ? " was acknowledged for an earlier replacement, and this change replaces it again; if that is "
                    + "acceptable too, write a new reason for this change"
                    : " matches no replacement of this change and none recorded in the approved snapshot; remove "
                    + "the entry (a typo, or one whose change is deployed and recorded no more)")).toList();
            parts.add(env + ": " + stale.size() + " acknowledgement(s) match nothing:\n" + String.join("\n", lines));
        }
        return String.join("\n", parts);
    }

    /** YAML to paste at the end of the environment file. */
    static String pasteBlock(List<Replacement> replacements) {
        StringBuilder sb = new StringBuilder("acknowledgedReplacements:\n");
        for (Replacement r : replacements) {
            sb.append("  - {logicalId: ").append(r.logicalId()).append(", reason: \"TODO: why replacing this ")
                    .append(r.type()).append(" is acceptable\"}\n");
        }
        return sb.toString();
    }
}
