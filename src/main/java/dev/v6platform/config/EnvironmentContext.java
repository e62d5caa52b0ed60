package dev.v6platform.config;

import java.util.List;
import java.util.Objects;

/**
 * Everything the refresh step learned about one environment's account and region; {@link ContextFile#render}
 * writes it as {@code stacks/context/<environment>.json}.
 *
 * @param environment       the environment's name
 * @param account           its account
 * @param region            its region
 * @param zones             the region's availability zones as the account names them
 * @param instanceTypes     the instance types offered in those zones
 * @param vpcRanges         IPv4 blocks of the account's VPCs in the region
 * @param kubernetesVersion the version the add-on versions were asked for
 * @param addons            the platform's add-ons' versions for that Kubernetes version
 * @param clusterVersions   the Kubernetes versions EKS offers in the region
 * @param amis              whether the Karpenter AMI alias's images exist, per architecture, for
 *                          {@code kubernetesVersion}
 */
public record EnvironmentContext(String environment, String account, String region, List<ZoneFacts> zones,
        List<InstanceTypeFacts> instanceTypes, List<UsedRange> vpcRanges, String kubernetesVersion,
        List<AddonFacts> addons, List<ClusterVersionFacts> clusterVersions, List<AmiFacts> amis) {
    public EnvironmentContext {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(kubernetesVersion, "kubernetesVersion");
        zones = List.copyOf(zones);
        instanceTypes = List.copyOf(instanceTypes);
        vpcRanges = List.copyOf(vpcRanges);
        addons = List.copyOf(addons);
        clusterVersions = List.copyOf(clusterVersions);
        amis = List.copyOf(amis);
    }

    /** A context without AMI facts (no Karpenter, or a context written before the refresh step checked AMIs). */
    public EnvironmentContext(String environment, String account, String region, List<ZoneFacts> zones,
            List<InstanceTypeFacts> instanceTypes, List<UsedRange> vpcRanges, String kubernetesVersion,
            List<AddonFacts> addons, List<ClusterVersionFacts> clusterVersions) {
        this(environment, account, region, zones, instanceTypes, vpcRanges, kubernetesVersion, addons,
                clusterVersions, List.of());
    }
}
