package dev.v6platform.bench;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.ClusterSpec;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.KubernetesDelivery;
import dev.v6platform.config.KubernetesVersion;
import dev.v6platform.config.NatGatewayMode;
import dev.v6platform.config.NetworkConfig;
import dev.v6platform.config.NetworkSpec;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.network.plan.AddressLock;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.network.plan.AddressPlanner;
import dev.v6platform.network.plan.Ipv4Cidr;
import dev.v6platform.network.plan.SubnetAllocation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plans N subnets into 10.0.0.0/8: accounts x regions x 3 zones x 3 tiers (a /22 VPC per environment), with
 * reserved and in-use holes. Prints one line of figures; bench/plan.sh runs it per size in a fresh JVM under
 * /usr/bin/time for peak memory. Not a test.
 *
 * <pre>usage: PlannerBenchmark SUBNETS</pre>
 */
public final class PlannerBenchmark {
    private PlannerBenchmark() {
    }

    public static void main(String[] args) {
        int subnets = Integer.parseInt(args[0]);
        int perEnv = 9;
        int envCount = (subnets + perEnv - 1) / perEnv;
        Random random = new Random(42);
        List<AddressRange> reserved = new ArrayList<>();
        reserved.add(new AddressRange(Ipv4Cidr.parse("10.0.0.0/12"), "data centres", "bench", 0));
        reserved.add(new AddressRange(Ipv4Cidr.parse("10.200.0.0/13"), "carrier integrations", "bench", 0));
        Set<Long> holes = new TreeSet<>();
        while (holes.size() < 40) {
            holes.add(16L + random.nextInt(180));
        }
        List<AddressRange> inUse = new ArrayList<>();
        for (long second : holes) {
            int prefix = 18 + random.nextInt(6);
            long start = (10L << 24) | (second << 16);
            inUse.add(new AddressRange(Ipv4Cidr.of(start, prefix), "legacy " + second, "bench", 0));
        }
        NetworkConfig network = new NetworkConfig(List.of(Ipv4Cidr.parse("10.0.0.0/8")), reserved, inUse, Map.of(),
                "bench");
        String[] regions = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1",
            "ap-southeast-1", "ap-northeast-1", "sa-east-1", "ca-central-1"};
        Map<SubnetTier, Integer> tiers = new EnumMap<>(SubnetTier.class);
        tiers.put(SubnetTier.PUBLIC, 27);
        tiers.put(SubnetTier.NODES, 25);
        tiers.put(SubnetTier.INTRA, 27);
        NetworkSpec spec = new NetworkSpec(22, NatGatewayMode.PER_ZONE, 90, tiers, Optional.empty(), 1);
        ClusterSpec cluster = new ClusterSpec(List.of(), Optional.empty(), List.of(),
                List.of("arn:aws:iam::111111111111:role/a"),
                List.of(), Map.of("vpc-cni", "v1.20.4-eksbuild.1", "coredns", "v1.12.4-eksbuild.1", "kube-proxy",
                        "v1.33.5-eksbuild.2", "eks-pod-identity-agent", "v1.3.10-eksbuild.2"),
                new ClusterSpec.SystemNodesSpec(List.of("m7g.large"), 2, 3, 2),
                KubernetesDelivery.GITOPS, 1);
        List<EnvironmentConfig> envs = new ArrayList<>(envCount);
        for (int i = 0; i < envCount; i++) {
            String region = regions[i % regions.length];
            String account = String.format(Locale.ROOT, "%012d", 100000000000L + (i / regions.length) % 500);
            envs.add(new EnvironmentConfig(String.format(Locale.ROOT, "env-%06d", i), account, region,
                    List.of(region + "a", region + "b", region + "c"), new KubernetesVersion(33), Map.of(), spec,
                    cluster, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), "bench/env-" + i + ".yaml", 1));
        }
        long start = System.nanoTime();
        AddressPlan plan = AddressPlanner.plan(network, envs, AddressLock.EMPTY, "bench.lock", Set.of());
        long first = System.nanoTime() - start;
        start = System.nanoTime();
        AddressPlan again = AddressPlanner.plan(network, envs, plan.lock(), "bench.lock", Set.of());
        long replan = System.nanoTime() - start;
        long planned = plan.lock().vpcs().values().stream().mapToLong(v -> v.subnets().size()).sum();
        long addresses = plan.lock().vpcs().values().stream()
                .flatMap(v -> v.subnets().stream()).map(SubnetAllocation::cidr).mapToLong(Ipv4Cidr::size).sum();
        if (!again.changes().isEmpty() || planned != (long) envCount * perEnv) {
            throw new IllegalStateException("benchmark plan is inconsistent");
        }
        System.out.printf(Locale.ROOT, "subnets=%d environments=%d plan_ms=%.1f replan_on_lock_ms=%.1f "
                + "addresses_in_subnets=%d%n", planned, envCount, first / 1e6, replan / 1e6, addresses);
    }
}
