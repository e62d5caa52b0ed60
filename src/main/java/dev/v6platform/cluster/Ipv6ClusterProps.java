package dev.v6platform.cluster;

import dev.v6platform.config.ClusterSpec;
import dev.v6platform.config.SupportType;
import dev.v6platform.config.KubernetesVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.ILayerVersion;

/**
 * Properties of an {@link Ipv6Cluster}. Build with {@link #builder()}; every optional field's default is on its
 * builder method.
 *
 * @param clusterName        EKS cluster name (changing it replaces the cluster)
 * @param version            Kubernetes version, 1.32 or newer
 * @param network            VPC, control-plane and node subnets
 * @param secretsKey         KMS key that encrypts Kubernetes secrets
 * @param publicAccessCidrs  CIDRs allowed to the public endpoint; empty means private endpoint only
 * @param publicAccessReason why the public endpoint is open to the whole internet, when it is
 * @param privateAccessCidrs IPv4 or IPv6 CIDRs allowed to the private endpoint (tcp/443)
 * @param admins             IAM principal ARNs with cluster admin (access entries)
 * @param viewers            IAM principal ARNs with read-only access
 * @param addonVersions      pinned version of each of {@link ClusterSpec#CORE_ADDONS}
 * @param systemNodes        the Graviton system node group
 * @param kubectlLayer       kubectl layer for the cluster's version ({@link KubectlLayers}); with it the cluster gets
 *                           a kubectl provider and {@link Ipv6Cluster#apply} works; without it, none (GitOps)
 * @param instanceTags       tags for the system nodes' instances, volumes and network interfaces (the stack's tags do
 *                           not reach them through a managed node group); empty by default
 * @param supportType        the upgrade policy; default {@link SupportType#STANDARD} (EKS's default is extended)
 * @param logRetentionDays   days the control-plane log group keeps logs; default 90
 */
public record Ipv6ClusterProps(
        String clusterName,
        KubernetesVersion version,
        ClusterNetwork network,
        IKey secretsKey,
        List<String> publicAccessCidrs,
        Optional<String> publicAccessReason,
        List<String> privateAccessCidrs,
        List<String> admins,
        List<String> viewers,
        Map<String, String> addonVersions,
        ClusterSpec.SystemNodesSpec systemNodes,
        Optional<ILayerVersion> kubectlLayer,
        Map<String, String> instanceTags,
        SupportType supportType,
        int logRetentionDays) {

    public Ipv6ClusterProps {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(secretsKey, "secretsKey");
        publicAccessCidrs = List.copyOf(publicAccessCidrs);
        Objects.requireNonNull(publicAccessReason, "publicAccessReason");
        privateAccessCidrs = List.copyOf(privateAccessCidrs);
        admins = List.copyOf(admins);
        viewers = List.copyOf(viewers);
        addonVersions = Collections.unmodifiableMap(new TreeMap<>(addonVersions));
        Objects.requireNonNull(systemNodes, "systemNodes");
        Objects.requireNonNull(kubectlLayer, "kubectlLayer");
        instanceTags = Collections.unmodifiableMap(new TreeMap<>(instanceTags));
        Objects.requireNonNull(supportType, "supportType");
        if (!clusterName.matches("[0-9A-Za-z][A-Za-z0-9-_]{0,99}")) {
            throw new IllegalArgumentException("clusterName '" + clusterName + "' is not a valid EKS cluster name "
                    + "(1-100 letters, digits, '-' and '_', starting with a letter or digit)");
        }
        if (admins.isEmpty()) {
            throw new IllegalArgumentException("admins is empty: nobody could manage cluster " + clusterName
                    + "; list at least one IAM principal ARN");
        }
        List<String> missing = new ArrayList<>();
        for (String addon : ClusterSpec.CORE_ADDONS) {
            if (!addonVersions.containsKey(addon)) {
                missing.add(addon);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("addonVersions of cluster " + clusterName + " lacks a pinned version "
                    + "for " + String.join(", ", missing) + "; pin every core add-on");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link Ipv6ClusterProps}. */
    public static final class Builder {
        private String clusterName;
        private KubernetesVersion version;
        private ClusterNetwork network;
        private IKey secretsKey;
        private List<String> publicAccessCidrs = List.of();
        private Optional<String> publicAccessReason = Optional.empty();
        private List<String> privateAccessCidrs = List.of();
        private List<String> admins = List.of();
        private List<String> viewers = List.of();
        private Map<String, String> addonVersions = Map.of();
        private ClusterSpec.SystemNodesSpec systemNodes = new ClusterSpec.SystemNodesSpec(List.of("m7g.large"), 2, 3,
                2);
        private Optional<ILayerVersion> kubectlLayer = Optional.empty();
        private Map<String, String> instanceTags = Map.of();
        private SupportType supportType = SupportType.STANDARD;
        private int logRetentionDays = ClusterSpec.DEFAULT_LOG_RETENTION_DAYS;

        private Builder() {
        }

        /** Required. */
        public Builder clusterName(String v) {
            clusterName = v;
            return this;
        }

        /** Required. */
        public Builder version(KubernetesVersion v) {
            version = v;
            return this;
        }

        /** Required. */
        public Builder network(ClusterNetwork v) {
            network = v;
            return this;
        }

        /** Required. */
        public Builder secretsKey(IKey v) {
            secretsKey = v;
            return this;
        }

        /** Default: none, the API endpoint is private. */
        public Builder publicAccessCidrs(List<String> v) {
            publicAccessCidrs = v;
            return this;
        }

        /** Required only when {@code publicAccessCidrs} holds 0.0.0.0/0 or ::/0; default: empty. */
        public Builder publicAccessReason(Optional<String> v) {
            publicAccessReason = v;
            return this;
        }

        /** Default: none; only the cluster's own security group (nodes, the kubectl provider) reaches the API. */
        public Builder privateAccessCidrs(List<String> v) {
            privateAccessCidrs = v;
            return this;
        }

        /** Required, at least one. */
        public Builder admins(List<String> v) {
            admins = v;
            return this;
        }

        /** Default: none. */
        public Builder viewers(List<String> v) {
            viewers = v;
            return this;
        }

        /** Required: every add-on of {@link ClusterSpec#CORE_ADDONS}. */
        public Builder addonVersions(Map<String, String> v) {
            addonVersions = v;
            return this;
        }

        /** Default: 2 to 3 m7g.large on demand. */
        public Builder systemNodes(ClusterSpec.SystemNodesSpec v) {
            systemNodes = v;
            return this;
        }

        /** Default: none, so no kubectl provider (deliver dist/ with GitOps). */
        public Builder kubectlLayer(Optional<ILayerVersion> v) {
            kubectlLayer = v;
            return this;
        }

        /** Default: none. */
        public Builder instanceTags(Map<String, String> v) {
            instanceTags = v;
            return this;
        }

        /** Default: {@link SupportType#STANDARD}. */
        public Builder supportType(SupportType v) {
            supportType = v;
            return this;
        }

        /** Default: 90 days; a CloudWatch Logs retention period. */
        public Builder logRetentionDays(int v) {
            logRetentionDays = v;
            return this;
        }

        public Ipv6ClusterProps build() {
            return new Ipv6ClusterProps(clusterName, version, network, secretsKey, publicAccessCidrs,
                    publicAccessReason, privateAccessCidrs, admins, viewers, addonVersions, systemNodes, kubectlLayer,
                    instanceTags, supportType, logRetentionDays);
        }
    }
}
