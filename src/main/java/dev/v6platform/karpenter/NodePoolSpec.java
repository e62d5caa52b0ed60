package dev.v6platform.karpenter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Karpenter NodePool (karpenter.sh/v1) as plain data. {@link KarpenterRules} validates it; {@link #toObject()}
 * renders it.
 *
 * @param name          NodePool name
 * @param nodeClass     name of the EC2NodeClass its nodes use
 * @param requirements  scheduling requirements
 * @param labels        labels of its nodes (no karpenter.sh/ labels)
 * @param taints        taints of its nodes
 * @param startupTaints taints an agent removes once the node is ready
 * @param limits        resource limits of the pool, e.g. {@code cpu: "1000"}, {@code memory: "4000Gi"}
 * @param disruption    consolidation and budgets
 * @param expireAfter   node lifetime, e.g. {@code 720h}, or {@code Never}
 * @param weight        priority among pools that fit a pod (higher first), 0 to 100; empty for none
 * @param terminationGracePeriod how long a draining node waits for pods that block eviction (do-not-disrupt,
 *                      PDBs) before it is terminated anyway, e.g. {@code 2h}; empty for no limit
 */
public record NodePoolSpec(
        String name,
        String nodeClass,
        List<Requirement> requirements,
        Map<String, String> labels,
        List<Taint> taints,
        List<Taint> startupTaints,
        Map<String, String> limits,
        Disruption disruption,
        String expireAfter,
        Optional<Integer> weight,
        Optional<String> terminationGracePeriod) {

    public NodePoolSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nodeClass, "nodeClass");
        requirements = List.copyOf(requirements);
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        taints = List.copyOf(taints);
        startupTaints = List.copyOf(startupTaints);
        limits = Collections.unmodifiableMap(new TreeMap<>(limits));
        Objects.requireNonNull(disruption, "disruption");
        Objects.requireNonNull(expireAfter, "expireAfter");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(terminationGracePeriod, "terminationGracePeriod");
    }

    /** A NodePool whose draining nodes wait for blocking pods without limit. */
    public NodePoolSpec(String name, String nodeClass, List<Requirement> requirements, Map<String, String> labels,
            List<Taint> taints, List<Taint> startupTaints, Map<String, String> limits, Disruption disruption,
            String expireAfter, Optional<Integer> weight) {
        this(name, nodeClass, requirements, labels, taints, startupTaints, limits, disruption, expireAfter, weight,
                Optional.empty());
    }

    /** The values of every In requirement on {@code key}, in order; empty when there is none. */
    public List<String> valuesOf(String key) {
        return requirements.stream().filter(r -> r.key().equals(key) && r.operator() == Requirement.Operator.In)
                .flatMap(r -> r.values().stream()).distinct().toList();
    }

    /** The NodePool object. */
    public Map<String, Object> toObject() {
        Map<String, Object> nodeClassRef = new LinkedHashMap<>();
        nodeClassRef.put("group", "karpenter.k8s.aws");
        nodeClassRef.put("kind", "EC2NodeClass");
        nodeClassRef.put("name", nodeClass);
        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("nodeClassRef", nodeClassRef);
        List<Object> reqs = new ArrayList<>();
        requirements.forEach(r -> reqs.add(r.toMap()));
        podSpec.put("requirements", reqs);
        if (!taints.isEmpty()) {
            podSpec.put("taints", taints.stream().map(Taint::toMap).toList());
        }
        if (!startupTaints.isEmpty()) {
            podSpec.put("startupTaints", startupTaints.stream().map(Taint::toMap).toList());
        }
        podSpec.put("expireAfter", expireAfter);
        terminationGracePeriod.ifPresent(t -> podSpec.put("terminationGracePeriod", t));
        Map<String, Object> template = new LinkedHashMap<>();
        if (!labels.isEmpty()) {
            template.put("metadata", Map.of("labels", labels));
        }
        template.put("spec", podSpec);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("template", template);
        spec.put("disruption", disruption.toMap());
        if (!limits.isEmpty()) {
            spec.put("limits", limits);
        }
        weight.ifPresent(w -> spec.put("weight", w));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "karpenter.sh/v1");
        object.put("kind", "NodePool");
        object.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        object.put("spec", spec);
        return object;
    }
}
