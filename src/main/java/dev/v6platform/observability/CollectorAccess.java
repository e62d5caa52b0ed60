package dev.v6platform.observability;

import dev.v6platform.cluster.Ipv6Cluster;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

/**
 * One environment's right to remote-write: a role allowed {@code aps:RemoteWrite} on one workspace only (its own, or
 * the regional one it shares), given to the collector's service account through EKS Pod Identity.
 */
public final class CollectorAccess extends Construct {
    private final Role role;
    private final CfnPodIdentityAssociation association;

    public CollectorAccess(Construct scope, String id, String environment, String workspaceArn, ICluster cluster) {
        super(scope, id);
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(Ipv6Cluster.podIdentity(Stack.of(this).getAccount()))
                .description("Remote-writes the metrics of " + environment + " (" + CollectorChart.NAMESPACE + "/"
                        + CollectorChart.NAME + ")")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create().sid("RemoteWriteThisWorkspace")
                .effect(Effect.ALLOW).actions(List.of("aps:RemoteWrite")).resources(List.of(workspaceArn)).build());
        this.association = cluster == null ? null : CfnPodIdentityAssociation.Builder.create(this, "PodIdentity")
                .clusterName(cluster.getClusterName())
                .namespace(CollectorChart.NAMESPACE)
                .serviceAccount(CollectorChart.NAME)
                .roleArn(role.getRoleArn())
                .build();
    }

    public Role role() {
        return role;
    }

    /** The Pod Identity association (absent without a cluster): the collector's pods start after it. */
    public Optional<CfnPodIdentityAssociation> association() {
        return Optional.ofNullable(association);
    }
}
