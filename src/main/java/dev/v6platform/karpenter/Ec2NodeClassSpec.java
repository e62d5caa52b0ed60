package dev.v6platform.karpenter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Karpenter EC2NodeClass (karpenter.k8s.aws/v1) as plain data, with the platform's fixed choices for IPv6
 * clusters: IMDSv2 on IPv4 only (tokens required, hop limit 1: EKS does not support the IPv6 IMDS endpoint and pods
 * use Pod Identity), an encrypted gp3 root volume, and {@code kubelet.maxPods} set, since Karpenter would otherwise
 * compute max pods from IPv4 ENI limits.
 *
 * @param name            EC2NodeClass name
 * @param amiAlias        AMI alias, e.g. {@code al2023@v20251016}
 * @param allowLatest     whether {@code @latest} is accepted (it drifts nodes on every AMI release)
 * @param role            IAM role name of the nodes
 * @param discoveryTag    the cluster name: value of {@code karpenter.sh/discovery} on the node subnets and of
 *                        {@code aws:eks:cluster-name} on the cluster security group EKS creates
 * @param maxPods         pods per node
 * @param rootVolumeGiB   size of the root volume
 * @param tags            tags of the instances and volumes
 */
public record Ec2NodeClassSpec(
        String name,
        String amiAlias,
        boolean allowLatest,
        String role,
        String discoveryTag,
        int maxPods,
        int rootVolumeGiB,
        Map<String, String> tags) {

    public Ec2NodeClassSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(amiAlias, "amiAlias");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(discoveryTag, "discoveryTag");
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** The EC2NodeClass object. */
    public Map<String, Object> toObject() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("amiSelectorTerms", List.of(Map.of("alias", amiAlias)));
        spec.put("role", role);
        spec.put("subnetSelectorTerms", List.of(Map.of("tags", Map.of("karpenter.sh/discovery", discoveryTag))));
        // the cluster security group EKS creates (nodes need it to reach the control plane) carries this tag
        spec.put("securityGroupSelectorTerms", List.of(Map.of("tags", Map.of("aws:eks:cluster-name",
                discoveryTag))));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("httpEndpoint", "enabled");
        metadata.put("httpProtocolIPv6", "disabled");
        metadata.put("httpPutResponseHopLimit", 1);
        metadata.put("httpTokens", "required");
        spec.put("metadataOptions", metadata);
        Map<String, Object> ebs = new LinkedHashMap<>();
        ebs.put("volumeSize", rootVolumeGiB + "Gi");
        ebs.put("volumeType", "gp3");
        ebs.put("encrypted", true);
        ebs.put("deleteOnTermination", true);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("deviceName", "/dev/xvda");
        root.put("ebs", ebs);
        root.put("rootVolume", true);
        spec.put("blockDeviceMappings", List.of(root));
        spec.put("kubelet", Map.of("maxPods", maxPods));
        if (!tags.isEmpty()) {
            spec.put("tags", tags);
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "karpenter.k8s.aws/v1");
        object.put("kind", "EC2NodeClass");
        object.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        object.put("spec", spec);
        return object;
    }
}
