package dev.v6platform.config;

import java.util.Objects;

/**
 * A resource replacement the environment's owners have accepted: the snapshot tests refuse any change that would
 * make CloudFormation replace a resource unless it is listed under {@code acknowledgedReplacements:}.
 *
 * <pre>{@code
 * acknowledgedReplacements:
 *   - {logicalId: VpcSubnetNodesUseast1a1B2C3D4E, reason: "renumbered with --release; the cluster is rebuilt"}
 * }</pre>
 *
 * @param logicalId the resource's logical id in the approved template
 * @param reason    why the replacement is accepted
 * @param line      its line in the environment file
 */
public record AcknowledgedReplacement(String logicalId, String reason, int line) {
    public AcknowledgedReplacement {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(reason, "reason");
    }
}
