package dev.v6platform.config;

import java.util.Locale;

/**
 * The subnet tiers of a platform VPC; each environment has one subnet per tier in each availability zone.
 */
public enum SubnetTier {
    /** Internet-facing load balancers and the NAT gateways: IPv4 and IPv6 routes to the internet gateway. */
    PUBLIC(false),
    /**
     * Nodes and pods (pods take IPv6 addresses; nodes one IPv4 each): IPv4 egress through NAT, IPv6 egress through
     * the egress-only internet gateway, internal load balancers. An EKS cluster subnet.
     */
    NODES(true),
    /**
     * No route out of the VPC: VPC endpoints, databases, anything that must not reach the internet. Sized like an
     * EKS cluster subnet (16 free addresses or more) so that it can hold EKS interfaces too.
     */
    INTRA(true);

    /** EKS wants at least this many free addresses in each cluster subnet. */
    public static final int EKS_MIN_FREE_ADDRESSES = 16;

    private final boolean clusterSubnet;

    SubnetTier(boolean clusterSubnet) {
        this.clusterSubnet = clusterSubnet;
    }

    /** Whether EKS places network interfaces in this tier (so it needs 16 free addresses or more). */
    public boolean clusterSubnet() {
        return clusterSubnet;
    }

    /** The name used in stacks/ and the lock file. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SubnetTier fromLabel(String label) {
        for (SubnetTier t : values()) {
            if (t.label().equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown subnet tier '" + label + "'");
    }
}
