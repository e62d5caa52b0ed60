package dev.v6platform.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One environment, parsed from one file in {@code stacks/}: where it lives and what it runs.
 *
 * <pre>{@code
 * name: dev-use1
 * account: "111111111111"
 * region: us-east-1
 * availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
 * kubernetesVersion: "1.33"
 * tags: {team: platform}
 * network:
 *   vpcPrefixLength: 20
 *   subnets: {public: {prefixLength: 26}, nodes: {prefixLength: 22}, intra: {prefixLength: 27}}
 * namespaces:
 *   - {name: ci, podSecurity: baseline}
 * }</pre>
 *
 * @param name              environment name, unique across {@code stacks/}; names the stack and {@code dist/<name>/}
 * @param account           12-digit AWS account id
 * @param region            AWS region
 * @param availabilityZones at least two zones of the region, in order
 * @param kubernetesVersion the cluster's Kubernetes minor version
 * @param tags              tags applied to every resource, sorted by key; empty by default
 * @param network           the VPC's size, subnet tiers and egress (see {@link NetworkSpec})
 * @param cluster           the EKS cluster's access, endpoint, add-ons and system nodes (see {@link ClusterSpec})
 * @param karpenter         Karpenter's node class and pools (see {@link KarpenterSpec}); empty for no Karpenter
 * @param buildkit          the BuildKit fleet (see {@link BuildkitSpec}); empty for none
 * @param metrics           the managed Prometheus workspace and alerting (see {@link MetricsSpec}); empty for none
 * @param namespaces        extra namespaces to create; empty by default
 * @param acknowledgedReplacements resource replacements accepted for the next deploy (see
 *                          {@link AcknowledgedReplacement}); empty by default
 * @param source            the file it was read from, as shown in messages
 * @param line              line of its {@code name:} key, for messages
 */
public record EnvironmentConfig(
        String name,
        String account,
        String region,
        List<String> availabilityZones,
        KubernetesVersion kubernetesVersion,
        Map<String, String> tags,
        NetworkSpec network,
        ClusterSpec cluster,
        Optional<KarpenterSpec> karpenter,
        Optional<BuildkitSpec> buildkit,
        Optional<MetricsSpec> metrics,
        List<NamespaceConfig> namespaces,
        List<AcknowledgedReplacement> acknowledgedReplacements,
        String source,
        int line) {

    /** Without acknowledged replacements. */
    public EnvironmentConfig(String name, String account, String region, List<String> availabilityZones,
            KubernetesVersion kubernetesVersion, Map<String, String> tags, NetworkSpec network, ClusterSpec cluster,
            Optional<KarpenterSpec> karpenter, Optional<BuildkitSpec> buildkit, Optional<MetricsSpec> metrics,
            List<NamespaceConfig> namespaces, String source, int line) {
        this(name, account, region, availabilityZones, kubernetesVersion, tags, network, cluster, karpenter,
                buildkit, metrics, namespaces, List.of(), source, line);
    }

    public EnvironmentConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(kubernetesVersion, "kubernetesVersion");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(karpenter, "karpenter");
        Objects.requireNonNull(buildkit, "buildkit");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(source, "source");
        availabilityZones = List.copyOf(availabilityZones);
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        namespaces = List.copyOf(namespaces);
        acknowledgedReplacements = List.copyOf(acknowledgedReplacements);
    }
}
