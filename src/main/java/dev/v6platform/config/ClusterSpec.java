package dev.v6platform.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An environment's {@code cluster:} section: who may use the cluster, how its API endpoint is reached, the pinned
 * versions of the core add-ons and the system node group.
 *
 * <pre>{@code
 * cluster:
 *   endpoint:
 *     publicAccessCidrs: [198.51.100.0/24]   # default: none, private endpoint only
 *     privateAccessCidrs: [10.0.0.0/12]      # default: none; who else may reach the private endpoint
 *   admins: ["arn:aws:iam::111111111111:role/platform-admins"]
 *   viewers: ["arn:aws:iam::111111111111:role/developers"]
 *   addons:
 *     vpc-cni: v1.20.4-eksbuild.1
 *     coredns: v1.12.4-eksbuild.1
 *     kube-proxy: v1.34.1-eksbuild.2
 *     eks-pod-identity-agent: v1.3.10-eksbuild.2
 *   systemNodes: {instanceTypes: [m7g.large], minSize: 2, maxSize: 3}
 *   delivery: kubectl                       # kubectl (default) | gitops
 *   supportType: STANDARD                   # STANDARD (default) | EXTENDED (billed extended support)
 *   logRetentionDays: 90                    # control-plane logs (/aws/eks/<cluster>/cluster); default 90
 * }</pre>
 *
 * @param publicAccessCidrs   CIDRs that may reach the public endpoint; empty keeps the endpoint private (default)
 * @param publicAccessReason  why the public endpoint is open to the whole internet; required when a CIDR is
 *                            {@code 0.0.0.0/0} or {@code ::/0}, otherwise empty
 * @param privateAccessCidrs  CIDRs (a VPN, a transit gateway) allowed to the private endpoint on tcp/443, besides
 *                            the cluster's own security group; empty by default
 * @param admins              IAM principal ARNs given cluster admin through access entries
 * @param viewers             IAM principal ARNs given read-only access
 * @param addonVersions       pinned version of each core add-on, by add-on name, sorted
 * @param systemNodes         the managed Graviton node group for cluster-critical pods
 * @param delivery            how {@code dist/<environment>/} reaches the cluster; default {@link KubernetesDelivery#KUBECTL}
 * @param line                line of the {@code cluster:} key, for messages
 * @param supportType         the cluster's upgrade policy; default {@link SupportType#STANDARD} (EKS's own default,
 *                            when unset, is extended support)
 * @param logRetentionDays    days CloudWatch keeps the control-plane logs; default {@value #DEFAULT_LOG_RETENTION_DAYS}
 */
public record ClusterSpec(
        List<String> publicAccessCidrs,
        Optional<String> publicAccessReason,
        List<String> privateAccessCidrs,
        List<String> admins,
        List<String> viewers,
        Map<String, String> addonVersions,
        SystemNodesSpec systemNodes,
        KubernetesDelivery delivery,
        int line,
        SupportType supportType,
        int logRetentionDays) {

    /** Days the control-plane logs are kept unless {@code logRetentionDays} says otherwise. */
    public static final int DEFAULT_LOG_RETENTION_DAYS = 90;

    /** The EKS managed add-ons every platform cluster runs, in install order. */
    public static final List<String> CORE_ADDONS = List.of("eks-pod-identity-agent", "vpc-cni", "kube-proxy",
            "coredns");
    /** The EBS CSI driver add-on: optional, and required by the BuildKit fleet's cache volumes. */
    public static final String EBS_CSI_ADDON = "aws-ebs-csi-driver";
    /** The metrics-server community add-on: optional, and required by the BuildKit fleet's autoscalers. */
    public static final String METRICS_SERVER_ADDON = "metrics-server";

    public ClusterSpec {
        publicAccessCidrs = List.copyOf(publicAccessCidrs);
        Objects.requireNonNull(publicAccessReason, "publicAccessReason");
        privateAccessCidrs = List.copyOf(privateAccessCidrs);
        admins = List.copyOf(admins);
        viewers = List.copyOf(viewers);
        addonVersions = Collections.unmodifiableMap(new TreeMap<>(addonVersions));
        Objects.requireNonNull(systemNodes, "systemNodes");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(supportType, "supportType");
    }

    /** A cluster with the default support type and log retention. */
    public ClusterSpec(List<String> publicAccessCidrs, Optional<String> publicAccessReason,
            List<String> privateAccessCidrs, List<String> admins, List<String> viewers,
            Map<String, String> addonVersions, SystemNodesSpec systemNodes, KubernetesDelivery delivery, int line) {
        this(publicAccessCidrs, publicAccessReason, privateAccessCidrs, admins, viewers, addonVersions, systemNodes,
                delivery, line, SupportType.STANDARD, DEFAULT_LOG_RETENTION_DAYS);
    }

    /**
     * The system node group: on-demand Graviton instances, tainted {@code CriticalAddonsOnly=true:NoSchedule}.
     *
     * @param instanceTypes Graviton instance types, e.g. {@code m7g.large}
     * @param minSize       at least 1; default 2
     * @param maxSize       default 3
     * @param desiredSize   default {@code minSize}
     */
    public record SystemNodesSpec(List<String> instanceTypes, int minSize, int maxSize, int desiredSize) {
        public SystemNodesSpec {
            instanceTypes = List.copyOf(instanceTypes);
        }
    }
}
