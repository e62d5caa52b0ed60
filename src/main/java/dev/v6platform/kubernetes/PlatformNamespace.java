package dev.v6platform.kubernetes;

import dev.v6platform.config.PodSecurityLevel;

/**
 * The namespaces the platform itself owns, with the Pod Security level each one needs and why.
 * Karpenter's controller runs in {@code kube-system}, which EKS creates.
 */
public enum PlatformNamespace {
    /**
     * The BuildKit fleet. Rootless buildkitd needs seccomp and AppArmor {@code Unconfined}, which only the
     * privileged level admits; the pods still run as uid 1000 without privileged mode.
     */
    BUILDKIT("buildkit", PodSecurityLevel.PRIVILEGED),
    /**
     * Builders that {@code docker buildx create --driver kubernetes} starts for the BuildKit clients: privileged
     * level for the same reason, kept apart from the fleet (its certificates, cache volumes and Service) because the
     * clients create Deployments and exec into pods here; an admission policy keeps those Deployments rootless.
     */
    BUILDKIT_DRIVERS("buildkit-drivers", PodSecurityLevel.PRIVILEGED),
    /** The OpenTelemetry collector that ships metrics to Amazon Managed Service for Prometheus. */
    OBSERVABILITY("observability", PodSecurityLevel.RESTRICTED);

    private final String namespaceName;
    private final PodSecurityLevel podSecurity;

    PlatformNamespace(String namespaceName, PodSecurityLevel podSecurity) {
        this.namespaceName = namespaceName;
        this.podSecurity = podSecurity;
    }

    public String namespaceName() {
        return namespaceName;
    }

    public PodSecurityLevel podSecurity() {
        return podSecurity;
    }
}
