package dev.v6platform.config;

import java.util.Objects;

/**
 * An IPv4 block a VPC of the account holds in the region, for the planner's used space.
 *
 * @param cidr    e.g. {@code 10.16.0.0/16}
 * @param vpcId   the VPC holding it
 * @param managed whether v6-platform created that VPC (tag {@code v6-platform:managed-by}); its blocks are already in
 *                the lock
 */
public record UsedRange(String cidr, String vpcId, boolean managed) {
    public UsedRange {
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(vpcId, "vpcId");
    }
}
