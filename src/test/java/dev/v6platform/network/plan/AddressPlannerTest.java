package dev.v6platform.network.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.ClusterSpec;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.KubernetesDelivery;
import dev.v6platform.config.KubernetesVersion;
import dev.v6platform.config.NatGatewayMode;
import dev.v6platform.config.NetworkConfig;
import dev.v6platform.config.NetworkSpec;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.testing.FixtureSynthesis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AddressPlannerTest {
    static final String LOCK = "stacks/address-plan.lock.yaml";
    static final ClusterSpec CLUSTER = new ClusterSpec(List.of(), Optional.empty(), List.of(),
            List.of("arn:aws:iam::111111111111:role/admins"), List.of(), Map.of("vpc-cni", "v1.20.4-eksbuild.1",
                    "coredns", "v1.12.4-eksbuild.1", "kube-proxy", "v1.33.5-eksbuild.2", "eks-pod-identity-agent",
                    "v1.3.10-eksbuild.2"), new ClusterSpec.SystemNodesSpec(List.of("m7g.large"), 2, 3, 2),
                KubernetesDelivery.GITOPS, 1);

    static NetworkConfig network(String supernets, Map<String, Integer> pools, String... reserved) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String r : reserved) {
            ranges.add(new AddressRange(Ipv4Cidr.parse(r), "carrier integrations", "stacks/network.yaml", 7));
        }
        return new NetworkConfig(FreeSpaceTest.cidrs(supernets), ranges, List.of(), pools, "stacks/network.yaml");
    }

    static EnvironmentConfig env(String name, String region, int zones, int vpc, int pub, int nodes, int intra) {
        Map<SubnetTier, Integer> tiers = new EnumMap<>(SubnetTier.class);
        tiers.put(SubnetTier.PUBLIC, pub);
        tiers.put(SubnetTier.NODES, nodes);
        if (intra > 0) {
            tiers.put(SubnetTier.INTRA, intra);
        }
        List<String> azs = new ArrayList<>();
        for (int i = 0; i < zones; i++) {
            azs.add(region + (char) ('a' + i));
        }
        return new EnvironmentConfig(name, "111111111111", region, azs, new KubernetesVersion(33), Map.of(),
                new NetworkSpec(vpc, NatGatewayMode.PER_ZONE, 90, tiers, Optional.empty(), 12), CLUSTER, Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), "stacks/" + name + ".yaml", 1);
    }

    static AddressPlan plan(NetworkConfig n, AddressLock lock, EnvironmentConfig... envs) {
        return AddressPlanner.plan(n, List.of(envs), lock, LOCK, Set.of());
    }

    @Test
    void plans_a_vpc_and_one_subnet_per_tier_and_zone_largest_first() {
        AddressPlan p = plan(network("10.0.0.0/16", Map.of()), AddressLock.EMPTY,
                env("dev", "us-east-1", 2, 20, 26, 23, 27));

        VpcAllocation vpc = p.vpc("dev");
        assertThat(vpc.blocks()).containsExactly(Ipv4Cidr.parse("10.0.0.0/20"));
        assertThat(p.activeSubnets("dev")).extracting(s -> s.tier().label() + " " + s.zone() + " " + s.cidr() + " #"
                + s.ipv6Index()).containsExactly(
                "public us-east-1a 10.0.4.0/26 #2", "public us-east-1b 10.0.4.64/26 #3",
                "nodes us-east-1a 10.0.0.0/23 #0", "nodes us-east-1b 10.0.2.0/23 #1",
                "intra us-east-1a 10.0.4.128/27 #4", "intra us-east-1b 10.0.4.160/27 #5");
    }

    @Test
    void region_pools_are_carved_first_and_vpcs_come_from_their_region_pool() {
        NetworkConfig n = network("10.0.0.0/8", Map.of("eu-west-1", 12, "us-east-1", 12), "10.0.0.0/12");

        AddressPlan p = plan(n, AddressLock.EMPTY, env("a-euw1", "eu-west-1", 2, 20, 26, 23, 0),
                env("b-use1", "us-east-1", 2, 20, 26, 23, 0));

        assertThat(p.lock().regionPools()).containsEntry("eu-west-1", Ipv4Cidr.parse("10.16.0.0/12"))
                .containsEntry("us-east-1", Ipv4Cidr.parse("10.32.0.0/12"));
        assertThat(p.vpc("a-euw1").primary()).isEqualTo(Ipv4Cidr.parse("10.16.0.0/20"));
        assertThat(p.vpc("b-use1").primary()).isEqualTo(Ipv4Cidr.parse("10.32.0.0/20"));
    }

    @Test
    void adding_an_environment_leaves_every_earlier_allocation_byte_identical() {
        NetworkConfig n = network("10.0.0.0/8", Map.of("us-east-1", 12), "10.0.0.0/12");
        EnvironmentConfig a = env("a", "us-east-1", 3, 20, 26, 23, 27);
        EnvironmentConfig c = env("c", "us-east-1", 2, 21, 27, 24, 0);
        AddressLock first = plan(n, AddressLock.EMPTY, a, c).lock();

        AddressPlan second = plan(n, first, a, env("b", "us-east-1", 3, 19, 25, 21, 27), c);

        assertThat(second.lock().vpcs().get("a")).isEqualTo(first.vpcs().get("a"));
        assertThat(second.lock().vpcs().get("c")).isEqualTo(first.vpcs().get("c"));
        assertThat(LockFile.write(second.lock())).contains(vpcText(first, "a")).contains(vpcText(first, "c"));
        assertThat(second.changes()).allMatch(change -> change.startsWith("b: "));
    }

    static AddressRange discovered(String cidr) {
        return new AddressRange(Ipv4Cidr.parse(cidr), "VPC vpc-0legacy of account 111111111111 in us-east-1",
                "stacks/context/dev.json", 0);
    }

    @Test
    void vpc_blocks_the_refresh_step_found_are_avoided_by_new_allocations_even_inside_a_locked_pool() {
        NetworkConfig n = network("10.0.0.0/8", Map.of("us-east-1", 12), "10.0.0.0/12");
        AddressLock pooled = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 20, 26, 23, 0)).lock();
        Ipv4Cidr aBlock = pooled.vpcs().get("a").primary();
        Ipv4Cidr next = Ipv4Cidr.of(aBlock.end(), 20);

        AddressPlan p = AddressPlanner.plan(n, List.of(env("a", "us-east-1", 2, 20, 26, 23, 0),
                env("b", "us-east-1", 2, 20, 26, 23, 0)), new LockFile.Read(LOCK, pooled, Map.of()), Set.of(),
                List.of(discovered(next.toString())));

        assertThat(p.vpc("a").primary()).isEqualTo(aBlock);
        assertThat(p.vpc("b").primary()).isNotEqualTo(next).satisfies(b -> assertThat(b.overlaps(next)).isFalse());
        assertThat(AddressPlanner.plan(n, List.of(env("a", "us-east-1", 2, 20, 26, 23, 0),
                env("b", "us-east-1", 2, 20, 26, 23, 0)), new LockFile.Read(LOCK, pooled, Map.of()), Set.of(),
                List.of()).vpc("b").primary()).as("without the discovered block, b would take it").isEqualTo(next);
    }

    @Test
    void a_discovered_vpc_block_overlapping_a_locked_vpc_is_refused_naming_the_vpc_and_the_fix() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("dev", "us-east-1", 2, 20, 26, 23, 0)).lock();

        assertThatThrownBy(() -> AddressPlanner.plan(n, List.of(env("dev", "us-east-1", 2, 20, 26, 23, 0)),
                new LockFile.Read(LOCK, lock, Map.of()), Set.of(), List.of(discovered("10.0.8.0/24"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stacks/context/dev.json: vpcIpv4Blocks: AWS reports 10.0.8.0/24 in use (VPC "
                        + "vpc-0legacy of account 111111111111 in us-east-1), which overlaps dev's VPC block "
                        + "10.0.0.0/20 in the lock")
                .hasMessageContaining("tag it v6-platform:managed-by=v6-platform and refresh");
    }

    /** The lock-file text of one environment's VPC. */
    static String vpcText(AddressLock lock, String env) {
        String one = LockFile.write(new AddressLock(Map.of(), Map.of(env, lock.vpcs().get(env))));
        return one.substring(one.indexOf("vpcs:\n") + "vpcs:\n".length());
    }

    @Test
    void planning_again_with_an_up_to_date_lock_changes_nothing() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        EnvironmentConfig a = env("a", "us-east-1", 2, 20, 26, 23, 0);
        AddressLock lock = plan(n, AddressLock.EMPTY, a).lock();

        AddressPlan again = plan(n, lock, a);

        assertThat(again.changes()).isEmpty();
        assertThat(again.lock()).isEqualTo(lock);
    }

    @Test
    void adding_a_zone_or_a_tier_only_takes_free_space() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 20, 26, 23, 0)).lock();

        AddressPlan grown = plan(n, lock, env("a", "us-east-1", 3, 20, 26, 23, 27));

        VpcAllocation before = lock.vpcs().get("a");
        for (SubnetAllocation s : before.subnets()) {
            assertThat(grown.vpc("a").subnet(s.zone(), s.tier())).contains(s);
        }
        assertThat(grown.vpc("a").subnets()).hasSize(9);
        assertThat(grown.vpc("a").blocks()).isEqualTo(before.blocks());
    }

    @Test
    void a_vpc_that_outgrows_its_primary_block_gets_a_secondary_block() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 22, 26, 24, 0)).lock();

        AddressPlan grown = plan(n, lock, env("a", "us-east-1", 4, 22, 26, 24, 0));

        assertThat(grown.vpc("a").blocks()).hasSize(2).first().isEqualTo(lock.vpcs().get("a").primary());
        assertThat(grown.vpc("a").blocks().get(1).prefix())
                .as("room for what no longer fits in the primary: a /24 and two /26 (384 addresses)").isEqualTo(23);
        assertThat(grown.changes()).anyMatch(c -> c.startsWith("a: added secondary VPC block"));
        assertThat(grown.vpc("a").subnets()).containsAll(lock.vpcs().get("a").subnets());
        for (SubnetAllocation s : grown.vpc("a").subnets()) {
            assertThat(grown.vpc("a").blocks()).anyMatch(b -> b.contains(s.cidr()));
        }
    }

    @Test
    void a_new_vpc_whose_subnets_do_not_fit_says_which_size_would() {
        assertThatThrownBy(() -> plan(network("10.0.0.0/16", Map.of()), AddressLock.EMPTY,
                env("a", "us-east-1", 2, 22, 26, 23, 0)))
                .hasMessage("stacks/a.yaml:12: network.subnets: a: the subnets need 1,152 addresses (2 zones x (/26 + "
                        + "/23)) but a /22 VPC holds 1,024; set vpcPrefixLength to 21 or less, or shrink the subnet "
                        + "tiers");
    }

    @Test
    void a_locked_vpc_cannot_change_its_primary_size() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 20, 26, 23, 0)).lock();

        assertThatThrownBy(() -> plan(n, lock, env("a", "us-east-1", 2, 18, 26, 23, 0)))
                .hasMessageContaining("network.vpcPrefixLength: a's VPC is locked at 10.0.0.0/20 but asks for a /18; a "
                        + "VPC's primary block cannot be resized in place");
    }

    @Test
    void a_pool_added_after_vpcs_exist_in_its_region_is_refused_and_nothing_is_locked() {
        EnvironmentConfig a = env("a", "us-east-1", 2, 20, 26, 23, 0);
        AddressLock lock = plan(network("10.0.0.0/8", Map.of(), "10.0.0.0/12"), AddressLock.EMPTY, a).lock();

        assertThatThrownBy(() -> plan(network("10.0.0.0/8", Map.of("us-east-1", 12), "10.0.0.0/12"), lock, a))
                .hasMessageContaining("regionPools.us-east-1: region us-east-1 already has VPCs planned outside a pool: "
                        + "a (10.16.0.0/20); a pool added now could not hold them and they never move");
    }

    @Test
    void a_pool_is_released_with_its_last_vpc_and_kept_while_it_holds_one() {
        NetworkConfig pooled = network("10.0.0.0/8", Map.of("us-east-1", 12));
        EnvironmentConfig a = env("a", "us-east-1", 2, 20, 26, 23, 0);
        AddressLock lock = plan(pooled, AddressLock.EMPTY, a).lock();
        NetworkConfig unpooled = network("10.0.0.0/8", Map.of());

        assertThatThrownBy(() -> plan(unpooled, lock, a)).hasMessageContaining("region pool us-east-1 (10.0.0.0/12) "
                + "is in the lock and still holds the VPCs of a; a pool cannot be removed while it holds VPCs");
        AddressPlan released = AddressPlanner.plan(unpooled, List.of(), lock, LOCK, Set.of("a"));
        assertThat(released.lock().regionPools()).isEmpty();
        assertThat(released.changes()).contains("released region pool us-east-1: 10.0.0.0/12");
    }

    @Test
    void a_pool_as_large_as_its_supernet_is_usable() {
        AddressPlan p = plan(network("10.0.0.0/8", Map.of("us-east-1", 8)), AddressLock.EMPTY,
                env("a", "us-east-1", 2, 20, 26, 23, 0));

        assertThat(p.lock().regionPools()).containsEntry("us-east-1", Ipv4Cidr.parse("10.0.0.0/8"));
        assertThat(p.vpc("a").primary()).isEqualTo(Ipv4Cidr.parse("10.0.0.0/20"));
    }

    static AddressLock edit(AddressLock lock, String env, UnaryOperator<VpcAllocation> change) {
        Map<String, VpcAllocation> vpcs = new TreeMap<>(lock.vpcs());
        vpcs.put(env, change.apply(vpcs.get(env)));
        return new AddressLock(lock.regionPools(), vpcs);
    }

    @Test
    void a_damaged_lock_is_refused_for_every_inconsistency() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        EnvironmentConfig a = env("a", "us-east-1", 2, 20, 26, 23, 0);
        EnvironmentConfig b = env("b", "us-east-1", 2, 20, 26, 23, 0);
        AddressLock lock = plan(n, AddressLock.EMPTY, a, b).lock();
        VpcAllocation va = lock.vpcs().get("a");
        List<SubnetAllocation> subs = new ArrayList<>(va.subnets());
        SubnetAllocation first = subs.get(0);
        SubnetAllocation second = subs.get(1);

        Map<String, AddressLock> damaged = new LinkedHashMap<>();
        List<SubnetAllocation> sameIndex = new ArrayList<>(subs);
        sameIndex.set(1, new SubnetAllocation(second.zone(), second.tier(), second.cidr(), first.ipv6Index()));
        damaged.put("reuses IPv6 /64 #" + first.ipv6Index(), edit(lock, "a", v -> new VpcAllocation("a", v.account(),
                v.region(), v.blocks(), sameIndex)));
        List<SubnetAllocation> twice = new ArrayList<>(subs);
        twice.set(1, new SubnetAllocation(first.zone(), first.tier(), second.cidr(), second.ipv6Index()));
        damaged.put("is a second", edit(lock, "a", v -> new VpcAllocation("a", v.account(), v.region(), v.blocks(),
                twice)));
        damaged.put("is not a VPC size; AWS allows /16 to /28", edit(lock, "a", v -> new VpcAllocation("a",
                v.account(), v.region(), List.of(Ipv4Cidr.parse("10.0.0.0/16"), Ipv4Cidr.parse("10.0.128.0/29")),
                v.subnets())));
        damaged.put("overlaps 10.0.0.0/20 of a", edit(lock, "b", v -> new VpcAllocation("b", v.account(),
                v.region(), List.of(va.primary()), va.subnets())));
        for (Map.Entry<String, AddressLock> e : damaged.entrySet()) {
            assertThatThrownBy(() -> plan(n, e.getValue(), a, b)).as(e.getKey()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(e.getKey()).hasMessageContaining("restore the lock from version control");
        }
    }

    @Test
    void secondary_blocks_skip_a_supernet_of_another_rfc1918_range() {
        NetworkConfig n = new NetworkConfig(FreeSpaceTest.cidrs("10.0.0.0/21 192.168.0.0/16"), List.of(), List.of(),
                Map.of(), "stacks/network.yaml");
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 21, 26, 24, 0),
                env("b", "us-east-1", 2, 22, 26, 24, 0)).lock();

        assertThatThrownBy(() -> plan(n, lock, env("a", "us-east-1", 7, 21, 26, 24, 0),
                env("b", "us-east-1", 2, 22, 26, 24, 0)))
                .hasMessageContaining("does not fit in the supernets in the same private range as 10.0.0.0/21 "
                        + "(10.0.0.0/21); they are full; add a supernet in the same range");
        assertThat(lock.vpcs().get("b").primary().toString()).startsWith("192.168.");
    }

    @Test
    void a_locked_subnet_cannot_be_resized_in_place() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 20, 26, 23, 0)).lock();

        assertThatThrownBy(() -> plan(n, lock, env("a", "us-east-1", 2, 20, 26, 22, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stacks/a.yaml:12: network.subnets.nodes: tier 'nodes' in us-east-1a is locked "
                        + "at 10.0.0.0/23 but asks for a /22; a subnet cannot be resized in place, and a new one beside "
                        + "it would overlap it or take its IPv6 /64 while it still exists; set it back to /23; to make the "
                        + "change, add a new environment with it (a copy of this file under a new name), move the "
                        + "workloads to its cluster, then delete this one and release its space with --release");
    }

    @Test
    void an_exhausted_pool_says_what_was_asked_what_is_free_and_how_to_fix() {
        NetworkConfig n = network("10.0.0.0/8", Map.of("eu-west-1", 20));

        assertThatThrownBy(() -> plan(n, AddressLock.EMPTY, env("prod-euw1", "eu-west-1", 2, 21, 26, 24, 0),
                env("prod2-euw1", "eu-west-1", 2, 20, 26, 23, 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("stacks/prod2-euw1.yaml:12: network.vpcPrefixLength: prod2-euw1: the VPC needs a /20 in "
                        + "region pool eu-west-1 (10.0.0.0/20); the largest free block in 10.0.0.0/20 is "
                        + "10.0.8.0/21; enlarge the region's pool (regionPools in stacks/network.yaml) or shrink "
                        + "vpcPrefixLength");
    }

    @Test
    void a_tier_that_no_longer_fits_anywhere_names_the_tier_zone_and_largest_free_block() {
        NetworkConfig n = network("10.0.0.0/8", Map.of("eu-west-1", 20));
        EnvironmentConfig other = env("other", "eu-west-1", 2, 21, 26, 24, 0);
        AddressLock lock = plan(n, AddressLock.EMPTY, env("prod-euw1", "eu-west-1", 2, 21, 26, 24, 0), other)
                .lock();

        assertThatThrownBy(() -> plan(n, lock, env("prod-euw1", "eu-west-1", 8, 21, 26, 24, 0), other))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("network.subnets.nodes: prod-euw1: tier 'nodes' needs a /24 in eu-west-1")
                .hasMessageContaining("and the VPC's blocks (10.0.8.0/21) are full and a secondary /22")
                .hasMessageContaining("does not fit in region pool eu-west-1 (10.0.0.0/20); 10.0.0.0/20 is full; "
                        + "enlarge the region's pool or shrink 'nodes'");
    }

    @Test
    void reserved_ranges_and_dockers_bridge_are_never_allocated() {
        NetworkConfig n = network("172.16.0.0/12", Map.of(), "172.16.0.0/16");

        AddressPlan p = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 16, 24, 20, 0),
                env("b", "us-east-1", 2, 16, 24, 20, 0));

        assertThat(p.vpc("a").primary()).isEqualTo(Ipv4Cidr.parse("172.18.0.0/16"));
        assertThat(p.vpc("b").primary()).isEqualTo(Ipv4Cidr.parse("172.19.0.0/16"));
    }

    @Test
    void a_new_reservation_over_a_locked_vpc_is_refused_naming_both() {
        AddressLock lock = plan(network("10.0.0.0/16", Map.of()), AddressLock.EMPTY,
                env("a", "us-east-1", 2, 20, 26, 23, 0)).lock();

        assertThatThrownBy(() -> plan(network("10.0.0.0/16", Map.of(), "10.0.8.0/21"), lock,
                env("a", "us-east-1", 2, 20, 26, 23, 0)))
                .hasMessageContaining("stacks/network.yaml:7: 10.0.8.0/21 (carrier integrations) overlaps a's VPC "
                        + "block 10.0.0.0/20 in the lock; allocations never move; narrow the range so it leaves "
                        + "10.0.0.0/20 alone; if it must stay, add a new environment (its VPC avoids the range)");
    }

    @Test
    void a_removed_environment_keeps_its_space_until_released() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 20, 26, 23, 0),
                env("gone", "us-east-1", 2, 20, 26, 23, 0)).lock();

        AddressPlan kept = plan(n, lock, env("a", "us-east-1", 2, 20, 26, 23, 0),
                env("new", "us-east-1", 2, 20, 26, 23, 0));
        AddressPlan released = AddressPlanner.plan(n, List.of(env("a", "us-east-1", 2, 20, 26, 23, 0)), lock, LOCK,
                Set.of("gone"));

        assertThat(kept.orphans()).containsExactly("gone");
        assertThat(kept.vpc("new").primary()).isNotEqualTo(lock.vpcs().get("gone").primary());
        assertThat(released.lock().vpcs()).doesNotContainKey("gone");
        assertThat(released.changes()).containsExactly("released every allocation of gone");
    }

    @Test
    void releasing_an_unknown_environment_is_an_error() {
        assertThatThrownBy(() -> AddressPlanner.plan(network("10.0.0.0/16", Map.of()), List.of(),
                AddressLock.EMPTY, LOCK, Set.of("nope")))
                .hasMessageContaining("there is nothing to release for 'nope'");
    }

    @Test
    void an_environment_cannot_move_region_under_its_lock() {
        NetworkConfig n = network("10.0.0.0/16", Map.of());
        AddressLock lock = plan(n, AddressLock.EMPTY, env("a", "us-east-1", 2, 20, 26, 23, 0)).lock();

        assertThatThrownBy(() -> plan(n, lock, env("a", "eu-west-1", 2, 20, 26, 23, 0)))
                .hasMessageContaining("a is planned in account 111111111111, us-east-1 but now asks for account "
                        + "111111111111, eu-west-1; its VPC cannot move");
    }

    @Test
    void secondary_blocks_never_mix_rfc1918_ranges() {
        assertThat(AddressPlanner.sameFamily(Ipv4Cidr.parse("10.1.0.0/16"), Ipv4Cidr.parse("10.200.0.0/16")))
                .isTrue();
        assertThat(AddressPlanner.sameFamily(Ipv4Cidr.parse("10.1.0.0/16"), Ipv4Cidr.parse("192.168.0.0/20")))
                .isFalse();
        assertThat(AddressPlanner.sameFamily(Ipv4Cidr.parse("10.1.0.0/16"), Ipv4Cidr.parse("100.64.0.0/16")))
                .isTrue();
    }

    @Test
    void the_four_fixtures_share_one_flat_plan_without_any_overlap() {
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(FixtureSynthesis.STACKS);

        AddressPlan p = FixtureSynthesis.plan(envs);

        assertThat(p.changes()).as("the fixtures' lock is up to date").isEmpty();
        PlanInvariants.check(p);
        assertThat(p.lock().vpcs()).containsOnlyKeys("dev-euw1", "dev-use1", "prod-euw1", "prod-use1");
    }

    @Test
    void random_plans_never_overlap_and_every_block_sits_inside_its_parent() throws Exception {
        Random random = new Random(20261121L);
        int plans = 0;
        Path dir = Files.createTempDirectory(Path.of("target"), "random");
        for (int round = 0; round < 60; round++) {
            int supernetPrefix = 8 + random.nextInt(5);
            List<AddressRange> inUse = new ArrayList<>();
            for (int i = 0; i < random.nextInt(4); i++) {
                inUse.add(new AddressRange(Ipv4Cidr.of((10L << 24) + (long) random.nextInt(1 << 8) * (1 << (32
                        - supernetPrefix - 8)) * 0 + ((long) random.nextInt(64) << 18), 18), "legacy", "n", 1));
            }
            NetworkConfig n = new NetworkConfig(FreeSpaceTest.cidrs("10.0.0.0/" + supernetPrefix + " 100.64.0.0/16"),
                    List.of(new AddressRange(Ipv4Cidr.parse("10." + (random.nextInt(4) * 4) + ".0.0/14"), "carrier",
                            "n", 1)), inUse,
                    random.nextBoolean() ? Map.of("us-east-1", supernetPrefix + 2, "eu-west-1", supernetPrefix + 3)
                            : Map.of(), "stacks/network.yaml");
            Map<String, EnvironmentConfig> envs = new TreeMap<>();
            AddressLock lock = AddressLock.EMPTY;
            for (int step = 0; step < 16; step++) {
                Map<String, EnvironmentConfig> next = new TreeMap<>(envs);
                if (!envs.isEmpty() && random.nextInt(3) == 0) {
                    EnvironmentConfig grow = new ArrayList<>(envs.values()).get(random.nextInt(envs.size()));
                    int zones = Math.min(6, grow.availabilityZones().size() + 1);
                    next.put(grow.name(), env(grow.name(), grow.region(), zones, grow.network().vpcPrefixLength(),
                            grow.network().subnetPrefixLengths().get(SubnetTier.PUBLIC),
                            grow.network().subnetPrefixLengths().get(SubnetTier.NODES),
                            grow.network().subnetPrefixLengths().getOrDefault(SubnetTier.INTRA, 0)));
                } else {
                    String region = random.nextBoolean() ? "us-east-1" : "eu-west-1";
                    int vpc = 18 + random.nextInt(5);
                    int nodes = vpc + 3;
                    next.put("e" + step, env("e" + step, region, 2 + random.nextInt(2), vpc, nodes + 2, nodes,
                            random.nextBoolean() ? nodes + 3 : 0));
                }
                try {
                    AddressPlan p = AddressPlanner.plan(n, List.copyOf(next.values()), lock, LOCK, Set.of());
                    PlanInvariants.check(p);
                    for (VpcAllocation before : lock.vpcs().values()) {
                        VpcAllocation after = p.lock().vpcs().get(before.environment());
                        assertThat(after.blocks()).startsWith(before.blocks().toArray(Ipv4Cidr[]::new));
                        assertThat(after.subnets()).containsAll(before.subnets());
                    }
                    Path file = dir.resolve("lock.yaml");
                    Files.writeString(file, LockFile.write(p.lock()));
                    assertThat(LockFile.read(file)).isEqualTo(p.lock());
                    lock = p.lock();
                    envs = next;
                    plans++;
                } catch (ConfigException full) {
                    assertThat(full.getMessage()).containsAnyOf("enlarge the region's pool", "shrink",
                            "already has 5 blocks", "add a supernet in the same range");
                }
            }
        }
        assertThat(plans).isGreaterThan(400);
    }
}
