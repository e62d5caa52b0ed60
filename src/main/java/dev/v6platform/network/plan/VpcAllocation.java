package dev.v6platform.network.plan;

import dev.v6platform.config.SubnetTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The IPv4 blocks and subnets one environment's VPC holds in the lock.
 *
 * @param environment environment name
 * @param account     AWS account id
 * @param region      AWS region
 * @param blocks      the VPC's IPv4 blocks: the primary first, then secondaries in the order they were added
 * @param subnets     subnets, sorted by tier and zone
 */
public record VpcAllocation(String environment, String account, String region, List<Ipv4Cidr> blocks,
        List<SubnetAllocation> subnets) {
    /** AWS's default quota of IPv4 blocks per VPC (the primary and four secondaries). */
    public static final int MAX_BLOCKS = 5;

    public VpcAllocation {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        blocks = List.copyOf(blocks);
        List<SubnetAllocation> sorted = new ArrayList<>(subnets);
        sorted.sort(SubnetAllocation.ORDER);
        subnets = List.copyOf(sorted);
    }

    public Ipv4Cidr primary() {
        return blocks.get(0);
    }

    public Optional<SubnetAllocation> subnet(String zone, SubnetTier tier) {
        return subnets.stream().filter(s -> s.zone().equals(zone) && s.tier() == tier).findFirst();
    }
}
