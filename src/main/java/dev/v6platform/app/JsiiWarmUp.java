package dev.v6platform.app;

/**
 * Starts jsii's node runtime and loads aws-cdk-lib on a second thread while the main thread reads the stacks and
 * plans addresses, so that the two overlap (about 0.2 s of a synth on two cores). The first jsii call on the main
 * thread waits for it; a failure here is left for that call to report.
 */
final class JsiiWarmUp {
    private static Thread thread;

    private JsiiWarmUp() {
    }

    /** Starts the warm-up (once). */
    static synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(() -> {
            try {
                software.amazon.awscdk.Token.isUnresolved("v6-platform");
            } catch (RuntimeException | LinkageError e) {
                // the main thread's first jsii call fails the same way and reports it
            }
        }, "jsii-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for the warm-up, if one was started; jsii is not used from two threads at once. */
    static synchronized void await() {
        if (thread == null) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
