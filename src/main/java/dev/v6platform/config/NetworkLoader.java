package dev.v6platform.config;

import dev.v6platform.network.plan.Ipv4Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code stacks/network.yaml} strictly, with located errors, into a {@link NetworkConfig}.
 */
public final class NetworkLoader {
    /** The private ranges a VPC may use (RFC 1918 and the shared address space of RFC 6598). */
    public static final List<Ipv4Cidr> PRIVATE_RANGES = List.of(Ipv4Cidr.parse("10.0.0.0/8"),
            Ipv4Cidr.parse("172.16.0.0/12"), Ipv4Cidr.parse("192.168.0.0/16"), Ipv4Cidr.parse("100.64.0.0/10"));
    /** Docker's default bridge network: a VPC using it breaks containers that talk to it from a Docker host. */
    public static final Ipv4Cidr DOCKER_BRIDGE = Ipv4Cidr.parse("172.17.0.0/16");

    private NetworkLoader() {
    }

    /** Loads {@code file}; a missing file is an error that says how to create it. */
    public static NetworkConfig load(Path file) {
        Problems problems = new Problems();
        String shown = EnvironmentLoader.display(file);
        if (!Files.exists(file)) {
            problems.add(shown, 0, "", "the address plan's input is missing",
                    "create it with at least 'supernets: [10.0.0.0/8]' (the private range VPCs are planned in)");
            problems.throwIfAny();
        }
        Optional<NetworkConfig> config = EnvironmentLoader.read(file, problems)
                .flatMap(text -> EnvironmentLoader.compose(shown, text, problems))
                .flatMap(root -> YamlObject.of(shown, "", root, problems))
                .map(NetworkLoader::network);
        problems.throwIfAny();
        return config.orElseThrow();
    }

    private static NetworkConfig network(YamlObject y) {
        List<Ipv4Cidr> supernets = new ArrayList<>();
        int before = y.problems().size();
        y.stringList("supernets", "[10.0.0.0/8]").ifPresent(list -> {
            if (list.isEmpty()) {
                y.problem(y.line(), "supernets", "no supernet given", "list at least one private range, e.g. "
                        + "10.0.0.0/8");
            }
            for (Scalar s : list) {
                cidr(y, s).ifPresent(c -> {
                    if (PRIVATE_RANGES.stream().noneMatch(r -> r.contains(c))) {
                        y.problem(s.line(), s.field(), c + " is not a private range", "use a range inside "
                                + "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10");
                    } else if (supernets.stream().anyMatch(o -> o.overlaps(c))) {
                        y.problem(s.line(), s.field(), c + " overlaps another supernet", "list each range once");
                    } else {
                        supernets.add(c);
                    }
                });
            }
        });
        // with a broken supernet list, "outside every supernet" would only repeat that problem
        boolean supernetsOk = y.problems().size() == before;
        List<AddressRange> reserved = ranges(y, "reserved", "reason", supernets, supernetsOk);
        List<AddressRange> inUse = ranges(y, "inUse", "owner", supernets, supernetsOk);
        Map<String, Integer> pools = new LinkedHashMap<>();
        Map<String, Integer> poolLines = new LinkedHashMap<>();
        y.object("regionPools", null).ifPresent(p -> {
            for (String region : p.keys()) {
                p.object(region, null).ifPresent(pool -> {
                    if (!EnvironmentLoader.REGION.matcher(region).matches()) {
                        pool.problem(pool.line(), pool.path(), "'" + region + "' is not an AWS region name",
                                "use a region code such as 'us-east-1'");
                    }
                    pool.integer("prefixLength", "12").ifPresent(len -> {
                        int smallest = supernets.stream().mapToInt(Ipv4Cidr::prefix).min().orElse(8);
                        if (len < smallest || len > 24) {
                            pool.problem(pool.line(), pool.field("prefixLength"), "/" + len + " is not a possible "
                                    + "region pool: it must fit in a supernet and hold a VPC", "use /" + smallest
                                    + " to /24");
                        } else {
                            pools.put(region, len.intValue());
                            poolLines.put(region, p.lineOf(region));
                        }
                    });
                    pool.finish();
                });
            }
        });
        y.finish();
        return new NetworkConfig(supernets, reserved, inUse, pools, poolLines, y.file());
    }

    private static List<AddressRange> ranges(YamlObject y, String key, String noteKey, List<Ipv4Cidr> supernets,
            boolean supernetsOk) {
        List<AddressRange> out = new ArrayList<>();
        y.objectList(key, null).ifPresent(items -> {
            for (YamlObject item : items) {
                Optional<Ipv4Cidr> cidr = item.string("cidr", "10.240.0.0/12").flatMap(s -> cidr(item, s));
                Optional<Scalar> note = item.string(noteKey, "\"carrier integrations\"");
                item.finish();
                if (cidr.isPresent() && note.isPresent()) {
                    if (supernetsOk && supernets.stream().noneMatch(s -> s.overlaps(cidr.get()))) {
                        item.problem(item.line(), item.field("cidr"), cidr.get() + " lies outside every supernet, so "
                                + "it cannot collide with a plan", "remove it, or fix the range");
                    } else {
                        out.add(new AddressRange(cidr.get(), note.get().value(), y.file(), item.line()));
                    }
                }
            }
        });
        return out;
    }

    private static Optional<Ipv4Cidr> cidr(YamlObject y, Scalar s) {
        try {
            return Optional.of(Ipv4Cidr.parse(s.value()));
        } catch (IllegalArgumentException e) {
            y.problem(s.line(), s.field(), e.getMessage(), "write an aligned IPv4 block such as 10.0.0.0/8");
            return Optional.empty();
        }
    }
}
