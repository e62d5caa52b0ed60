package dev.v6platform.config;

import java.util.List;
import java.util.Objects;

/**
 * One EC2 instance type as the refresh step records it: what Karpenter's labels describe, the limits that matter on
 * an IPv6 cluster, and the zones it is offered in.
 *
 * @param name                 e.g. {@code m7g.large}
 * @param architecture         {@code arm64} or {@code amd64} (EC2's x86_64)
 * @param hypervisor           {@code nitro}, {@code xen}, or empty for bare metal
 * @param vcpus                default vCPUs
 * @param memoryMiB            memory
 * @param maxNetworkInterfaces ENIs
 * @param ipv6PerInterface     IPv6 addresses per ENI
 * @param zones                the zones (by name) that offer it, sorted
 */
public record InstanceTypeFacts(String name, String architecture, String hypervisor, int vcpus, long memoryMiB,
        int maxNetworkInterfaces, int ipv6PerInterface, List<String> zones) {
    public InstanceTypeFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(hypervisor, "hypervisor");
        zones = List.copyOf(zones);
    }
}
