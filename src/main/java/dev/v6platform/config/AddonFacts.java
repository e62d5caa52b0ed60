package dev.v6platform.config;

import java.util.List;
import java.util.Objects;

/**
 * An EKS add-on's versions for one Kubernetes version.
 *
 * @param name           e.g. {@code vpc-cni}
 * @param defaultVersion the version EKS installs by default on that Kubernetes version
 * @param latestVersion  the newest version compatible with it
 * @param compatible     every version compatible with it, newest first
 */
public record AddonFacts(String name, String defaultVersion, String latestVersion, List<String> compatible) {
    public AddonFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultVersion, "defaultVersion");
        Objects.requireNonNull(latestVersion, "latestVersion");
        compatible = List.copyOf(compatible);
    }
}
