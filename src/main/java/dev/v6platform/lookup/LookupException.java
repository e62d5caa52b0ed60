package dev.v6platform.lookup;

/** A refresh that failed: names the environment, the AWS API and what AWS answered. */
public final class LookupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LookupException(String environment, String api, String problem, Throwable cause) {
        super(environment + ": " + api + " failed: " + problem, cause);
    }
}
