package dev.v6platform.lookup;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** A refresh that failed: names the environment, the AWS API and what AWS answered. */
public final class LookupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LookupException(String environment, String api, String problem, Throwable cause) {
        super(environment + ": " + api + " failed: " + problem, cause);
    }

    /** From an SDK failure: AWS's error code and message when AWS answered, the client's message otherwise. */
    public static LookupException of(String environment, String api, RuntimeException e) {
        if (e instanceof AwsServiceException s
                && s.awsErrorDetails() != null) {
            return new LookupException(environment, api, s.awsErrorDetails().errorCode() + ": "
                    + s.awsErrorDetails().errorMessage(), e);
        }
        return new LookupException(environment, api, e.getMessage(), e);
    }
}
