package dev.v6platform.karpenter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which instance types a region offers in which zones, with the attributes Karpenter's well-known labels describe.
 * The refresh step writes this from {@code DescribeInstanceTypeOfferings} and {@code DescribeInstanceTypes}; synth
 * reads it to refuse pools that no offered type can satisfy.
 *
 * @param types every instance type, by name
 * @param zones the zones each type is offered in, by type name
 */
public record InstanceOfferings(Map<String, InstanceType> types, Map<String, Set<String>> zones) {

    public InstanceOfferings {
        types = Collections.unmodifiableMap(new TreeMap<>(types));
        Map<String, Set<String>> z = new TreeMap<>();
        zones.forEach((k, v) -> z.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
        zones = Collections.unmodifiableMap(z);
    }

    /**
     * One instance type.
     *
     * @param name         e.g. {@code m7g.large}
     * @param architecture arm64 or amd64 (x86_64 is amd64)
     * @param hypervisor   nitro, xen, or empty for bare metal
     * @param vcpus        vCPUs
     */
    public record InstanceType(String name, String architecture, String hypervisor, int vcpus) {
        static final Pattern NAME = Pattern.compile("([a-z]+)(\\d+)([a-z-]*)\\.([a-z0-9]+)");

        public InstanceType {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(hypervisor, "hypervisor");
        }

        /** The value of a well-known label for this type, or null when it has none. */
        String label(String key) {
            Matcher m = NAME.matcher(name);
            boolean parsed = m.matches();
            return switch (key) {
                case Requirement.ARCH -> architecture;
                case Requirement.OS -> "linux";
                case Requirement.INSTANCE_TYPE -> name;
                case Requirement.INSTANCE_HYPERVISOR -> hypervisor;
                case Requirement.INSTANCE_CPU -> String.valueOf(vcpus);
                case Requirement.INSTANCE_FAMILY -> parsed ? m.group(1) + m.group(2) + m.group(3) : null;
                case Requirement.INSTANCE_CATEGORY -> parsed ? m.group(1) : null;
                case Requirement.INSTANCE_GENERATION -> parsed ? m.group(2) : null;
                case Requirement.INSTANCE_SIZE -> parsed ? m.group(4) : null;
                case Requirement.INSTANCE_CPU_MANUFACTURER -> architecture.equals("arm64") ? "aws" : null;
                default -> null;
            };
        }
    }

    /** The offered types that satisfy every requirement of {@code pool} in at least one of {@code zones}. */
    public List<String> satisfying(NodePoolSpec pool, Set<String> zonesWanted) {
        List<String> out = new ArrayList<>();
        for (InstanceType t : types.values()) {
            Set<String> offeredIn = zones.getOrDefault(t.name(), Set.of());
            if (offeredIn.stream().noneMatch(zonesWanted::contains)) {
                continue;
            }
            if (pool.requirements().stream().allMatch(r -> matches(r, t, offeredIn))) {
                out.add(t.name());
            }
        }
        return out;
    }

    private static boolean matches(Requirement r, InstanceType t, Set<String> offeredIn) {
        if (r.key().equals(Requirement.CAPACITY_TYPE)) {
            return true;
        }
        if (r.key().equals(Requirement.ZONE)) {
            return switch (r.operator()) {
                case In -> r.values().stream().anyMatch(offeredIn::contains);
                case NotIn -> !offeredIn.stream().allMatch(r.values()::contains);
                default -> true;
            };
        }
        String value = t.label(r.key());
        return switch (r.operator()) {
            case In -> value != null && r.values().contains(value);
            case NotIn -> value == null || !r.values().contains(value);
            case Exists -> value != null;
            case DoesNotExist -> value == null;
            case Gt -> value != null && value.matches("\\d+") && Long.parseLong(value) > Long.parseLong(r.values().get(0));
            case Lt -> value != null && value.matches("\\d+") && Long.parseLong(value) < Long.parseLong(r.values().get(0));
        };
    }
}
