package dev.v6platform.network.plan;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code stacks/address-plan.lock.yaml} holds: every allocation made so far. Allocations in the lock never
 * move; the planner only adds to it, and removes an environment only when asked to release it.
 *
 * @param regionPools region to pool, sorted
 * @param vpcs        environment to its VPC, sorted
 */
public record AddressLock(Map<String, Ipv4Cidr> regionPools, Map<String, VpcAllocation> vpcs) {
    public static final AddressLock EMPTY = new AddressLock(Map.of(), Map.of());

    public AddressLock {
        regionPools = Collections.unmodifiableMap(new TreeMap<>(regionPools));
        vpcs = Collections.unmodifiableMap(new TreeMap<>(vpcs));
    }
}
