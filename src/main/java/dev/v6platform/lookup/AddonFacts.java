package dev.v6platform.lookup;

import java.util.Objects;

/**
 * An EKS add-on's versions for one Kubernetes version.
 *
 * @param name           e.g. {@code vpc-cni}
 * @param defaultVersion the version EKS installs by default on that Kubernetes version
 * @param latestVersion  the newest version compatible with it
 */
public record AddonFacts(String name, String defaultVersion, String latestVersion) {
    public AddonFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultVersion, "defaultVersion");
        Objects.requireNonNull(latestVersion, "latestVersion");
    }
}
