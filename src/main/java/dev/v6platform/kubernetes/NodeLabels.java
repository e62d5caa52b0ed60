package dev.v6platform.kubernetes;

import java.util.List;
import java.util.Set;

/**
 * Which node label keys a NodePool may set itself. Karpenter and Kubernetes own {@code karpenter.sh},
 * {@code karpenter.k8s.aws}, {@code kubernetes.io} and {@code k8s.io} and their subdomains, except
 * {@code node-restriction.kubernetes.io/} (labels kubelets cannot set on themselves, meant for this) and
 * {@code node.kubernetes.io/} (but its well-known labels, which the node reports).
 *
 * @see <a href="https://karpenter.sh/docs/concepts/nodepools/">NodePools: labels</a>
 */
public final class NodeLabels {
    static final List<String> OWNED_DOMAINS = List.of("karpenter.sh", "karpenter.k8s.aws", "kubernetes.io", "k8s.io");
    static final Set<String> OPEN_DOMAINS = Set.of("node-restriction.kubernetes.io", "node.kubernetes.io");
    static final Set<String> WELL_KNOWN = Set.of("node.kubernetes.io/instance-type", "node.kubernetes.io/windows-build");

    private NodeLabels() {
    }

    /** True when {@code key} is in a domain Karpenter or Kubernetes owns, so a pool must not set it. */
    public static boolean isReserved(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String domain = key.substring(0, slash);
        if (WELL_KNOWN.contains(key)) {
            return true;
        }
        if (OPEN_DOMAINS.contains(domain)) {
            return false;
        }
        return OWNED_DOMAINS.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d));
    }
}
