package dev.v6platform.network.plan;

import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.Problems;
import dev.v6platform.config.Scalar;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.config.YamlObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code stacks/address-plan.lock.yaml}. The text is written by this class alone, sorted and in
 * one fixed layout, so the same lock always gives the same bytes and a change reads as a small diff.
 */
public final class LockFile {
    public static final int VERSION = 1;

    private LockFile() {
    }

    /**
     * A lock as read, with the line of each entry ({@code regionPools.<region>}, {@code vpcs.<environment>}) for
     * the planner's messages.
     */
    public record Read(String file, AddressLock lock, Map<String, Integer> lines) {
        public Read {
            lines = Map.copyOf(lines);
        }
    }

    /** Reads a lock; a missing file is an empty lock. Problems are located in the file. */
    public static AddressLock read(Path file) {
        return readLocated(file).lock();
    }

    /** Reads a lock with the line of each entry. */
    public static Read readLocated(Path file) {
        String shown = EnvironmentLoader.display(file);
        if (!Files.exists(file)) {
            return new Read(shown, AddressLock.EMPTY, Map.of());
        }
        Problems problems = new Problems();
        Map<String, Integer> lines = new LinkedHashMap<>();
        Optional<AddressLock> lock = EnvironmentLoader.read(file, problems)
                .flatMap(text -> EnvironmentLoader.compose(shown, text, problems))
                .flatMap(root -> YamlObject.of(shown, "", root, problems))
                .map(y -> lock(y, lines));
        problems.throwIfAny();
        return new Read(shown, lock.orElseThrow(), lines);
    }

    private static AddressLock lock(YamlObject y, Map<String, Integer> lines) {
        y.integer("version", String.valueOf(VERSION)).ifPresent(v -> {
            if (v != VERSION) {
                y.problem(y.line(), "version", "lock format " + v + " is not known to this version (" + VERSION + ")",
                        "use the v6-platform version that wrote it");
            }
        });
        Map<String, Ipv4Cidr> pools = new LinkedHashMap<>();
        y.stringMap("regionPools", null).ifPresent(map -> map.forEach((region, cidr) -> {
            lines.put("regionPools." + region.value(), region.line());
            cidr(y, cidr).ifPresent(c -> pools.put(region.value(), c));
        }));
        Map<String, VpcAllocation> vpcs = new LinkedHashMap<>();
        y.object("vpcs", null).ifPresent(all -> {
            for (String env : all.keys()) {
                lines.put("vpcs." + env, all.lineOf(env));
                Optional<YamlObject> entry = all.object(env, null);
                if (entry.isEmpty()) {
                    all.problem(all.lineOf(env), all.field(env), "the entry is empty, so its VPC would be planned "
                            + "again and move", "restore the lock from version control, or release the environment "
                            + "with --release " + env);
                }
                entry.ifPresent(v -> vpc(env, v).ifPresent(a -> vpcs.put(env, a)));
            }
        });
        y.finish();
        return new AddressLock(pools, vpcs);
    }

    private static Optional<VpcAllocation> vpc(String env, YamlObject v) {
        Optional<Scalar> account = v.string("account", "\"111111111111\"");
        Optional<Scalar> region = v.string("region", "us-east-1");
        List<Ipv4Cidr> blocks = new ArrayList<>();
        v.stringList("blocks", "[10.0.0.0/20]").ifPresent(list -> {
            if (list.isEmpty()) {
                v.problem(v.lineOf("blocks"), v.field("blocks"), "a VPC needs at least its primary block",
                        "restore the lock from version control");
            }
            list.forEach(s -> cidr(v, s).ifPresent(blocks::add));
        });
        List<SubnetAllocation> subnets = new ArrayList<>();
        v.objectList("subnets", "[]").ifPresent(items -> {
            for (YamlObject s : items) {
                Optional<Scalar> zone = s.string("zone", "us-east-1a");
                Optional<SubnetTier> tier = s.string("tier", "nodes").flatMap(t -> {
                    try {
                        return Optional.of(SubnetTier.fromLabel(t.value()));
                    } catch (IllegalArgumentException e) {
                        s.problem(t.line(), t.field(), e.getMessage(), "use public, nodes or intra");
                        return Optional.empty();
                    }
                });
                Optional<Ipv4Cidr> cidr = s.string("cidr", "10.0.0.0/24").flatMap(c -> cidr(s, c));
                Optional<Long> index = s.integer("ipv6Index", "0");
                s.finish();
                if (zone.isPresent() && tier.isPresent() && cidr.isPresent() && index.isPresent()) {
                    if (index.get() < 0 || index.get() > 255) {
                        s.problem(s.line(), s.field("ipv6Index"), "ipv6Index must be 0 to 255", "restore the lock "
                                + "from version control");
                    } else {
                        subnets.add(new SubnetAllocation(zone.get().value(), tier.get(), cidr.get(),
                                index.get().intValue()));
                    }
                }
            }
        });
        v.finish();
        if (account.isEmpty() || region.isEmpty() || blocks.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new VpcAllocation(env, account.get().value(), region.get().value(), blocks, subnets));
    }

    private static Optional<Ipv4Cidr> cidr(YamlObject y, Scalar s) {
        try {
            return Optional.of(Ipv4Cidr.parse(s.value()));
        } catch (IllegalArgumentException e) {
            y.problem(s.line(), s.field(), e.getMessage(), "restore the lock from version control");
            return Optional.empty();
        }
    }

    /** The lock's text: fixed layout, sorted, ending in a newline. */
    public static String write(AddressLock lock) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Address plan lock, written by v6-platform and committed: review every change.\n");
        sb.append("# Allocations never move; new environments, zones and tiers only take free space.\n");
        sb.append("# Space of a removed environment stays allocated until released:\n");
        sb.append("#   bash scripts/app.sh --release <environment>\n");
        sb.append("version: ").append(VERSION).append('\n');
        sb.append("regionPools:").append(lock.regionPools().isEmpty() ? " {}\n" : "\n");
        lock.regionPools().forEach((region, cidr) -> sb.append("  ").append(region).append(": ").append(cidr)
                .append('\n'));
        sb.append("vpcs:").append(lock.vpcs().isEmpty() ? " {}\n" : "\n");
        for (VpcAllocation v : lock.vpcs().values()) {
            sb.append("  ").append(v.environment()).append(":\n");
            sb.append("    account: \"").append(v.account()).append("\"\n");
            sb.append("    region: ").append(v.region()).append('\n');
            sb.append("    blocks: [").append(v.blocks().stream().map(Ipv4Cidr::toString)
                    .collect(Collectors.joining(", "))).append("]\n");
            sb.append("    subnets:").append(v.subnets().isEmpty() ? " []\n" : "\n");
            for (SubnetAllocation s : v.subnets()) {
                sb.append("      - {zone: ").append(s.zone()).append(", tier: ").append(s.tier().label())
                        .append(", cidr: ").append(s.cidr()).append(", ipv6Index: ").append(s.ipv6Index())
                        .append("}\n");
            }
        }
        return sb.toString();
    }
}
