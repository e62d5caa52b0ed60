package dev.v6platform.observability;

import dev.v6platform.cluster.Ipv6Cluster;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

/**
 * One environment's right to remote-write: a role allowed {@code aps:RemoteWrite} on one workspace only (its own, or
 * the regional one it shares), given to the collector's service account through EKS Pod Identity.
 *
 * <p>Not a construct of its own: the role and the association are {@code <prefix>Role} and
 * {@code <prefix>PodIdentity} in {@code scope}, so a workspace's own collector keeps the logical ids it had before
 * this class existed ({@code Prometheus/CollectorRole}, {@code Prometheus/CollectorPodIdentity}). A new level in the
 * construct path would rename them, and a deploy would replace the role and fail to create a second Pod Identity
 * association for the same service account.
 */
public final class CollectorAccess {
    private final Role role;
    private final CfnPodIdentityAssociation association;
    private final CfnSecurityGroupIngress kubeletIngress;

    public CollectorAccess(Construct scope, String prefix, String environment, String workspaceArn,
            ICluster cluster) {
        this.role = Role.Builder.create(scope, prefix + "Role")
                .assumedBy(Ipv6Cluster.podIdentity(Stack.of(scope).getAccount()))
                .description("Remote-writes the metrics of " + environment + " (" + CollectorChart.NAMESPACE + "/"
                        + CollectorChart.NAME + ")")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create().sid("RemoteWriteThisWorkspace")
                .effect(Effect.ALLOW).actions(List.of("aps:RemoteWrite")).resources(List.of(workspaceArn)).build());
        this.association = cluster == null ? null : CfnPodIdentityAssociation.Builder.create(scope,
                        prefix + "PodIdentity")
                .clusterName(cluster.getClusterName())
                .namespace(CollectorChart.NAMESPACE)
                .serviceAccount(CollectorChart.NAME)
                .roleArn(role.getRoleArn())
                .build();
        // the collector (system nodes) scrapes every node's kubelet on 10250; nodes and pods carry the cluster's
        // security group, whose rule from itself already admits it: this rule says so and survives a tighter group
        this.kubeletIngress = cluster == null ? null : CfnSecurityGroupIngress.Builder.create(scope,
                        prefix + "KubeletIngress")
                .groupId(cluster.getClusterSecurityGroupId())
                .sourceSecurityGroupId(cluster.getClusterSecurityGroupId())
                .ipProtocol("tcp")
                .fromPort(KUBELET_PORT)
                .toPort(KUBELET_PORT)
                .description("Kubelet and cAdvisor metrics: the collector scrapes every node on " + KUBELET_PORT)
                .build();
    }

    /** The kubelet's port, where the collector scrapes kubelet and cAdvisor metrics. */
    public static final int KUBELET_PORT = 10250;

    /** The rule admitting the collector to every node's kubelet (absent without a cluster). */
    public Optional<CfnSecurityGroupIngress> kubeletIngress() {
        return Optional.ofNullable(kubeletIngress);
    }

    public Role role() {
        return role;
    }

    /** The Pod Identity association (absent without a cluster): the collector's pods start after it. */
    public Optional<CfnPodIdentityAssociation> association() {
        return Optional.ofNullable(association);
    }
}
