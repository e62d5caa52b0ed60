package dev.v6platform.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An environment's {@code karpenter:} section: the node class settings and the NodePools.
 *
 * <pre>{@code
 * karpenter:
 *   amiAlias: al2023@v20251016      # pinned; al2023@latest needs allowLatestAmi: true
 *   maxPods: 110                    # default 110
 *   pools:
 *     - name: graviton
 *       architecture: arm64
 *       categories: [c, m, r]
 *       minGeneration: 7
 *       capacityTypes: [spot, on-demand]
 *       weight: 100
 *       limits: {cpu: "1000", memory: 4000Gi}
 * }</pre>
 *
 * @param amiAlias       AMI alias of the node class
 * @param allowLatestAmi whether {@code @latest} is accepted; default false
 * @param maxPods        kubelet maxPods; default 110
 * @param rootVolumeGiB  root volume size; default 50
 * @param pools          the NodePools, in file order
 * @param line           line of the {@code karpenter:} key
 */
public record KarpenterSpec(String amiAlias, boolean allowLatestAmi, int maxPods, int rootVolumeGiB,
        List<Pool> pools, int line) {
    /** The root volume of Karpenter's nodes when {@code rootVolumeGiB} is not given. */
    public static final int DEFAULT_ROOT_VOLUME_GIB = 50;

    public KarpenterSpec {
        Objects.requireNonNull(amiAlias, "amiAlias");
        pools = List.copyOf(pools);
    }

    /** The architectures of {@code pools}, each once, sorted: what the AMI release must have images for. */
    public static List<String> architectures(List<Pool> pools) {
        return pools.stream().map(Pool::architecture).distinct().sorted().toList();
    }

    /** The architectures of this spec's pools, each once, sorted. */
    public List<String> architectures() {
        return architectures(pools);
    }

    /**
     * One NodePool.
     *
     * @param name             pool name (DNS label)
     * @param architecture     arm64 or amd64
     * @param categories       instance categories (c, m, r, ...); empty for any
     * @param families         instance families (m7g, c7i, ...); empty for any
     * @param minGeneration    lowest instance generation, or 0 for any
     * @param capacityTypes    spot and/or on-demand
     * @param weight           priority among pools, 0..100
     * @param limits           resource limits (cpu required)
     * @param labels           node labels
     * @param taints           node taints as {@code key=value:Effect}
     * @param consolidateAfter default {@code 1m}
     * @param expireAfter      default {@code 720h}
     * @param budgets          disruption budgets as nodes and an optional cron schedule with duration
     * @param terminationGracePeriod how long a draining node waits for pods that block eviction; empty for no
     *                         limit
     * @param line             line of the pool's entry
     */
    public record Pool(String name, String architecture, List<String> categories, List<String> families,
            int minGeneration, List<String> capacityTypes, Optional<Integer> weight, Map<String, String> limits,
            Map<String, String> labels, List<String> taints, String consolidateAfter, String expireAfter,
            List<Budget> budgets, Optional<String> terminationGracePeriod, int line) {
        public Pool {
            categories = List.copyOf(categories);
            families = List.copyOf(families);
            capacityTypes = List.copyOf(capacityTypes);
            limits = Collections.unmodifiableMap(new TreeMap<>(limits));
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
            taints = List.copyOf(taints);
            budgets = List.copyOf(budgets);
        }
    }

    /**
     * A disruption budget.
     *
     * @param nodes    a count or percentage
     * @param schedule cron schedule, with duration, or empty for always
     * @param duration how long after each schedule
     */
    public record Budget(String nodes, Optional<String> schedule, Optional<String> duration) {
    }
}
