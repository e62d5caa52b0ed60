package dev.v6platform.network.plan;

import dev.v6platform.config.SubnetTier;
import java.util.Comparator;
import java.util.Objects;

/**
 * One planned subnet: its IPv4 block and the index of its IPv6 /64 within the VPC's /56.
 *
 * @param zone      availability zone name
 * @param tier      subnet tier
 * @param cidr      IPv4 block
 * @param ipv6Index which /64 of the VPC's /56 (0 to 255)
 */
public record SubnetAllocation(String zone, SubnetTier tier, Ipv4Cidr cidr, int ipv6Index) {
    /** Lock-file order: tier, then zone. */
    public static final Comparator<SubnetAllocation> ORDER = Comparator.comparing(SubnetAllocation::tier)
            .thenComparing(SubnetAllocation::zone);

    public SubnetAllocation {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(cidr, "cidr");
        if (ipv6Index < 0 || ipv6Index > 255) {
            throw new IllegalArgumentException("ipv6Index must be 0 to 255 (a /64 of a /56), got " + ipv6Index);
        }
    }
}
