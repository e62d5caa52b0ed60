package dev.v6platform.network;

import dev.v6platform.config.NatGatewayMode;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.config.TransitGateway;
import dev.v6platform.network.plan.SubnetAllocation;
import dev.v6platform.network.plan.VpcAllocation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awscdk.services.kms.IKey;

/**
 * Properties of a {@link DualStackVpc}.
 *
 * @param name                 name tag prefix of every resource (e.g. the environment name)
 * @param allocation           the VPC's planned IPv4 blocks (primary first)
 * @param subnets              the subnets to create, from the plan; at least one public subnet per zone that
 *                             has private subnets
 * @param natGateways          one NAT gateway per zone, or one for the VPC
 * @param flowLogRetentionDays days the flow logs are kept
 * @param flowLogKey           KMS key that encrypts the flow log group; its policy is extended to let CloudWatch
 *                             Logs in the stack's region use it
 * @param discoveryTag         value of {@code karpenter.sh/discovery} on the node subnets (the cluster name)
 * @param ipv6IpamPoolId       IPAM pool for the IPv6 /56; empty for an Amazon-provided /56
 * @param transitGateway       a transit gateway to attach and route ranges to; none by default
 */
public record DualStackVpcProps(
        String name,
        VpcAllocation allocation,
        List<SubnetAllocation> subnets,
        NatGatewayMode natGateways,
        int flowLogRetentionDays,
        IKey flowLogKey,
        String discoveryTag,
        Optional<String> ipv6IpamPoolId,
        Optional<TransitGateway> transitGateway) {

    public DualStackVpcProps {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(allocation, "allocation");
        Objects.requireNonNull(natGateways, "natGateways");
        Objects.requireNonNull(flowLogKey, "flowLogKey");
        Objects.requireNonNull(discoveryTag, "discoveryTag");
        Objects.requireNonNull(ipv6IpamPoolId, "ipv6IpamPoolId");
        Objects.requireNonNull(transitGateway, "transitGateway");
        subnets = List.copyOf(subnets);
        if (subnets.isEmpty()) {
            throw new IllegalArgumentException("a DualStackVpc needs at least one subnet");
        }
        Set<String> publicZones = new TreeSet<>();
        subnets.stream().filter(s -> s.tier() == SubnetTier.PUBLIC).forEach(s -> publicZones.add(s.zone()));
        for (SubnetAllocation s : subnets) {
            if (s.tier() == SubnetTier.NODES && !publicZones.contains(s.zone())) {
                throw new IllegalArgumentException("zone " + s.zone() + " has a node subnet but no public subnet for "
                        + "its NAT gateway; plan a public subnet in every zone");
            }
            if (allocation.blocks().stream().noneMatch(b -> b.contains(s.cidr()))) {
                throw new IllegalArgumentException("subnet " + s.cidr() + " (" + s.tier().label() + ", " + s.zone()
                        + ") lies outside the VPC's blocks " + allocation.blocks());
            }
        }
    }

    /** A VPC attached to no transit gateway. */
    public DualStackVpcProps(String name, VpcAllocation allocation, List<SubnetAllocation> subnets,
            NatGatewayMode natGateways, int flowLogRetentionDays, IKey flowLogKey, String discoveryTag,
            Optional<String> ipv6IpamPoolId) {
        this(name, allocation, subnets, natGateways, flowLogRetentionDays, flowLogKey, discoveryTag, ipv6IpamPoolId,
                Optional.empty());
    }
}
