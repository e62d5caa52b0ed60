package dev.v6platform.cluster;

import java.util.Optional;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.IRole;
import software.constructs.IDependable;

/**
 * What the constructs that add to an IPv6 cluster (Karpenter, the BuildKit fleet's cache) need from it, whether
 * this app creates it ({@link Ipv6Cluster}) or another stack, project or account does
 * ({@link Ipv6Cluster#fromAttributes}).
 */
public interface PlatformCluster {
    /** The cluster, for access entries. */
    ICluster cluster();

    /** The cluster's name; a token when the cluster is created here, so that users depend on it. */
    String clusterName();

    /** The cluster's name as a literal, for names and IAM condition keys that cannot hold tokens. */
    String literalName();

    /** The cluster's {@code <cluster>-vpc-cni-ipv6} policy, which every role whose instances run pods needs. */
    IManagedPolicy cniPolicy();

    /** Registers a role whose instances run pods: attaches the IPv6 CNI policy. */
    void registerNodeRole(IRole role);

    /** The EKS Pod Identity agent add-on, when this app installs it; Pod Identity associations wait for it. */
    Optional<IDependable> podIdentityAgent();
}
