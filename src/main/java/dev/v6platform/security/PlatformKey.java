package dev.v6platform.security;

import software.amazon.awscdk.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
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

    /**
     * Lets CloudWatch Logs of the key's stack region and account use {@code key} for the log groups whose names match
     * {@code logGroupNames} ({@code *} wildcards), and for no other: a log group encrypted with a key that does not
     * allow it cannot be created.
     */
    public static void allowLogs(IKey key, String sid, List<String> logGroupNames) {
        Stack stack = Stack.of(key);
        String prefix = "arn:" + stack.getPartition() + ":logs:" + stack.getRegion() + ":" + stack.getAccount()
                + ":log-group:";
        List<String> arns = logGroupNames.stream().map(n -> prefix + n).toList();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("logs." + stack.getRegion() + ".amazonaws.com")))
                .actions(List.of("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                        "kms:Describe*"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
                        arns.size() == 1 ? arns.get(0) : arns)))
                .build());
    }
}
