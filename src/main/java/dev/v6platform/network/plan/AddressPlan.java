package dev.v6platform.network.plan;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.NetworkConfig;
import dev.v6platform.config.SubnetTier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The address plan of every environment: the updated lock plus what each environment uses of it now.
 *
 * @param network      the address space it was planned in
 * @param lock         every allocation, including those of environments no longer in {@code stacks/}
 * @param environments the environments planned, by name
 * @param changes      what this run added or released, one line each (empty when the lock was up to date)
 */
public record AddressPlan(NetworkConfig network, AddressLock lock, Map<String, EnvironmentConfig> environments,
        List<String> changes) {

    public AddressPlan {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(lock, "lock");
        environments = Collections.unmodifiableMap(new TreeMap<>(environments));
        changes = List.copyOf(changes);
    }

    /** The VPC allocation of an environment that was planned. */
    public VpcAllocation vpc(String environment) {
        VpcAllocation v = lock.vpcs().get(environment);
        if (v == null || !environments.containsKey(environment)) {
            throw new IllegalArgumentException("environment '" + environment + "' was not planned");
        }
        return v;
    }

    /** The subnets an environment uses now: one per tier and zone of its configuration, tier by tier. */
    public List<SubnetAllocation> activeSubnets(String environment) {
        EnvironmentConfig env = environments.get(environment);
        VpcAllocation vpc = vpc(environment);
        List<SubnetAllocation> out = new ArrayList<>();
        for (SubnetTier tier : SubnetTier.values()) {
            if (env.network().subnetPrefixLengths().containsKey(tier)) {
                for (String zone : env.availabilityZones()) {
                    out.add(vpc.subnet(zone, tier).orElseThrow());
                }
            }
        }
        return out;
    }

    /** Environments whose allocations stay in the lock although they are gone from {@code stacks/}. */
    public List<String> orphans() {
        return lock.vpcs().keySet().stream().filter(e -> !environments.containsKey(e)).toList();
    }
}
