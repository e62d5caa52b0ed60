package dev.v6platform.network.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.NetworkLoader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What every address plan must satisfy, whatever its input. */
final class PlanInvariants {
    private PlanInvariants() {
    }

    static void check(AddressPlan p) {
        List<Ipv4Cidr> pools = new ArrayList<>(p.lock().regionPools().values());
        List<Ipv4Cidr> blocks = new ArrayList<>();
        for (Ipv4Cidr pool : pools) {
            assertThat(p.network().supernets()).as("pool %s inside a supernet", pool).anyMatch(s -> s.contains(pool));
        }
        assertDisjoint(pools, "region pools");
        for (VpcAllocation v : p.lock().vpcs().values()) {
            Ipv4Cidr pool = p.lock().regionPools().get(v.region());
            assertThat(v.blocks()).hasSizeBetween(1, VpcAllocation.MAX_BLOCKS);
            for (Ipv4Cidr b : v.blocks()) {
                assertThat(b.prefix()).isBetween(16, 28);
                assertThat(AddressPlanner.sameFamily(v.primary(), b)).as("%s mixes ranges with %s", b, v.primary())
                        .isTrue();
                assertThat(b.overlaps(NetworkLoader.DOCKER_BRIDGE)).isFalse();
                if (pool != null) {
                    assertThat(pool.contains(b)).as("%s inside pool %s", b, pool).isTrue();
                } else {
                    assertThat(p.network().supernets()).anyMatch(s -> s.contains(b));
                    assertThat(pools).noneMatch(pl -> pl.overlaps(b));
                }
                for (AddressRange r : p.network().reserved()) {
                    assertThat(r.cidr().overlaps(b)).as("%s overlaps reserved %s", b, r.cidr()).isFalse();
                }
                for (AddressRange r : p.network().inUse()) {
                    assertThat(r.cidr().overlaps(b)).as("%s overlaps in-use %s", b, r.cidr()).isFalse();
                }
                blocks.add(b);
            }
            List<Ipv4Cidr> subnets = new ArrayList<>();
            Set<Integer> indexes = new HashSet<>();
            for (SubnetAllocation s : v.subnets()) {
                assertThat(v.blocks()).as("%s inside a block of %s", s.cidr(), v.environment())
                        .anyMatch(b -> b.contains(s.cidr()));
                assertThat(indexes.add(s.ipv6Index())).as("IPv6 index %d used once", s.ipv6Index()).isTrue();
                subnets.add(s.cidr());
            }
            assertDisjoint(subnets, "subnets of " + v.environment());
        }
        assertDisjoint(blocks, "VPC blocks");
    }

    private static void assertDisjoint(List<Ipv4Cidr> cidrs, String what) {
        List<Ipv4Cidr> sorted = new ArrayList<>(cidrs);
        sorted.sort(null);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i - 1).overlaps(sorted.get(i))).as("%s: %s overlaps %s", what, sorted.get(i - 1),
                    sorted.get(i)).isFalse();
        }
    }
}
