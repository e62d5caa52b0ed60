package dev.v6platform.karpenter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One scheduling requirement of a NodePool: a well-known label, an operator and values. Build with the static
 * factories, which check the operator's arity.
 *
 * <pre>{@code
 * Requirement.in(Requirement.ARCH, "arm64");
 * Requirement.gt(Requirement.INSTANCE_GENERATION, 6);
 * }</pre>
 *
 * @param key       the label, e.g. {@code kubernetes.io/arch}
 * @param operator  the operator
 * @param values    the values (none for Exists and DoesNotExist, one integer for Gt and Lt)
 * @param minValues the minimum number of distinct values Karpenter must keep (In only), if any
 * @see <a href="https://karpenter.sh/docs/concepts/nodepools/">NodePools</a>
 */
public record Requirement(String key, Operator operator, List<String> values, Optional<Integer> minValues) {
    public static final String ARCH = "kubernetes.io/arch";
    public static final String OS = "kubernetes.io/os";
    public static final String ZONE = "topology.kubernetes.io/zone";
    public static final String INSTANCE_TYPE = "node.kubernetes.io/instance-type";
    public static final String CAPACITY_TYPE = "karpenter.sh/capacity-type";
    public static final String INSTANCE_CATEGORY = "karpenter.k8s.aws/instance-category";
    public static final String INSTANCE_FAMILY = "karpenter.k8s.aws/instance-family";
    public static final String INSTANCE_GENERATION = "karpenter.k8s.aws/instance-generation";
    public static final String INSTANCE_SIZE = "karpenter.k8s.aws/instance-size";
    public static final String INSTANCE_CPU = "karpenter.k8s.aws/instance-cpu";
    public static final String INSTANCE_HYPERVISOR = "karpenter.k8s.aws/instance-hypervisor";
    public static final String INSTANCE_CPU_MANUFACTURER = "karpenter.k8s.aws/instance-cpu-manufacturer";

    /** The operators a requirement may use (Gte and Lte need Karpenter 1.9 and are not offered). */
    public enum Operator { In, NotIn, Exists, DoesNotExist, Gt, Lt }

    public Requirement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values);
        Objects.requireNonNull(minValues, "minValues");
    }

    public static Requirement in(String key, String... values) {
        return new Requirement(key, Operator.In, List.of(values), Optional.empty());
    }

    public static Requirement in(String key, List<String> values) {
        return new Requirement(key, Operator.In, values, Optional.empty());
    }

    public static Requirement notIn(String key, String... values) {
        return new Requirement(key, Operator.NotIn, List.of(values), Optional.empty());
    }

    public static Requirement exists(String key) {
        return new Requirement(key, Operator.Exists, List.of(), Optional.empty());
    }

    public static Requirement doesNotExist(String key) {
        return new Requirement(key, Operator.DoesNotExist, List.of(), Optional.empty());
    }

    /** Greater than {@code value} (Karpenter compares integer labels such as instance-generation). */
    public static Requirement gt(String key, int value) {
        return new Requirement(key, Operator.Gt, List.of(String.valueOf(value)), Optional.empty());
    }

    public static Requirement lt(String key, int value) {
        return new Requirement(key, Operator.Lt, List.of(String.valueOf(value)), Optional.empty());
    }

    /** This requirement keeping at least {@code n} distinct values (for instance-type flexibility on spot). */
    public Requirement withMinValues(int n) {
        return new Requirement(key, operator, values, Optional.of(n));
    }

    /** The requirement as the NodePool's YAML has it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("operator", operator.name());
        if (operator != Operator.Exists && operator != Operator.DoesNotExist) {
            m.put("values", values);
        }
        minValues.ifPresent(n -> m.put("minValues", n));
        return m;
    }
}
