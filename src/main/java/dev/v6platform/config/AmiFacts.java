package dev.v6platform.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether an AMI release that Karpenter's alias names exists for one Kubernetes version and architecture, as the
 * refresh step found it (EC2 {@code DescribeImages}, Amazon-owned images, by the release's image name).
 *
 * @param alias             the EC2NodeClass alias, e.g. {@code al2023@v20251016}
 * @param kubernetesVersion the Kubernetes version, e.g. {@code 1.34}
 * @param architecture      {@code arm64} or {@code amd64}
 * @param imageName         the image name (pattern) asked for, e.g.
 *                          {@code amazon-eks-node-al2023-arm64-standard-1.34-v20251016}
 * @param imageId           the image found, or empty when AWS has none: Karpenter could not resolve the alias
 */
public record AmiFacts(String alias, String kubernetesVersion, String architecture, String imageName,
        String imageId) {
    public AmiFacts {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(kubernetesVersion, "kubernetesVersion");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(imageName, "imageName");
        Objects.requireNonNull(imageId, "imageId");
    }

    /** Whether the image exists. */
    public boolean exists() {
        return !imageId.isEmpty();
    }

    /**
     * The name of the image an alias resolves to for one Kubernetes version and architecture, as a
     * {@code DescribeImages} name filter ({@code *} matches Bottlerocket's build suffix); empty for {@code @latest},
     * which Karpenter resolves through the {@code recommended} parameter that always exists.
     */
    public static Optional<String> imageName(String alias, String kubernetesVersion, String architecture) {
        String[] parts = alias.split("@", 2);
        if (parts.length != 2 || parts[1].equals("latest")) {
            return Optional.empty();
        }
        boolean arm = architecture.equals("arm64");
        return switch (parts[0]) {
            case "al2023" -> Optional.of("amazon-eks-node-al2023-" + (arm ? "arm64" : "x86_64")
                    + "-standard-" + kubernetesVersion + "-" + parts[1]);
            case "bottlerocket" -> Optional.of("bottlerocket-aws-k8s-" + kubernetesVersion + "-"
                    + (arm ? "aarch64" : "x86_64") + "-" + parts[1] + "-*");
            default -> Optional.empty();
        };
    }
}
