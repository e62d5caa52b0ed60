package dev.v6platform.app;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a synth's time goes, by phase, for the benchmark ({@code V6_TIMINGS=1} prints one line to stderr). Phases
 * are recorded in the order they finish; a phase recorded twice adds up.
 */
public final class Timings {
    private static final Map<String, Long> NANOS = new LinkedHashMap<>();
    private static long last = System.nanoTime();

    private Timings() {
    }

    /** Ends the current phase: the time since the previous mark is {@code phase}'s. */
    public static synchronized void mark(String phase) {
        long now = System.nanoTime();
        NANOS.merge(phase, now - last, Long::sum);
        last = now;
    }

    /** Adds {@code nanos} to {@code phase} without ending the current one (a part measured inside another). */
    public static synchronized void add(String phase, long nanos) {
        NANOS.merge(phase, nanos, Long::sum);
    }

    /** Whether the timings are printed ({@code V6_TIMINGS} is set): only then is anything extra measured. */
    public static boolean enabled() {
        return System.getenv("V6_TIMINGS") != null;
    }

    /** Starts timing from now (the JVM's own start-up is reported as jvm_start). */
    public static synchronized void start() {
        NANOS.clear();
        long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        NANOS.put("jvm_start", uptimeMs * 1_000_000L);
        last = System.nanoTime();
    }

    /** {@code phase=ms ...}, in order. */
    public static synchronized String line() {
        StringJoiner out = new StringJoiner(" ");
        NANOS.forEach((phase, nanos) -> out.add(phase + "=" + String.format(Locale.ROOT, "%d", nanos / 1_000_000)));
        return out.toString();
    }
}
