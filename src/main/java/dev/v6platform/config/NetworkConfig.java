package dev.v6platform.config;

import dev.v6platform.network.plan.Ipv4Cidr;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The company's IPv4 space, from {@code stacks/network.yaml}: where VPCs may be allocated and what must be left
 * alone.
 *
 * <pre>{@code
 * supernets: [10.0.0.0/8]
 * reserved:
 *   - {cidr: 10.240.0.0/12, reason: carrier integrations}
 * inUse:
 *   - {cidr: 10.0.0.0/14, owner: on-premises data centres}
 * regionPools:
 *   us-east-1: {prefixLength: 12}
 * }</pre>
 *
 * @param supernets   the private ranges VPCs are planned in, in order of preference
 * @param reserved    ranges never to allocate (172.17.0.0/16, Docker's bridge, is added wherever a supernet covers it)
 * @param inUse       ranges other systems use (typed here, or imported by the refresh step)
 * @param regionPools per region, the size of the pool its VPCs are carved from; a region without a pool takes its
 *                    VPCs straight from the supernets
 * @param regionPoolLines line of each region pool in the file, for messages
 * @param source      the file, for messages
 */
public record NetworkConfig(
        List<Ipv4Cidr> supernets,
        List<AddressRange> reserved,
        List<AddressRange> inUse,
        Map<String, Integer> regionPools,
        Map<String, Integer> regionPoolLines,
        String source) {

    /** Without line numbers (programmatic use). */
    public NetworkConfig(List<Ipv4Cidr> supernets, List<AddressRange> reserved, List<AddressRange> inUse,
            Map<String, Integer> regionPools, String source) {
        this(supernets, reserved, inUse, regionPools, Map.of(), source);
    }

    /** The line of a region pool in the file, or 0. */
    public int poolLine(String region) {
        return regionPoolLines.getOrDefault(region, 0);
    }

    public NetworkConfig {
        supernets = List.copyOf(supernets);
        reserved = List.copyOf(reserved);
        inUse = List.copyOf(inUse);
        regionPools = Collections.unmodifiableMap(new TreeMap<>(regionPools));
        regionPoolLines = Collections.unmodifiableMap(new TreeMap<>(regionPoolLines));
        Objects.requireNonNull(source, "source");
    }
}
