package dev.v6platform.security;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeySpec;
import software.amazon.awscdk.services.kms.KeyUsage;
import software.constructs.Construct;

/**
 * The environment's customer-managed KMS key: symmetric, yearly rotation on, an alias, and retained when the stack
 * is deleted (data encrypted with it would otherwise become unreadable). Later capabilities encrypt Kubernetes
 * secrets, logs, queues and the metrics workspace with it.
 *
 * <pre>{@code
 * PlatformKey key = new PlatformKey(stack, "PlatformKey",
 *         new PlatformKeyProps("alias/v6-platform/dev-use1", "v6-platform dev-use1"));
 * }</pre>
 *
 * @see <a href="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html">KMS key rotation</a>
 */
public final class PlatformKey extends Construct {
    /** Days KMS waits before deleting a key scheduled for deletion: the maximum, 30. */
    public static final int PENDING_WINDOW_DAYS = 30;

    private final Key key;

    public PlatformKey(Construct scope, String id, PlatformKeyProps props) {
        super(scope, id);
        this.key = Key.Builder.create(this, "Resource")
                .description(props.description())
                .alias(props.aliasName())
                .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                .keyUsage(KeyUsage.ENCRYPT_DECRYPT)
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(PENDING_WINDOW_DAYS))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public IKey key() {
        return key;
    }
}
