package dev.v6platform.app;

/**
 * A synth that failed after the configuration was read: a validation plugin found violations (they are printed
 * above the error by aws-cdk-lib), or a construct refused its input. Nothing was written.
 */
public final class SynthesisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SynthesisException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
