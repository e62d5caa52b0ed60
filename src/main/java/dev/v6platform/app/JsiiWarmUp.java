package dev.v6platform.app;

/**
 * Starts jsii's node runtime and loads aws-cdk-lib on a second thread while the main thread reads the stacks and
 * plans addresses, so that the two overlap (about 0.2 s of a synth on two cores). The first jsii call on the main
 * thread waits for it; a failure here is left for that call to report.
 */
final class JsiiWarmUp {
    private static Thread thread;
    private static volatile LinkageError broken;

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
            } catch (RuntimeException e) {
                // the main thread's first jsii call fails the same way and reports it
            } catch (LinkageError e) {
                // a class that failed to initialize here would only say "could not initialize" there
                broken = e;
            }
        }, "jsii-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits for the warm-up, if one was started (jsii is never used from two threads at once), and rethrows a
     * linkage error it met, with its cause.
     */
    static synchronized void await() {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (broken != null) {
            throw broken;
        }
    }
}
