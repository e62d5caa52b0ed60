package dev.v6platform.network.plan;

import static dev.v6platform.network.plan.AddressPlanner.count;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.NetworkLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The address plan as Markdown for reviewers ({@code dist/address-plan.md}): per supernet what is reserved, in
 * use, pooled and free; per account, region and VPC the blocks, each subnet's CIDR, usable addresses and IPv6
 * /64, the utilization, the free blocks and the headroom. Pure Java; deterministic.
 */
public final class AddressPlanReport {
    private static final int MAX_FREE_LISTED = 6;

    private AddressPlanReport() {
    }

    public static String markdown(AddressPlan plan) {
        StringBuilder md = new StringBuilder();
        md.append("# Address plan\n\n");
        md.append("Written by v6-platform from `").append(plan.network().source())
                .append("` and the lock beside it, `address-plan.lock.yaml`. Allocations in the lock never move.\n\n");
        md.append("Picture: [address-plan.svg](address-plan.svg).\n\n");
        summary(plan, md);
        for (Ipv4Cidr supernet : plan.network().supernets()) {
            supernet(plan, supernet, md);
        }
        accounts(plan, md);
        if (!plan.orphans().isEmpty()) {
            md.append("## Kept for removed environments\n\n");
            md.append("These environments are gone from `stacks/` but their space stays allocated until released "
                    + "with `bash scripts/app.sh --release <environment>`: ")
                    .append(String.join(", ", plan.orphans())).append(".\n\n");
        }
        return md.toString();
    }

    private static void summary(AddressPlan plan, StringBuilder md) {
        md.append("## Summary\n\n");
        md.append("| supernet | addresses | reserved | in use elsewhere | region pools | VPC blocks | free "
                + "| largest free block |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Ipv4Cidr s : plan.network().supernets()) {
            long reserved = covered(s, plan.network().reserved().stream().map(AddressRange::cidr).toList());
            long inUse = covered(s, plan.network().inUse().stream().map(AddressRange::cidr).toList());
            long pools = covered(s, List.copyOf(plan.lock().regionPools().values()));
            long vpcs = covered(s, allVpcBlocks(plan));
            FreeSpace free = supernetFree(plan, s);
            md.append("| ").append(s).append(" | ").append(count(s.size())).append(" | ").append(count(reserved))
                    .append(" | ").append(count(inUse)).append(" | ").append(count(pools)).append(" | ")
                    .append(count(vpcs)).append(" | ").append(count(free.freeAddresses())).append(" (")
                    .append(percent(free.freeAddresses(), s.size())).append(") | ")
                    .append(free.largestFree().map(Ipv4Cidr::toString).orElse("none")).append(" |\n");
        }
        md.append('\n');
    }

    private static void supernet(AddressPlan plan, Ipv4Cidr supernet, StringBuilder md) {
        md.append("## Supernet ").append(supernet).append("\n\n");
        md.append("| range | addresses | kind | reason or owner |\n|---|---:|---|---|\n");
        List<String[]> rows = new ArrayList<>();
        for (AddressRange r : plan.network().reserved()) {
            if (r.cidr().overlaps(supernet)) {
                rows.add(new String[] {r.cidr().toString(), count(r.cidr().size()), "reserved", r.note()});
            }
        }
        for (AddressRange r : plan.network().inUse()) {
            if (r.cidr().overlaps(supernet)) {
                rows.add(new String[] {r.cidr().toString(), count(r.cidr().size()), "in use", r.note()});
            }
        }
        rows.sort((a, b) -> Ipv4Cidr.parse(a[0]).compareTo(Ipv4Cidr.parse(b[0])));
        for (String[] row : rows) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.append('\n');
        md.append("| region pool | CIDR | addresses | VPC blocks | utilization | free | largest free block "
                + "| headroom |\n|---|---|---:|---:|---:|---:|---|---|\n");
        for (Map.Entry<String, Ipv4Cidr> pool : plan.lock().regionPools().entrySet()) {
            Ipv4Cidr cidr = pool.getValue();
            if (!supernet.contains(cidr)) {
                continue;
            }
            List<Ipv4Cidr> blocks = allVpcBlocks(plan).stream().filter(cidr::contains).toList();
            long used = blocks.stream().mapToLong(Ipv4Cidr::size).sum();
            FreeSpace free = poolFree(plan, cidr);
            int typical = blocks.stream().mapToInt(Ipv4Cidr::prefix).max().orElse(20);
            md.append("| ").append(pool.getKey()).append(" | ").append(cidr).append(" | ").append(count(cidr.size()))
                    .append(" | ").append(count(used)).append(" | ").append(percent(used, cidr.size())).append(" | ")
                    .append(count(free.freeAddresses())).append(" | ")
                    .append(free.largestFree().map(Ipv4Cidr::toString).orElse("none")).append(" | ")
                    .append(count(headroom(free, typical))).append(" more /").append(typical).append(" VPCs |\n");
        }
        Map<String, List<Ipv4Cidr>> poolless = new TreeMap<>();
        for (VpcAllocation v : plan.lock().vpcs().values()) {
            if (!plan.lock().regionPools().containsKey(v.region())) {
                v.blocks().stream().filter(supernet::contains).forEach(b -> poolless.computeIfAbsent(v.region(),
                        r -> new ArrayList<>()).add(b));
            }
        }
        poolless.forEach((region, blocks) -> md.append("| ").append(region).append(" (no pool) | ").append(supernet)
                .append(" | | ").append(count(blocks.stream().mapToLong(Ipv4Cidr::size).sum()))
                .append(" | | | | |\n"));
        md.append('\n');
    }

    private static void accounts(AddressPlan plan, StringBuilder md) {
        Map<String, Map<String, List<VpcAllocation>>> byAccount = new TreeMap<>();
        for (VpcAllocation v : plan.lock().vpcs().values()) {
            byAccount.computeIfAbsent(v.account(), a -> new TreeMap<>())
                    .computeIfAbsent(v.region(), r -> new ArrayList<>()).add(v);
        }
        for (Map.Entry<String, Map<String, List<VpcAllocation>>> account : byAccount.entrySet()) {
            md.append("## Account ").append(account.getKey()).append("\n\n");
            for (Map.Entry<String, List<VpcAllocation>> region : account.getValue().entrySet()) {
                md.append("### ").append(region.getKey()).append("\n\n");
                for (VpcAllocation v : region.getValue()) {
                    vpc(plan, v, md);
                }
            }
        }
    }

    private static void vpc(AddressPlan plan, VpcAllocation v, StringBuilder md) {
        boolean active = plan.environments().containsKey(v.environment());
        long size = v.blocks().stream().mapToLong(Ipv4Cidr::size).sum();
        long used = v.subnets().stream().mapToLong(s -> s.cidr().size()).sum();
        md.append("#### VPC ").append(v.environment()).append(active ? "" : " (removed; space kept)").append("\n\n");
        md.append("- IPv4 blocks: ");
        for (int i = 0; i < v.blocks().size(); i++) {
            md.append(i == 0 ? "" : ", ").append(v.blocks().get(i)).append(i == 0 ? " (primary)" : " (secondary)");
        }
        md.append("; ").append(count(size)).append(" addresses, ").append(count(used)).append(" in subnets (")
                .append(percent(used, size)).append(")\n");
        List<Ipv4Cidr> free = new ArrayList<>();
        for (Ipv4Cidr block : v.blocks()) {
            free.addAll(new FreeSpace(block, v.subnets().stream().map(SubnetAllocation::cidr).toList()).freeBlocks());
        }
        md.append("- free blocks: ").append(free.isEmpty() ? "none" : String.join(", ", free.stream()
                .limit(MAX_FREE_LISTED).map(Ipv4Cidr::toString).toList()))
                .append(free.size() > MAX_FREE_LISTED ? " and " + (free.size() - MAX_FREE_LISTED) + " more" : "")
                .append('\n');
        List<SubnetAllocation> deployed = active ? plan.activeSubnets(v.environment()) : List.of();
        // the plan knows what the stacks ask for, not what is deployed: it says "planned", never "deployed"
        Set<Integer> sizes = new TreeSet<>(Comparator.reverseOrder());
        v.subnets().forEach(s -> sizes.add(s.cidr().prefix()));
        FreeSpace[] spaces = v.blocks().stream().map(b -> new FreeSpace(b, v.subnets().stream()
                .map(SubnetAllocation::cidr).toList())).toArray(FreeSpace[]::new);
        md.append("- headroom (each size alone, without a new block): ").append(String.join(", ", sizes.stream().map(p -> {
            long n = 0;
            for (FreeSpace f : spaces) {
                n += headroom(f, p);
            }
            return count(n) + " more /" + p;
        }).toList())).append('\n');
        md.append("- IPv6: one /56 for the VPC; subnets use /64 numbers ")
                .append(String.join(", ", v.subnets().stream().map(s -> String.valueOf(s.ipv6Index())).sorted(
                        (a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).toList()))
                .append(" of 256\n\n");
        md.append("| zone | tier | IPv4 | usable | IPv6 /64 | state |\n|---|---|---|---:|---:|---|\n");
        for (SubnetAllocation s : v.subnets()) {
            md.append("| ").append(s.zone()).append(" | ").append(s.tier().label()).append(" | ").append(s.cidr())
                    .append(" | ").append(count(s.cidr().usableInSubnet())).append(" | #").append(s.ipv6Index())
                    .append(" | ").append(state(plan, v, s, deployed.contains(s))).append(" |\n");
        }
        md.append('\n');
    }

    /** How many more blocks of {@code prefix} fit in the free space. */
    static long headroom(FreeSpace free, int prefix) {
        long n = 0;
        for (Ipv4Cidr b : free.freeBlocks()) {
            if (b.prefix() <= prefix) {
                n += b.size() / Ipv4Cidr.blockSize(prefix);
            }
        }
        return n;
    }

    static List<Ipv4Cidr> allVpcBlocks(AddressPlan plan) {
        List<Ipv4Cidr> out = new ArrayList<>();
        plan.lock().vpcs().values().forEach(v -> out.addAll(v.blocks()));
        return out;
    }

    /** Free space of a supernet after everything (reserved, in use, pools, VPC blocks). */
    static FreeSpace supernetFree(AddressPlan plan, Ipv4Cidr supernet) {
        List<Ipv4Cidr> used = new ArrayList<>(List.of(NetworkLoader.DOCKER_BRIDGE));
        plan.network().reserved().forEach(r -> used.add(r.cidr()));
        plan.network().inUse().forEach(r -> used.add(r.cidr()));
        used.addAll(plan.lock().regionPools().values());
        used.addAll(allVpcBlocks(plan));
        return new FreeSpace(supernet, used);
    }

    static FreeSpace poolFree(AddressPlan plan, Ipv4Cidr pool) {
        List<Ipv4Cidr> used = new ArrayList<>(List.of(NetworkLoader.DOCKER_BRIDGE));
        plan.network().reserved().forEach(r -> used.add(r.cidr()));
        plan.network().inUse().forEach(r -> used.add(r.cidr()));
        used.addAll(allVpcBlocks(plan));
        return new FreeSpace(pool, used);
    }

    /** Addresses of {@code parent} covered by the union of {@code blocks}. */
    static long covered(Ipv4Cidr parent, List<Ipv4Cidr> blocks) {
        return parent.size() - new FreeSpace(parent, blocks).freeAddresses();
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /**
     * A subnet's state as far as the plan knows: planned by this synth (not in the committed lock yet), planned (in
     * the lock and asked for by the environment's file), or kept (in the lock, no longer asked for: its space stays
     * allocated). Whether it is deployed is the account's business, not the plan's.
     */
    static String state(AddressPlan plan, VpcAllocation v, SubnetAllocation s, boolean asked) {
        String mark = v.environment() + ": allocated " + s.tier().label() + " subnet in " + s.zone() + ": " + s.cidr()
                + " ";
        if (plan.changes().stream().anyMatch(c -> c.startsWith(mark))) {
            return "new in this plan: commit the lock";
        }
        return asked ? "planned" : "kept, not in the stacks";
    }
}
