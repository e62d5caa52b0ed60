package dev.v6platform.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An environment's {@code network:} section: the size of its VPC and of each subnet tier, how IPv4 leaves the
 * VPC, and its flow logs.
 *
 * <pre>{@code
 * network:
 *   vpcPrefixLength: 20        # the VPC's primary IPv4 block, /16 to /28
 *   natGateways: perZone       # perZone (default) | single
 *   flowLogRetentionDays: 90   # default 90
 *   subnets:                   # one subnet per tier in each availability zone
 *     public: {prefixLength: 26}
 *     nodes: {hosts: 1000}     # or a prefix length; 'hosts' picks the smallest subnet that leaves that many
 *     intra: {prefixLength: 27}
 *   transitGateway:            # optional: the corporate WAN ({@link TransitGateway})
 *     id: tgw-0a1b2c3d4e5f67890
 *     routes: [10.0.0.0/12]
 * }</pre>
 *
 * @param vpcPrefixLength      prefix length of the VPC's primary IPv4 block
 * @param natGateways          NAT gateway layout; default {@link NatGatewayMode#PER_ZONE}
 * @param flowLogRetentionDays days VPC flow logs are kept; default 90
 * @param subnetPrefixLengths  prefix length of each tier's subnets; {@code public} and {@code nodes} are required
 * @param ipv6IpamPoolId       IPAM pool for the VPC's IPv6 /56; empty for an Amazon-provided /56 (the default)
 * @param line                 line of the {@code network:} key, for messages
 * @param tierLines            line of each tier's key under {@code subnets:}, for messages; a tier without one
 *                             is reported at {@code line}
 * @param transitGateway       the transit gateway the VPC attaches to, and the ranges routed there; none by default
 */
public record NetworkSpec(
        int vpcPrefixLength,
        NatGatewayMode natGateways,
        int flowLogRetentionDays,
        Map<SubnetTier, Integer> subnetPrefixLengths,
        Optional<String> ipv6IpamPoolId,
        int line,
        Map<SubnetTier, Integer> tierLines,
        Optional<TransitGateway> transitGateway) {

    public static final int DEFAULT_FLOW_LOG_RETENTION_DAYS = 90;

    public NetworkSpec {
        Objects.requireNonNull(natGateways, "natGateways");
        Objects.requireNonNull(ipv6IpamPoolId, "ipv6IpamPoolId");
        subnetPrefixLengths = Collections.unmodifiableMap(new EnumMap<>(subnetPrefixLengths));
        tierLines = tierLines.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(tierLines));
        Objects.requireNonNull(transitGateway, "transitGateway");
    }

    /** A network section whose tiers are reported at the section's line. */
    public NetworkSpec(int vpcPrefixLength, NatGatewayMode natGateways, int flowLogRetentionDays,
            Map<SubnetTier, Integer> subnetPrefixLengths, Optional<String> ipv6IpamPoolId, int line) {
        this(vpcPrefixLength, natGateways, flowLogRetentionDays, subnetPrefixLengths, ipv6IpamPoolId, line, Map.of(),
                Optional.empty());
    }

    /** The line of {@code tier}'s key, or of the section. */
    public int tierLine(SubnetTier tier) {
        return tierLines.getOrDefault(tier, line);
    }
}
