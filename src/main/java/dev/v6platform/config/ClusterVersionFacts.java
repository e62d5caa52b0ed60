package dev.v6platform.config;

import java.util.Objects;

/**
 * A Kubernetes version EKS offers in a region ({@code DescribeClusterVersions}).
 *
 * @param version              e.g. {@code 1.34}
 * @param status               {@code STANDARD_SUPPORT}, {@code EXTENDED_SUPPORT} or {@code UNSUPPORTED}
 * @param defaultVersion       whether new clusters get it by default
 * @param endOfStandardSupport ISO date, or empty when EKS did not say
 * @param endOfExtendedSupport ISO date, or empty when EKS did not say
 */
public record ClusterVersionFacts(String version, String status, boolean defaultVersion, String endOfStandardSupport,
        String endOfExtendedSupport) {
    public ClusterVersionFacts {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(endOfStandardSupport, "endOfStandardSupport");
        Objects.requireNonNull(endOfExtendedSupport, "endOfExtendedSupport");
    }
}
