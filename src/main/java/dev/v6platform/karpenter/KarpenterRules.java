package dev.v6platform.karpenter;

import dev.v6platform.kubernetes.NodeLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks NodePools and EC2NodeClasses before they are emitted: the CRDs' CEL rules, and what the CRDs cannot see.
 * Pure Java; every message names the object, the field, the value and the fix.
 *
 * <ul>
 *   <li>restricted keys: {@code karpenter.sh/...} (but {@code karpenter.sh/capacity-type}),
 *       {@code kubernetes.io/hostname}, and platform-owned label domains on node labels;</li>
 *   <li>operator arity: In needs values, Exists and DoesNotExist take none, Gt and Lt exactly one integer (the
 *       CRD's CEL allows 0; Lt 0 matches nothing and is refused too), minValues no more than the values;</li>
 *   <li>an instance family that contradicts the architecture (c7i with arm64, m7g with amd64) or a CPU manufacturer
 *       that does ({@code aws} with amd64);</li>
 *   <li>a pool without a cpu limit (it could scale without bound), a weight outside 0..100;</li>
 *   <li>a NodePool naming an EC2NodeClass that is not defined;</li>
 *   <li>an AMI alias that is not pinned ({@code @latest} only when allowed) or not AL2023/Bottlerocket, and maxPods
 *       outside 1..737.</li>
 * </ul>
 */
public final class KarpenterRules {
    /** Graviton families: a generation digit followed by 'g' (m7g, c7gn, r8gd, t4g, im4gn, x2gd), and a1. */
    static final Pattern GRAVITON_FAMILY = Pattern.compile("[a-z]+\\d+g[a-z]*|a1");
    /** AL2023 releases are dated (al2023@v20251016), Bottlerocket's are semantic versions (bottlerocket@v1.45.0). */
    static final Pattern AMI_ALIAS = Pattern.compile(
            "al2023@(v\\d{8}|latest)|bottlerocket@(v\\d+\\.\\d+\\.\\d+|latest)");
    static final Set<String> ALLOWED_KARPENTER_KEYS = Set.of(Requirement.CAPACITY_TYPE);
    static final Set<String> RESTRICTED_KEYS = Set.of("kubernetes.io/hostname", "karpenter.sh/nodepool");

    private KarpenterRules() {
    }

    /**
     * Problems with pools that no offered instance type satisfies in the environment's zones (run when the refresh
     * step has recorded the region's offerings).
     */
    public static List<String> checkOfferings(List<NodePoolSpec> pools, InstanceOfferings offerings,
            Set<String> zones) {
        List<String> out = new ArrayList<>();
        for (NodePoolSpec p : pools) {
            if (offerings.satisfying(p, zones).isEmpty()) {
                out.add("NodePool '" + p.name() + "': no instance type offered in " + zones + " satisfies its "
                        + "requirements " + p.requirements().stream().map(r -> r.key() + " " + r.operator() + " "
                        + r.values()).toList() + "; widen the requirements (categories, families, generation) or "
                        + "refresh the offerings");
            }
        }
        return out;
    }

    /** Every problem with the pools and classes together; empty when they are fine. */
    public static List<String> check(List<NodePoolSpec> pools, List<Ec2NodeClassSpec> classes) {
        List<String> out = new ArrayList<>();
        Set<String> classNames = new TreeSet<>();
        for (Ec2NodeClassSpec c : classes) {
            if (!classNames.add(c.name())) {
                out.add("EC2NodeClass '" + c.name() + "' is defined twice; give each class a unique name");
            }
            nodeClass(c, out);
        }
        Set<String> poolNames = new TreeSet<>();
        for (NodePoolSpec p : pools) {
            if (!poolNames.add(p.name())) {
                out.add("NodePool '" + p.name() + "' is defined twice; give each pool a unique name");
            }
            pool(p, classNames, out);
        }
        return out;
    }

    private static void pool(NodePoolSpec p, Set<String> classes, List<String> out) {
        String at = "NodePool '" + p.name() + "'";
        if (!classes.contains(p.nodeClass())) {
            out.add(at + ": nodeClassRef names EC2NodeClass '" + p.nodeClass() + "', which is not defined; define it "
                    + "or use one of " + classes);
        }
        for (Requirement r : p.requirements()) {
            requirement(at, r, out);
        }
        for (String label : p.labels().keySet()) {
            if (NodeLabels.isReserved(label)) {
                out.add(at + ": label '" + label + "' is in a domain Karpenter or Kubernetes owns; use your own "
                        + "prefix, e.g. v6-platform.dev/, or node-restriction.kubernetes.io/");
            }
        }
        contradictions(at, p, out);
        if (!p.limits().containsKey("cpu")) {
            out.add(at + ": no cpu limit, so the pool could grow without bound; set limits.cpu (and memory)");
        }
        p.weight().filter(w -> w < 0 || w > 100).ifPresent(w -> out.add(at + ": weight " + w + " is outside 0..100"));
    }

    private static void requirement(String at, Requirement r, List<String> out) {
        String what = at + ": requirement " + r.key() + " " + r.operator() + " " + r.values();
        boolean karpenterKey = r.key().startsWith("karpenter.sh/") && !ALLOWED_KARPENTER_KEYS.contains(r.key());
        if (RESTRICTED_KEYS.contains(r.key()) || karpenterKey) {
            out.add(what + ": the key is restricted (Karpenter sets it); select with another label");
        }
        switch (r.operator()) {
            case In -> {
                if (r.values().isEmpty()) {
                    out.add(what + ": In needs at least one value");
                }
            }
            case Exists, DoesNotExist -> {
                if (!r.values().isEmpty()) {
                    out.add(what + ": " + r.operator() + " takes no values; remove them");
                }
            }
            case Gt, Lt -> {
                if (r.values().size() != 1 || !r.values().get(0).matches("0|[1-9]\\d{0,8}")) {
                    out.add(what + ": " + r.operator() + " takes exactly one non-negative integer, e.g. Gt 6");
                } else if (r.operator() == Requirement.Operator.Lt && r.values().get(0).equals("0")) {
                    out.add(what + ": no instance has a value below 0, so the pool could never launch; use a positive "
                            + "integer");
                }
            }
            default -> { }
        }
        r.minValues().ifPresent(n -> {
            if (r.operator() != Requirement.Operator.In || n < 1 || n > r.values().size()) {
                out.add(what + ": minValues " + n + " needs an In requirement with at least that many values");
            }
        });
    }

    private static void contradictions(String at, NodePoolSpec p, List<String> out) {
        List<String> arch = p.valuesOf(Requirement.ARCH);
        if (arch.size() != 1) {
            return;
        }
        boolean arm = arch.get(0).equals("arm64");
        for (String family : p.valuesOf(Requirement.INSTANCE_FAMILY)) {
            boolean graviton = GRAVITON_FAMILY.matcher(family).matches();
            if (graviton != arm) {
                out.add(at + ": instance family " + family + " is " + (graviton ? "Graviton (arm64)" : "x86 (amd64)")
                        + " but the pool requires " + Requirement.ARCH + " In [" + arch.get(0) + "]; remove the family "
                        + "or change the architecture");
            }
        }
        for (String maker : p.valuesOf(Requirement.INSTANCE_CPU_MANUFACTURER)) {
            if (maker.equals("aws") != arm) {
                out.add(at + ": CPU manufacturer " + maker + " contradicts " + Requirement.ARCH + " In [" + arch.get(0)
                        + "]; AWS (Graviton) CPUs are arm64, Intel and AMD amd64");
            }
        }
    }

    private static void nodeClass(Ec2NodeClassSpec c, List<String> out) {
        String at = "EC2NodeClass '" + c.name() + "'";
        var m = AMI_ALIAS.matcher(c.amiAlias());
        if (!m.matches()) {
            out.add(at + ": AMI alias '" + c.amiAlias() + "' is not al2023@vYYYYMMDD or bottlerocket@vX.Y.Z; pin "
                    + "a release, e.g. al2023@v20251016 or bottlerocket@v1.45.0");
        } else if (c.amiAlias().endsWith("@latest") && !c.allowLatest()) {
            out.add(at + ": AMI alias '" + c.amiAlias() + "' drifts every node on each AMI release; pin a release "
                    + "(al2023@vYYYYMMDD) or allow latest explicitly");
        }
        if (c.maxPods() < 1 || c.maxPods() > 737) {
            out.add(at + ": maxPods " + c.maxPods() + " is outside 1..737; EKS's usual ceiling is 110");
        }
        if (c.rootVolumeGiB() < 20 || c.rootVolumeGiB() > 16384) {
            out.add(at + ": a " + c.rootVolumeGiB() + " GiB root volume is outside 20..16384 GiB");
        }
    }
}
