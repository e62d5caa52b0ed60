package dev.v6platform.karpenter;

import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.KarpenterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns an environment's {@code karpenter:} section into one EC2NodeClass ({@code default}) and its NodePools, and
 * checks them with {@link KarpenterRules}, reporting each problem at the pool's line. Every pool requires Nitro
 * instances (IPv6 clusters run on Nitro only) and Linux, and labels its nodes {@code v6-platform.dev/pool}.
 *
 * @param nodeClass the node class
 * @param pools     the pools, in file order
 */
public record KarpenterPools(Ec2NodeClassSpec nodeClass, List<NodePoolSpec> pools) {
    public static final String NODE_CLASS = "default";
    public static final String POOL_LABEL = "v6-platform.dev/pool";

    /**
     * The pools of {@code env}, checked.
     *
     * @throws ConfigException with every problem, located in the environment file
     */
    public static KarpenterPools of(EnvironmentConfig env, KarpenterSpec spec, String clusterName, String nodeRole,
            Map<String, String> tags) {
        Ec2NodeClassSpec nodeClass = new Ec2NodeClassSpec(NODE_CLASS, spec.amiAlias(), spec.allowLatestAmi(),
                nodeRole, clusterName, spec.maxPods(), spec.rootVolumeGiB(), tags);
        List<NodePoolSpec> pools = new ArrayList<>();
        for (KarpenterSpec.Pool p : spec.pools()) {
            pools.add(pool(p));
        }
        List<ConfigError> errors = new ArrayList<>();
        for (String message : KarpenterRules.check(pools, List.of(nodeClass))) {
            int line = spec.line();
            for (KarpenterSpec.Pool p : spec.pools()) {
                if (message.startsWith("NodePool '" + p.name() + "'")) {
                    line = p.line();
                }
            }
            errors.add(new ConfigError(env.source(), line, "karpenter", message, "see README.md#karpenter"));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new KarpenterPools(nodeClass, pools);
    }

    static NodePoolSpec pool(KarpenterSpec.Pool p) {
        List<Requirement> r = new ArrayList<>();
        r.add(Requirement.in(Requirement.ARCH, p.architecture()));
        r.add(Requirement.in(Requirement.OS, "linux"));
        r.add(Requirement.in(Requirement.CAPACITY_TYPE, p.capacityTypes()));
        r.add(Requirement.in(Requirement.INSTANCE_HYPERVISOR, "nitro"));
        if (!p.categories().isEmpty()) {
            r.add(Requirement.in(Requirement.INSTANCE_CATEGORY, p.categories()));
        }
        if (!p.families().isEmpty()) {
            r.add(Requirement.in(Requirement.INSTANCE_FAMILY, p.families()));
        }
        if (p.minGeneration() >= 2) {
            r.add(Requirement.gt(Requirement.INSTANCE_GENERATION, p.minGeneration() - 1));
        }
        Map<String, String> labels = new TreeMap<>(p.labels());
        labels.put(POOL_LABEL, p.name());
        List<Taint> taints = p.taints().stream().map(KarpenterPools::taint).toList();
        List<Disruption.Budget> budgets = p.budgets().stream().map(b -> new Disruption.Budget(b.nodes(),
                b.schedule(), b.duration(), List.of())).toList();
        return new NodePoolSpec(p.name(), NODE_CLASS, r, labels, taints, List.of(), p.limits(),
                new Disruption(Disruption.Policy.WhenEmptyOrUnderutilized, p.consolidateAfter(), budgets),
                p.expireAfter(), p.weight(), p.terminationGracePeriod());
    }

    /** {@code key=value:Effect} or {@code key:Effect}. */
    public static Taint taint(String text) {
        String effect = text.substring(text.lastIndexOf(':') + 1);
        String keyValue = text.substring(0, text.lastIndexOf(':'));
        int eq = keyValue.indexOf('=');
        return new Taint(eq < 0 ? keyValue : keyValue.substring(0, eq), eq < 0 ? "" : keyValue.substring(eq + 1),
                Taint.Effect.valueOf(effect));
    }

    /** The pool of a name, if any. */
    public Optional<NodePoolSpec> pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
