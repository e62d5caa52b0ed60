package dev.v6platform.config;

/**
 * A Kubernetes minor version supported by the platform: {@code 1.32} to {@code 1.35}.
 *
 * @param minor the minor version, e.g. 33 for Kubernetes 1.33
 */
public record KubernetesVersion(int minor) implements Comparable<KubernetesVersion> {
    /** Oldest supported minor (EKS standard support and the IPv6 features the platform relies on). */
    public static final int MIN_MINOR = 32;
    /** Newest minor the platform is tested against (the schemas in the test suite are v1.35). */
    public static final int MAX_MINOR = 35;

    public KubernetesVersion {
        if (minor < MIN_MINOR || minor > MAX_MINOR) {
            throw new IllegalArgumentException("Kubernetes 1." + minor + " is not supported; use 1." + MIN_MINOR
                    + " to 1." + MAX_MINOR);
        }
    }

    /** Parses {@code "1.33"}. */
    public static KubernetesVersion parse(String text) {
        if (!text.matches("1\\.\\d{1,3}")) {
            throw new IllegalArgumentException("'" + text + "' is not a Kubernetes minor version such as '1.33'");
        }
        return new KubernetesVersion(Integer.parseInt(text.substring(2)));
    }

    /** The EKS form, {@code "1.33"}. */
    @Override
    public String toString() {
        return "1." + minor;
    }

    @Override
    public int compareTo(KubernetesVersion other) {
        return Integer.compare(minor, other.minor);
    }
}
