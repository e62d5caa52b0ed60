package dev.v6platform.network.plan;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.NetworkConfig;
import dev.v6platform.config.NetworkLoader;
import dev.v6platform.config.NetworkSpec;
import dev.v6platform.config.Problems;
import dev.v6platform.config.SubnetTier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans the IPv4 blocks and IPv6 subnet indexes of every environment's VPC in one flat address space, keeping
 * every allocation already in the lock exactly where it is.
 *
 * <pre>
 *   supernet 10.0.0.0/8          (stacks/network.yaml; reserved and in-use ranges cut out)
 *     └─ region pool /12         (optional, per region; allocated once, then locked)
 *          └─ VPC block /20      (primary; up to 4 secondaries when a new zone or tier no longer fits)
 *               └─ subnet        (one per tier and zone; IPv6 /64 number 0..255 of the VPC's /56)
 * </pre>
 *
 * <p>Each level allocates from a {@link FreeSpace} (best fit over aligned blocks). New environments are planned
 * in name order and, within an environment, the largest subnets first, so the result depends only on the input.
 * Rules enforced: VPC blocks /16 to /28, at most {@value VpcAllocation#MAX_BLOCKS} per VPC, one private range
 * family per VPC (100.64.0.0/10 joins any), 172.17.0.0/16 never used, subnets that cannot be resized in place, and
 * the EKS rules checked when the configuration is read (two zones, 16 free addresses per cluster subnet).
 *
 * <pre>{@code
 * AddressPlan plan = AddressPlanner.plan(network, envs, LockFile.read(lockPath), "stacks/address-plan.lock.yaml",
 *         Set.of());
 * }</pre>
 */
public final class AddressPlanner {
    private final NetworkConfig network;
    private final String lockSource;
    private final Problems problems = new Problems();
    private final Map<String, Ipv4Cidr> pools;
    private final Map<String, VpcAllocation> vpcs;
    private final List<String> changes = new ArrayList<>();
    private final List<AddressRange> blocked = new ArrayList<>();
    private final List<AddressRange> discovered;
    private final Map<Ipv4Cidr, FreeSpace> supernetSpaces = new HashMap<>();
    private final Map<Ipv4Cidr, FreeSpace> poolSpaces = new HashMap<>();
    private final Map<String, Integer> lockLines;

    private AddressPlanner(NetworkConfig network, AddressLock lock, String lockSource, Map<String, Integer> lines,
            List<AddressRange> discovered) {
        this.network = network;
        this.discovered = List.copyOf(discovered);
        this.lockSource = lockSource;
        this.lockLines = lines;
        this.pools = new TreeMap<>(lock.regionPools());
        this.vpcs = new TreeMap<>(lock.vpcs());
        blocked.addAll(network.reserved());
        blocked.addAll(network.inUse());
        if (network.supernets().stream().anyMatch(s -> s.overlaps(NetworkLoader.DOCKER_BRIDGE))) {
            blocked.add(new AddressRange(NetworkLoader.DOCKER_BRIDGE, "Docker's default bridge network",
                    network.source(), 0));
        }
    }

    /**
     * Plans {@code envs} on top of {@code lock}.
     *
     * @param release environments whose allocations are given back first (they are planned afresh if still present)
     * @throws dev.v6platform.config.ConfigException with every problem, located in the environment files, the
     *         network file or the lock
     */
    public static AddressPlan plan(NetworkConfig network, List<EnvironmentConfig> envs, AddressLock lock,
            String lockSource, Set<String> release) {
        return plan(network, envs, new LockFile.Read(lockSource, lock, Map.of()), release);
    }

    /** Plans on a lock read from its file, so problems with the lock name their line. */
    public static AddressPlan plan(NetworkConfig network, List<EnvironmentConfig> envs, LockFile.Read lock,
            Set<String> release) {
        return plan(network, envs, lock, release, List.of());
    }

    /**
     * Plans with the IPv4 blocks the refresh step found in the accounts' VPCs ({@code discovered}, VPCs the platform
     * did not create) as used space: new allocations avoid them, and a locked VPC block that one overlaps is a
     * problem, since the addresses would collide on the shared network. A discovered block inside a region pool is
     * fine as long as no VPC of the platform overlaps it.
     */
    public static AddressPlan plan(NetworkConfig network, List<EnvironmentConfig> envs, LockFile.Read lock,
            Set<String> release, List<AddressRange> discovered) {
        AddressPlanner planner = new AddressPlanner(network, lock.lock(), lock.file(), lock.lines(), discovered);
        Map<String, EnvironmentConfig> byName = new TreeMap<>();
        envs.forEach(e -> byName.put(e.name(), e));
        planner.release(release);
        planner.checkLock(byName);
        planner.problems.throwIfAny();
        planner.planPools(byName.values());
        for (EnvironmentConfig env : byName.values()) {
            planner.planVpc(env);
        }
        planner.problems.throwIfAny();
        return new AddressPlan(network, new AddressLock(planner.pools, planner.vpcs), byName, planner.changes);
    }

    private void release(Set<String> release) {
        for (String env : new TreeSet<>(release)) {
            if (vpcs.remove(env) == null) {
                problems.add(lockSource, 0, "vpcs", "there is nothing to release for '" + env + "'",
                        "name an environment in the lock: " + String.join(", ", vpcs.keySet()));
            } else {
                changes.add("released every allocation of " + env);
            }
        }
    }

    /**
     * The fix for a change the lock cannot make in place (a VPC or subnet of another size, another account or
     * region). Re-planning in place does not deploy: the cluster keeps its name, and CloudFormation cannot replace a
     * custom-named resource.
     */
    static final String MOVE_FIX = "to make the change, add a new environment with it (a copy of this file under a "
            + "new name), move the workloads to its cluster, then delete this one and release its space with --release";

    private int lockLine(String key) {
        return lockLines.getOrDefault(key, 0);
    }

    private void lockProblem(String key, String problem) {
        problems.add(lockSource, lockLine(key), key, problem, "restore the lock from version control");
    }

    /** The lock must be consistent and still fit the network file and the environments: nothing may move. */
    private void checkLock(Map<String, EnvironmentConfig> envs) {
        List<Owned> poolList = new ArrayList<>();
        for (Map.Entry<String, Ipv4Cidr> pool : pools.entrySet()) {
            String key = "regionPools." + pool.getKey();
            Ipv4Cidr cidr = pool.getValue();
            String what = "region pool " + pool.getKey() + " (" + cidr + ")";
            if (network.supernets().stream().noneMatch(s -> s.contains(cidr))) {
                problems.add(lockSource, lockLine(key), key, what + " lies outside every supernet in "
                        + network.source(), "add its supernet back, or release the region's environments");
            }
            blockedOverlap(cidr).ifPresent(r -> problems.add(r.source(), r.line(), "", r.cidr() + " (" + r.note()
                    + ") overlaps " + what + " in the lock; allocations never move", "narrow the range so it "
                    + "leaves " + cidr + " alone"));
            Integer wanted = network.regionPools().get(pool.getKey());
            if (wanted != null && wanted != cidr.prefix()) {
                problems.add(network.source(), network.poolLine(pool.getKey()), "regionPools." + pool.getKey()
                        + ".prefixLength", "the pool is locked at " + cidr + " but asks for a /" + wanted + "; a pool "
                        + "cannot be resized in place", "set prefixLength back to " + cidr.prefix());
            }
            poolList.add(new Owned(cidr, pool.getKey()));
        }
        overlaps(poolList, "region pool", "regionPools.");
        List<Owned> blocks = new ArrayList<>();
        for (VpcAllocation v : vpcs.values()) {
            String key = "vpcs." + v.environment();
            EnvironmentConfig env = envs.get(v.environment());
            if (env != null && (!env.account().equals(v.account()) || !env.region().equals(v.region()))) {
                problems.add(env.source(), env.line(), "region", v.environment() + " is planned in account "
                        + v.account() + ", " + v.region() + " but now asks for account " + env.account() + ", "
                        + env.region() + "; its VPC cannot move", "restore account and region; "
                        + MOVE_FIX);
            }
            if (v.blocks().size() > VpcAllocation.MAX_BLOCKS) {
                lockProblem(key, v.environment() + " has " + v.blocks().size() + " IPv4 blocks; a VPC has at most "
                        + VpcAllocation.MAX_BLOCKS);
            }
            if (env != null && v.primary().prefix() != env.network().vpcPrefixLength()) {
                problems.add(env.source(), env.network().line(), "network.vpcPrefixLength", v.environment()
                        + "'s VPC is locked at " + v.primary() + " but asks for a /" + env.network().vpcPrefixLength()
                        + "; a VPC's primary block cannot be resized in place (a VPC that outgrows it gets secondary "
                        + "blocks by itself)", "set vpcPrefixLength back to " + v.primary().prefix() + "; " + MOVE_FIX);
            }
            Ipv4Cidr pool = pools.get(v.region());
            for (Ipv4Cidr block : v.blocks()) {
                String what = v.environment() + "'s VPC block " + block;
                if (block.prefix() < 16 || block.prefix() > 28) {
                    lockProblem(key, what + " is not a VPC size; AWS allows /16 to /28");
                }
                boolean inside = pool != null ? pool.contains(block)
                        : network.supernets().stream().anyMatch(s -> s.contains(block));
                if (!inside) {
                    lockProblem(key, what + " lies outside " + (pool != null ? "region pool " + v.region() + " ("
                            + pool + ")" : "every supernet"));
                }
                if (!sameFamily(v.primary(), block)) {
                    lockProblem(key, what + " mixes RFC 1918 ranges with the primary block " + v.primary());
                }
                blockedOverlap(block).ifPresent(r -> problems.add(r.source(), r.line(), "", r.cidr() + " ("
                        + r.note() + ") overlaps " + what + " in the lock; allocations never move",
                        "narrow the range so it leaves " + block + " alone; if it must stay, add a new "
                                + "environment (its VPC avoids the range), move the workloads to its cluster, then "
                                + "delete " + v.environment() + " and release its space with --release"));
                discovered.stream().filter(r -> r.cidr().overlaps(block)).forEach(r -> problems.add(r.source(),
                        r.line(), "vpcIpv4Blocks", "AWS reports " + r.cidr() + " in use (" + r.note() + "), which "
                        + "overlaps " + what + " in the lock; the two would collide on the shared network",
                        "if that VPC is " + v.environment() + "'s, tag it v6-platform:managed-by=v6-platform and "
                                + "refresh; otherwise renumber or delete that VPC"));
                if (pool == null) {
                    poolList.stream().filter(p -> p.block().overlaps(block)).findFirst().ifPresent(p -> lockProblem(
                            key, what + " overlaps region pool " + p.owner() + " (" + p.block() + ")"));
                }
                blocks.add(new Owned(block, v.environment()));
            }
            checkSubnets(v, key);
        }
        overlaps(blocks, "VPC", "vpcs.");
    }

    private void checkSubnets(VpcAllocation v, String key) {
        List<SubnetAllocation> sorted = new ArrayList<>(v.subnets());
        sorted.sort(Comparator.comparing(SubnetAllocation::cidr));
        BitSet indexes = new BitSet(256);
        Set<String> places = new HashSet<>();
        for (int i = 0; i < sorted.size(); i++) {
            SubnetAllocation s = sorted.get(i);
            String what = v.environment() + "'s " + s.tier().label() + " subnet " + s.cidr() + " in " + s.zone();
            if (s.cidr().prefix() < 16 || s.cidr().prefix() > 28) {
                lockProblem(key, what + " is not a subnet size; AWS allows /16 to /28");
            }
            if (v.blocks().stream().noneMatch(b -> b.contains(s.cidr()))) {
                lockProblem(key, what + " lies outside the VPC's blocks");
            }
            if (i > 0 && sorted.get(i - 1).cidr().overlaps(s.cidr())) {
                lockProblem(key, what + " overlaps " + sorted.get(i - 1).cidr());
            }
            if (indexes.get(s.ipv6Index())) {
                lockProblem(key, what + " reuses IPv6 /64 #" + s.ipv6Index() + " of another subnet");
            }
            indexes.set(s.ipv6Index());
            if (!places.add(s.zone() + "/" + s.tier())) {
                lockProblem(key, what + " is a second " + s.tier().label() + " subnet in " + s.zone());
            }
        }
    }

    /** A block and who holds it (an environment or a region). */
    private record Owned(Ipv4Cidr block, String owner) {
    }

    /** Reports blocks that overlap (a sorted sweep: O(n log n)). */
    private void overlaps(List<Owned> owned, String kind, String keyPrefix) {
        List<Owned> sorted = new ArrayList<>(owned);
        sorted.sort(Comparator.comparing(Owned::block));
        Owned holder = null;
        for (Owned item : sorted) {
            if (holder != null && item.block().start() < holder.block().end()) {
                lockProblem(keyPrefix + item.owner(), item.owner() + "'s " + kind + " block " + item.block()
                        + " overlaps " + holder.block() + " of " + holder.owner());
            }
            if (holder == null || item.block().end() > holder.block().end()) {
                holder = item;
            }
        }
    }

    private Optional<AddressRange> blockedOverlap(Ipv4Cidr cidr) {
        return blocked.stream().filter(r -> r.cidr().overlaps(cidr)).findFirst();
    }

    /** A supernet's free space: everything but the blocked ranges, the pools and the VPC blocks. */
    private FreeSpace supernetSpace(Ipv4Cidr supernet) {
        return supernetSpaces.computeIfAbsent(supernet, s -> {
            List<Ipv4Cidr> used = takenOutsidePools();
            used.addAll(pools.values());
            return new FreeSpace(s, used);
        });
    }

    private FreeSpace poolSpace(Ipv4Cidr pool) {
        return poolSpaces.computeIfAbsent(pool, p -> new FreeSpace(p, takenOutsidePools()));
    }

    /** The blocked ranges, the ranges found in use in AWS, and every VPC block of the lock. */
    private List<Ipv4Cidr> takenOutsidePools() {
        List<Ipv4Cidr> used = new ArrayList<>();
        blocked.forEach(r -> used.add(r.cidr()));
        discovered.forEach(r -> used.add(r.cidr()));
        vpcs.values().forEach(v -> used.addAll(v.blocks()));
        return used;
    }

    private void planPools(Iterable<EnvironmentConfig> envs) {
        for (String region : new ArrayList<>(pools.keySet())) {
            if (!network.regionPools().containsKey(region)) {
                List<String> holders = vpcs.values().stream().filter(v -> v.region().equals(region))
                        .map(VpcAllocation::environment).toList();
                if (holders.isEmpty()) {
                    changes.add("released region pool " + region + ": " + pools.remove(region));
                } else {
                    problems.add(network.source(), 0, "regionPools", "region pool " + region + " ("
                            + pools.get(region) + ") is in the lock and still holds the VPCs of "
                            + String.join(", ", holders) + "; a pool cannot be removed while it holds VPCs",
                            "restore '" + region + ": {prefixLength: " + pools.get(region).prefix() + "}' under "
                                    + "regionPools, or release those environments first");
                }
            }
        }
        for (EnvironmentConfig env : envs) {
            Integer size = network.regionPools().get(env.region());
            if (size == null || pools.containsKey(env.region())) {
                continue;
            }
            List<String> outside = vpcs.values().stream().filter(v -> v.region().equals(env.region()))
                    .map(v -> v.environment() + " (" + v.primary() + ")").toList();
            if (!outside.isEmpty()) {
                problems.add(network.source(), network.poolLine(env.region()), "regionPools." + env.region(),
                        "region " + env.region() + " already has VPCs planned outside a pool: " + String.join(", ",
                                outside) + "; a pool added now could not hold them and they never move",
                        "remove the pool for " + env.region() + ", or release those environments first");
                continue;
            }
            Optional<Ipv4Cidr> pool = Optional.empty();
            for (Ipv4Cidr supernet : network.supernets()) {
                pool = supernetSpace(supernet).allocate(size);
                if (pool.isPresent()) {
                    break;
                }
            }
            if (pool.isEmpty()) {
                problems.add(network.source(), network.poolLine(env.region()), "regionPools." + env.region()
                        + ".prefixLength", "region " + env.region() + " needs a /" + size + " pool; "
                        + largestFreeInSupernets(), "shrink the pool or add a supernet");
                continue;
            }
            pools.put(env.region(), pool.get());
            changes.add("allocated region pool " + env.region() + ": " + pool.get());
        }
    }

    private String largestFreeInSupernets() {
        Optional<Ipv4Cidr> best = Optional.empty();
        for (Ipv4Cidr s : network.supernets()) {
            Optional<Ipv4Cidr> f = supernetSpace(s).largestFree();
            if (f.isPresent() && (best.isEmpty() || f.get().prefix() < best.get().prefix())) {
                best = f;
            }
        }
        return best.map(b -> "the largest free block in the supernets is " + b).orElse("the supernets are full");
    }

    private record Need(String zone, int zoneIndex, SubnetTier tier, int prefix) {
    }

    private void planVpc(EnvironmentConfig env) {
        NetworkSpec spec = env.network();
        VpcAllocation existing = vpcs.get(env.name());
        List<Ipv4Cidr> blocks = existing == null ? new ArrayList<>() : new ArrayList<>(existing.blocks());
        List<SubnetAllocation> subnets = existing == null ? new ArrayList<>() : new ArrayList<>(existing.subnets());
        List<Need> missing = new ArrayList<>();
        for (Map.Entry<SubnetTier, Integer> tier : spec.subnetPrefixLengths().entrySet()) {
            for (int z = 0; z < env.availabilityZones().size(); z++) {
                String zone = env.availabilityZones().get(z);
                Optional<SubnetAllocation> locked = existing == null ? Optional.empty()
                        : existing.subnet(zone, tier.getKey());
                if (locked.isEmpty()) {
                    missing.add(new Need(zone, z, tier.getKey(), tier.getValue()));
                } else if (locked.get().cidr().prefix() != tier.getValue()) {
                    problems.add(env.source(), spec.tierLine(tier.getKey()), "network.subnets." + tier.getKey()
                            .label(), "tier '" + tier.getKey().label() + "' in " + zone + " is locked at "
                            + locked.get().cidr() + " but asks for a /" + tier.getValue() + "; a subnet cannot be "
                            + "resized in place, and a new one beside it would overlap it or take its IPv6 /64 while "
                            + "it still exists", "set it back to /" + locked.get().cidr().prefix() + "; " + MOVE_FIX);
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        missing.sort(Comparator.comparingInt(Need::prefix).thenComparing(Need::tier).thenComparingInt(Need::zoneIndex));
        if (blocks.isEmpty()) {
            long needed = missing.stream().mapToLong(n -> Ipv4Cidr.blockSize(n.prefix())).sum();
            if (needed > Ipv4Cidr.blockSize(spec.vpcPrefixLength())) {
                int fits = 32 - (64 - Long.numberOfLeadingZeros(needed - 1));
                problems.add(env.source(), spec.line(), "network.subnets", env.name() + ": the subnets need "
                        + count(needed) + " addresses (" + env.availabilityZones().size() + " zones x ("
                        + String.join(" + ", spec.subnetPrefixLengths().values().stream().map(p -> "/" + p).toList())
                        + ")) but a /" + spec.vpcPrefixLength() + " VPC holds " + count(Ipv4Cidr.blockSize(
                                spec.vpcPrefixLength())), "set vpcPrefixLength to " + fits + " or less, or shrink "
                        + "the subnet tiers");
                return;
            }
            Optional<Ipv4Cidr> primary = vpcBlock(env, spec.vpcPrefixLength(), Optional.empty());
            if (primary.isEmpty()) {
                problems.add(env.source(), spec.line(), "network.vpcPrefixLength", env.name() + ": the VPC needs a /"
                        + spec.vpcPrefixLength() + " in " + parentName(env) + "; " + largestFree(env),
                        "enlarge the region's pool (regionPools in " + network.source() + ") or shrink "
                                + "vpcPrefixLength");
                return;
            }
            blocks.add(primary.get());
            changes.add(env.name() + ": allocated VPC block " + primary.get());
        }
        Map<Ipv4Cidr, FreeSpace> space = new LinkedHashMap<>();
        for (Ipv4Cidr block : blocks) {
            space.put(block, new FreeSpace(block, subnets.stream().map(SubnetAllocation::cidr).toList()));
        }
        BitSet ipv6 = new BitSet(256);
        subnets.forEach(s -> ipv6.set(s.ipv6Index()));
        for (int i = 0; i < missing.size(); i++) {
            Need need = missing.get(i);
            Optional<Ipv4Cidr> cidr = Optional.empty();
            for (FreeSpace f : space.values()) {
                cidr = f.allocate(need.prefix());
                if (cidr.isPresent()) {
                    break;
                }
            }
            String field = "network.subnets." + need.tier().label();
            if (cidr.isEmpty()) {
                String what = env.name() + ": tier '" + need.tier().label() + "' needs a /" + need.prefix() + " in "
                        + need.zone() + " and the VPC's blocks (" + join(blocks) + ") are full";
                if (blocks.size() >= VpcAllocation.MAX_BLOCKS) {
                    problems.add(env.source(), spec.tierLine(need.tier()), field, what + " and it already has "
                            + VpcAllocation.MAX_BLOCKS + " blocks, the most a VPC can have", "shrink '"
                            + need.tier().label() + "'; " + MOVE_FIX);
                    return;
                }
                long remaining = 0;
                for (int j = i; j < missing.size(); j++) {
                    remaining += Ipv4Cidr.blockSize(missing.get(j).prefix());
                }
                int size = Math.max(16, Math.min(need.prefix(), 32 - (64 - Long.numberOfLeadingZeros(remaining - 1))));
                Optional<Ipv4Cidr> secondary = vpcBlock(env, size, Optional.of(blocks.get(0)));
                if (secondary.isEmpty()) {
                    boolean pooled = pools.containsKey(env.region());
                    String where = pooled ? parentName(env) : "the supernets in the same private range as "
                            + blocks.get(0) + " (" + join(network.supernets().stream()
                                    .filter(sn -> sameFamily(blocks.get(0), sn)).toList()) + ")";
                    String free = pooled ? largestFree(env) : network.supernets().stream()
                            .filter(sn -> sameFamily(blocks.get(0), sn))
                            .map(sn -> supernetSpace(sn).largestFree()).flatMap(Optional::stream)
                            .min(Comparator.comparingInt(Ipv4Cidr::prefix))
                            .map(b -> "the largest free block there is " + b).orElse("they are full");
                    problems.add(env.source(), spec.tierLine(need.tier()), field, what + " and a secondary /" + size
                            + " does not "
                            + "fit in " + where + "; " + free, pooled ? "enlarge the region's pool or shrink '"
                            + need.tier().label() + "'" : "add a supernet in the same range, or shrink '"
                            + need.tier().label() + "'");
                    return;
                }
                blocks.add(secondary.get());
                changes.add(env.name() + ": added secondary VPC block " + secondary.get());
                FreeSpace f = new FreeSpace(secondary.get(), List.of());
                space.put(secondary.get(), f);
                cidr = f.allocate(need.prefix());
            }
            int index = ipv6.nextClearBit(0);
            if (index > 255) {
                problems.add(env.source(), spec.tierLine(need.tier()), field, env.name()
                        + ": the VPC's IPv6 /56 has no free /64 "
                        + "left (256 subnets)", "remove zones or tiers");
                return;
            }
            ipv6.set(index);
            SubnetAllocation subnet = new SubnetAllocation(need.zone(), need.tier(), cidr.orElseThrow(), index);
            subnets.add(subnet);
            changes.add(env.name() + ": allocated " + need.tier().label() + " subnet in " + need.zone() + ": "
                    + subnet.cidr() + " (IPv6 /64 #" + index + ")");
        }
        vpcs.put(env.name(), new VpcAllocation(env.name(), env.account(), env.region(), blocks, subnets));
    }

    /** A VPC block from the region's pool, or else from the supernets; a secondary keeps the primary's family. */
    private Optional<Ipv4Cidr> vpcBlock(EnvironmentConfig env, int prefix, Optional<Ipv4Cidr> primary) {
        Ipv4Cidr pool = pools.get(env.region());
        if (pool != null) {
            return poolSpace(pool).allocate(prefix);
        }
        for (Ipv4Cidr supernet : network.supernets()) {
            if (primary.isPresent() && !sameFamily(primary.get(), supernet)) {
                continue;
            }
            Optional<Ipv4Cidr> block = supernetSpace(supernet).allocate(prefix);
            if (block.isPresent()) {
                return block;
            }
        }
        return Optional.empty();
    }

    /** Blocks may share a VPC when they come from the same RFC 1918 range, or one is in 100.64.0.0/10. */
    static boolean sameFamily(Ipv4Cidr a, Ipv4Cidr b) {
        Ipv4Cidr shared = NetworkLoader.PRIVATE_RANGES.get(3);
        if (shared.contains(a) || shared.contains(b)) {
            return true;
        }
        for (Ipv4Cidr range : NetworkLoader.PRIVATE_RANGES) {
            if (range.contains(a)) {
                return range.contains(b);
            }
        }
        return false;
    }

    private String parentName(EnvironmentConfig env) {
        Ipv4Cidr pool = pools.get(env.region());
        return pool != null ? "region pool " + env.region() + " (" + pool + ")" : "the supernets ("
                + join(network.supernets()) + ")";
    }

    private String largestFree(EnvironmentConfig env) {
        Ipv4Cidr pool = pools.get(env.region());
        if (pool != null) {
            return poolSpace(pool).largestFree().map(b -> "the largest free block in " + pool + " is " + b)
                    .orElse(pool + " is full");
        }
        return largestFreeInSupernets();
    }

    private static String join(List<Ipv4Cidr> cidrs) {
        return String.join(", ", cidrs.stream().map(Ipv4Cidr::toString).toList());
    }

    /** Formats an address count for messages and reports: 4,096. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
