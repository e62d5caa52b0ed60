package dev.v6platform.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a piece of code prints to {@code System.out} and {@code System.err}, kept out of the build's log: for tests
 * that make a synth fail on purpose, whose validation report (printed by the jsii kernel, relayed to the JVM's
 * standard streams by jsii's error-stream thread, a little later) is expected and asserted, not noise.
 *
 * <pre>{@code
 * CapturedOutput out = CapturedOutput.of(() -> synthesizeSomethingInvalid(), "(AwsSolutions)");
 * assertThat(out.text()).contains("AwsSolutions-KMS5");
 * }</pre>
 */
public final class CapturedOutput {
    /** How long to wait for the relayed report, and for the streams to fall quiet after it. */
    static final long WAIT_MILLIS = 5_000;
    static final long QUIET_MILLIS = 300;

    private final String text;
    private final Throwable thrown;

    private CapturedOutput(String text, Throwable thrown) {
        this.text = text;
        this.thrown = thrown;
    }

    /**
     * Runs {@code action} with both streams captured, then waits until the captured text contains {@code expected}
     * (the report arrives asynchronously) and nothing more arrives for a moment, and restores the streams.
     */
    public static synchronized CapturedOutput of(Runnable action, String expected) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Throwable thrown = null;
        System.setOut(capture);
        System.setErr(capture);
        try {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                thrown = e;
            }
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            int size = -1;
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(QUIET_MILLIS);
                String now = buffer.toString(StandardCharsets.UTF_8);
                if (now.contains(expected) && buffer.size() == size) {
                    break;
                }
                size = buffer.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new CapturedOutput(buffer.toString(StandardCharsets.UTF_8), thrown);
    }

    /** Everything printed. */
    public String text() {
        return text;
    }

    /** What the action threw, or null. */
    public Throwable thrown() {
        return thrown;
    }
}
