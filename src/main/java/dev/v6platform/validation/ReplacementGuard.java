package dev.v6platform.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.v6platform.validation.ReplacementSpec.Causes;
import dev.v6platform.validation.ReplacementSpec.Property;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which resources a deploy of a new template would replace, compared with the template deployed (or approved)
 * before: CloudFormation deletes a resource whose logical id is gone and creates the new one, and replaces a resource
 * when a property marked "causes replacement" changes, or when such a property refers (Ref, Fn::GetAtt, Fn::Sub) to
 * a resource that is itself replaced, since the physical id it resolves to changes. A replaced VPC thus takes its
 * subnets with it, and those their cluster.
 *
 * <pre>{@code
 * List<Replacement> r = ReplacementGuard.compare(approvedTemplate, newTemplate, ReplacementSpec.load());
 * }</pre>
 */
public final class ReplacementGuard {
    private static final Pattern SUB_REF = Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.[^}]*)?}");

    /**
     * One resource a deploy would replace (or delete).
     *
     * @param logicalId the resource's logical id in the old template
     * @param type      its CloudFormation type
     * @param reason    why, e.g. {@code CidrBlock changed: "10.0.0.0/20" -> "10.0.16.0/20"}
     * @param maybe     whether CloudFormation replaces it only in some cases ("maybe" in the database)
     * @param blocker   why CloudFormation cannot perform the replacement at all (the deploy would fail and roll
     *                  back), or empty: see {@link ReplacementGuard#UNIQUE_KEYS}
     */
    public record Replacement(String logicalId, String type, String reason, boolean maybe, String blocker) {
        public Replacement {
            blocker = blocker == null ? "" : blocker;
        }

        public Replacement(String logicalId, String type, String reason, boolean maybe) {
            this(logicalId, type, reason, maybe, "");
        }

        /** Whether CloudFormation cannot perform this replacement, so acknowledging it does not help. */
        public boolean impossible() {
            return !blocker.isEmpty();
        }

        /** One line for a report. */
        public String format() {
            return logicalId + " (" + type + ")" + (maybe ? " may be replaced: " : ": ") + reason
                    + (impossible() ? "; CLOUDFORMATION CANNOT DO THIS: " + blocker : "");
        }
    }

    /**
     * Types whose replacement is how CloudFormation updates them at all, with nothing stateful or named to lose: a
     * Lambda layer or function version is immutable, and a new one is published on every change of its content (a
     * Kubernetes version bump gives the kubectl provider a new layer). Still followed through references, then left
     * out of the list.
     */
    static final Set<String> ROUTINE = Set.of("AWS::Lambda::LayerVersion", "AWS::Lambda::Version");

    /**
     * Properties whose values must be unique among the live resources of a type (a custom physical name, or the
     * key EKS allows once per cluster). CloudFormation creates a replacement before it deletes the old resource, so
     * replacing one whose key stays the same fails ("already exists"; for a custom name CloudFormation refuses
     * outright), and the stack rolls back.
     */
    static final Map<String, List<String>> UNIQUE_KEYS = uniqueKeys();

    private static Map<String, List<String>> uniqueKeys() {
        Map<String, List<String>> keys = new TreeMap<>();
        keys.put("AWS::APS::RuleGroupsNamespace", List.of("Workspace", "Name"));
        keys.put("AWS::ECR::Repository", List.of("RepositoryName"));
        keys.put("AWS::EKS::AccessEntry", List.of("ClusterName", "PrincipalArn"));
        keys.put("AWS::EKS::Addon", List.of("ClusterName", "AddonName"));
        keys.put("AWS::EKS::Cluster", List.of("Name"));
        keys.put("AWS::EKS::Nodegroup", List.of("ClusterName", "NodegroupName"));
        keys.put("AWS::EKS::PodIdentityAssociation", List.of("ClusterName", "Namespace", "ServiceAccount"));
        keys.put("AWS::Events::Rule", List.of("EventBusName", "Name"));
        keys.put("AWS::IAM::ManagedPolicy", List.of("ManagedPolicyName"));
        keys.put("AWS::IAM::Role", List.of("RoleName"));
        keys.put("AWS::KMS::Alias", List.of("AliasName"));
        keys.put("AWS::Logs::LogGroup", List.of("LogGroupName"));
        keys.put("AWS::SNS::Topic", List.of("TopicName"));
        keys.put("AWS::SQS::Queue", List.of("QueueName"));
        return Collections.unmodifiableMap(keys);
    }

    private final ReplacementSpec spec;
    private final JsonNode before;
    private final JsonNode after;

    private ReplacementGuard(ReplacementSpec spec, JsonNode before, JsonNode after) {
        this.spec = spec;
        this.before = before.path("Resources");
        this.after = after.path("Resources");
    }

    /** Every resource of {@code before} that deploying {@code after} would replace or delete, by logical id. */
    public static List<Replacement> compare(JsonNode before, JsonNode after, ReplacementSpec spec) {
        return new ReplacementGuard(spec, before, after).run();
    }

    private List<Replacement> run() {
        Map<String, Replacement> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String id = e.getKey();
            String type = e.getValue().path("Type").asText();
            JsonNode now = after.get(id);
            if (now == null) {
                out.put(id, new Replacement(id, type, renamedTo(e.getValue()).map(n -> "its logical id changed to "
                        + n + "; CloudFormation creates the new one and deletes this one").orElse("removed from "
                        + "the template; CloudFormation deletes it"), false));
                continue;
            }
            if (!now.path("Type").asText().equals(type)) {
                out.put(id, new Replacement(id, type, "its type changed to " + now.path("Type").asText(), false));
                continue;
            }
            List<String> yes = new ArrayList<>();
            List<String> maybe = new ArrayList<>();
            JsonNode oldProps = e.getValue().path("Properties");
            JsonNode newProps = now.path("Properties");
            for (String name : names(oldProps, newProps)) {
                Property p = spec.property(type, name).orElse(new Property(Causes.NO, null, false));
                changes(p, name, oldProps.get(name), newProps.get(name), yes, maybe);
            }
            if (!yes.isEmpty()) {
                out.put(id, new Replacement(id, type, String.join("; ", yes), false));
            } else if (!maybe.isEmpty()) {
                out.put(id, new Replacement(id, type, String.join("; ", maybe), true));
            }
        }
        propagate(out);
        blockers(out);
        existingLogGroups(out);
        out.values().removeIf(r -> ROUTINE.contains(r.type()) && !r.impossible());
        return List.copyOf(out.values());
    }

    /**
     * Marks the replacements CloudFormation cannot perform: the new resource would collide with the old one, which
     * still exists while the new one is created (same unique key, or a subnet CIDR overlapping one of the VPC's
     * subnets).
     */
    private void blockers(Map<String, Replacement> out) {
        for (Map.Entry<String, Replacement> e : out.entrySet()) {
            JsonNode old = before.get(e.getKey());
            String type = e.getValue().type();
            String blocker = "";
            List<String> key = UNIQUE_KEYS.get(type);
            if (key != null && !missingKey(old, key)) {
                blocker = collision(e.getKey(), old, key, out);
            } else if (type.equals("AWS::EC2::Subnet")) {
                blocker = subnetCollision(e.getKey(), out);
            }
            Replacement r = e.getValue();
            if (!blocker.isEmpty() && r.maybe()) {
                // CloudFormation may well update it in place; if it replaces it, the deploy fails: say so, and
                // leave it to an acknowledgement
                e.setValue(new Replacement(r.logicalId(), r.type(), r.reason() + "; if CloudFormation replaces it, "
                        + "the deploy fails: " + blocker, true));
            } else if (!blocker.isEmpty()) {
                e.setValue(new Replacement(r.logicalId(), r.type(), r.reason(), r.maybe(), blocker));
            }
        }
    }

    /**
     * A control-plane log group the stack now creates, for a cluster whose logging was already on: EKS created
     * {@code /aws/eks/<cluster>/cluster} itself, so CloudFormation cannot create it again. Listed under the new log
     * group's logical id, to acknowledge once the group is imported into the stack ({@code cdk import}) or deleted.
     */
    private void existingLogGroups(Map<String, Replacement> out) {
        Set<String> logged = new TreeSet<>();
        before.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (e.getValue().path("Type").asText().equals("AWS::EKS::Cluster") && p.path("Name").isTextual()
                    && p.path("Logging").path("ClusterLogging").path("EnabledTypes").size() > 0) {
                logged.add("/aws/eks/" + p.path("Name").asText() + "/cluster");
            }
        });
        before.elements().forEachRemaining(r -> {
            if (r.path("Type").asText().equals("AWS::Logs::LogGroup")) {
                logged.remove(r.path("Properties").path("LogGroupName").asText());
            }
        });
        after.fields().forEachRemaining(e -> {
            String name = e.getValue().path("Properties").path("LogGroupName").asText();
            if (!before.has(e.getKey()) && e.getValue().path("Type").asText().equals("AWS::Logs::LogGroup")
                    && logged.contains(name)) {
                out.put(e.getKey(), new Replacement(e.getKey(), "AWS::Logs::LogGroup", "new, but EKS created "
                        + name + " when the cluster's logging was turned on, so creating it fails; import the "
                        + "existing group into the stack first (cdk import) or delete it, then acknowledge", false));
            }
        });
    }

    private static boolean missingKey(JsonNode resource, List<String> key) {
        JsonNode props = resource.path("Properties");
        return key.stream().anyMatch(k -> !k.equals("EventBusName") && props.path(k).isMissingNode());
    }

    /** A created resource of the same type whose unique key equals the old one's, which still exists then. */
    private String collision(String id, JsonNode old, List<String> key, Map<String, Replacement> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean created = !before.has(e.getKey()) || out.containsKey(e.getKey());
            if (!created || !e.getValue().path("Type").equals(old.path("Type"))) {
                continue;
            }
            List<String> same = new ArrayList<>();
            for (String k : key) {
                JsonNode a = old.path("Properties").path(k);
                JsonNode b = e.getValue().path("Properties").path(k);
                if (!a.equals(b) || refersToReplaced(b, out)) {
                    same = null;
                    break;
                }
                if (!a.isMissingNode()) {
                    same.add(k + " " + shown(a));
                }
            }
            if (same != null) {
                String created2 = e.getKey().equals(id) ? "its replacement" : e.getKey();
                return created2 + " would have the same " + String.join(", ", same) + " while " + id + " still "
                        + "exists, so the deploy fails and rolls back; change the name (or key) too, or remove the "
                        + "resource in one deploy and add it back in the next";
            }
        }
        return "";
    }

    private static boolean refersToReplaced(JsonNode value, Map<String, Replacement> out) {
        List<String> ids = new ArrayList<>();
        collectRefs(value, ids);
        return ids.stream().anyMatch(i -> out.containsKey(i.startsWith(ATTRIBUTE) ? i.substring(1) : i));
    }

    /**
     * A subnet of a VPC that stays, replaced with (or removed for) a subnet created in the same deploy whose IPv4
     * CIDR overlaps, or whose IPv6 block equals, a subnet of the old template: those all still exist while the new
     * subnets are created.
     */
    private String subnetCollision(String id, Map<String, Replacement> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> c = it.next();
            boolean mine = c.getKey().equals(id);
            boolean created = mine || !before.has(c.getKey());
            JsonNode now = c.getValue().path("Properties");
            if (!created || !c.getValue().path("Type").asText().equals("AWS::EC2::Subnet")
                    || refersToReplaced(now.path("VpcId"), out)) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> old = before.fields(); old.hasNext();) {
                Map.Entry<String, JsonNode> e = old.next();
                JsonNode was = e.getValue().path("Properties");
                if (!e.getValue().path("Type").asText().equals("AWS::EC2::Subnet")
                        || !was.path("VpcId").equals(now.path("VpcId")) || !mine && !e.getKey().equals(id)) {
                    continue;
                }
                String who = e.getKey().equals(id) ? "the old subnet (" + was.path("CidrBlock").asText() + ")"
                        : e.getKey() + " (" + was.path("CidrBlock").asText() + ")";
                String what = mine ? "the new CIDR " : "new subnet " + c.getKey() + "'s CIDR ";
                if (overlaps(was.path("CidrBlock").asText(), now.path("CidrBlock").asText())) {
                    return what + now.path("CidrBlock").asText() + " overlaps " + who + ", which still exists "
                            + "while the new subnet is created, so the deploy fails and rolls back; move the tier "
                            + "in two deploys (new subnets beside the old, then remove the old) or renumber the VPC";
                }
                if (!now.path("Ipv6CidrBlock").isMissingNode() && now.path("Ipv6CidrBlock").equals(
                        was.path("Ipv6CidrBlock")) && !refersToReplaced(now.path("Ipv6CidrBlock"), out)) {
                    return (mine ? "its new IPv6 /64" : "new subnet " + c.getKey() + "'s IPv6 /64") + " is the one "
                            + who + " holds, which still exists while the new subnet is created, so the deploy "
                            + "fails and rolls back; give the new subnet another /64 index";
                }
            }
        }
        return "";
    }

    /** Whether two IPv4 CIDRs (a.b.c.d/n) overlap; false when either is not a literal CIDR. */
    static boolean overlaps(String a, String b) {
        long[] x = range(a);
        long[] y = range(b);
        return x != null && y != null && x[0] <= y[1] && y[0] <= x[1];
    }

    private static long[] range(String cidr) {
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)/(\\d+)").matcher(cidr);
        if (!m.matches()) {
            return null;
        }
        long ip = 0;
        for (int i = 1; i <= 4; i++) {
            ip = ip << 8 | Long.parseLong(m.group(i));
        }
        int bits = Integer.parseInt(m.group(5));
        long size = 1L << (32 - Math.min(bits, 32));
        long start = ip & ~(size - 1) & 0xFFFFFFFFL;
        return new long[] {start, start + size - 1};
    }

    /** A new logical id of the same type and identical properties: the resource was renamed. */
    private Optional<String> renamedTo(JsonNode old) {
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!before.has(e.getKey()) && e.getValue().path("Type").equals(old.path("Type"))
                    && e.getValue().path("Properties").equals(old.path("Properties"))) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    private static Set<String> names(JsonNode a, JsonNode b) {
        Set<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Records a changed property that replaces (or may replace), descending into nested types that do not. */
    private void changes(Property p, String path, JsonNode a, JsonNode b, List<String> yes, List<String> maybe) {
        if (a == null ? b == null : a.equals(b)) {
            return;
        }
        String what = path + " changed: " + shown(a) + " -> " + shown(b);
        if (p.causes() == Causes.YES) {
            yes.add(what);
            return;
        }
        if (p.causes() == Causes.MAYBE) {
            maybe.add(what);
            return;
        }
        if (p.nestedType() == null || a == null || b == null || intrinsic(a) || intrinsic(b)) {
            return;
        }
        if (p.list() && a.isArray() && b.isArray()) {
            if (a.size() != b.size() && replacesAnywhere(p.nestedType())) {
                maybe.add(path + " changed length: " + a.size() + " -> " + b.size());
            }
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                nestedChanges(p.nestedType(), path + "[" + i + "]", a.get(i), b.get(i), yes, maybe);
            }
        } else if (!p.list() && a.isObject() && b.isObject()) {
            nestedChanges(p.nestedType(), path, a, b, yes, maybe);
        }
    }

    private void nestedChanges(String typeId, String path, JsonNode a, JsonNode b, List<String> yes,
            List<String> maybe) {
        if (intrinsic(a) || intrinsic(b) || !a.isObject() || !b.isObject()) {
            return;
        }
        for (String name : names(a, b)) {
            Property p = spec.nested(typeId, name).orElse(new Property(Causes.NO, null, false));
            changes(p, path + "." + name, a.get(name), b.get(name), yes, maybe);
        }
    }

    /** Whether any property of the nested type, at any depth, replaces the resource. */
    private boolean replacesAnywhere(String typeId) {
        return replacesAnywhere(typeId, new TreeSet<>());
    }

    private boolean replacesAnywhere(String typeId, Set<String> seen) {
        if (!seen.add(typeId)) {
            return false;
        }
        for (Property p : spec.nestedProperties(typeId).values()) {
            if (p.causes() != Causes.NO || p.nestedType() != null && replacesAnywhere(p.nestedType(), seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean intrinsic(JsonNode n) {
        if (!n.isObject() || n.size() != 1) {
            return false;
        }
        String key = n.fieldNames().next();
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    private static String shown(JsonNode n) {
        if (n == null) {
            return "(none)";
        }
        String s = n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    /** Resources whose replacing properties refer to a replaced resource are replaced too, until nothing changes. */
    private void propagate(Map<String, Replacement> out) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String id = e.getKey();
                if (out.containsKey(id) || !before.has(id)) {
                    continue;
                }
                String type = e.getValue().path("Type").asText();
                Map<String, Boolean> refs = new LinkedHashMap<>();
                JsonNode props = e.getValue().path("Properties");
                for (String name : names(props, props)) {
                    Property p = spec.property(type, name).orElse(new Property(Causes.NO, null, false));
                    references(p, name, props.get(name), refs);
                }
                Replacement found = null;
                for (Map.Entry<String, Boolean> ref : refs.entrySet()) {
                    String[] parts = ref.getKey().split(" ", 2);
                    String target = parts[1].startsWith(ATTRIBUTE) ? parts[1].substring(1) : parts[1];
                    Replacement replaced = out.get(target);
                    if (replaced != null) {
                        found = new Replacement(id, type, parts[0] + " refers to " + target + ", which is replaced",
                                ref.getValue() || replaced.maybe());
                        break;
                    }
                }
                if (found == null) {
                    found = attributeChange(id, type, e.getValue(), refs, out);
                }
                if (found != null) {
                    out.put(id, found);
                    changed = true;
                }
            }
        }
    }

    /** Marks a reference made through Fn::GetAtt in the keys {@link #references} collects. */
    private static final String ATTRIBUTE = "@";

    /**
     * A replacing property that reads an attribute of another resource may change without that resource being
     * replaced: when a resource it depends on is (e.g. a VPC's IPv6 block, which changes the VPC's Ipv6CidrBlocks
     * that subnets read). Judged from the resource's DependsOn; reported as "may be replaced".
     */
    private Replacement attributeChange(String id, String type, JsonNode resource, Map<String, Boolean> refs,
            Map<String, Replacement> out) {
        for (JsonNode dependency : list(resource.path("DependsOn"))) {
            Replacement replaced = out.get(dependency.asText());
            if (replaced == null) {
                continue;
            }
            for (String key : refs.keySet()) {
                String[] parts = key.split(" ", 2);
                if (parts[1].startsWith(ATTRIBUTE)) {
                    return new Replacement(id, type, parts[0] + " reads " + parts[1].substring(1) + "'s attributes, "
                            + "which may change: it depends on " + replaced.logicalId() + ", which is replaced", true);
                }
            }
        }
        return null;
    }

    private static List<JsonNode> list(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        } else if (n.isTextual()) {
            out.add(n);
        }
        return out;
    }

    /**
     * Collects "path logicalId" for every reference under a property that replaces when it changes (value: whether
     * only maybe), descending into nested types that do not.
     */
    private void references(Property p, String path, JsonNode value, Map<String, Boolean> refs) {
        if (value == null) {
            return;
        }
        if (p.causes() != Causes.NO) {
            List<String> ids = new ArrayList<>();
            collectRefs(value, ids);
            ids.forEach(id -> refs.putIfAbsent(path + " " + id, p.causes() == Causes.MAYBE));
            return;
        }
        if (p.nestedType() == null || intrinsic(value)) {
            return;
        }
        if (p.list() && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                nestedReferences(p.nestedType(), path + "[" + i + "]", value.get(i), refs);
            }
        } else if (value.isObject()) {
            nestedReferences(p.nestedType(), path, value, refs);
        }
    }

    private void nestedReferences(String typeId, String path, JsonNode value, Map<String, Boolean> refs) {
        if (!value.isObject() || intrinsic(value)) {
            return;
        }
        for (String name : names(value, value)) {
            Property p = spec.nested(typeId, name).orElse(new Property(Causes.NO, null, false));
            references(p, path + "." + name, value.get(name), refs);
        }
    }

    private static void collectRefs(JsonNode n, List<String> ids) {
        if (n.isObject()) {
            if (n.has("Ref")) {
                ids.add(n.get("Ref").asText());
            }
            JsonNode getAtt = n.get("Fn::GetAtt");
            if (getAtt != null && getAtt.isArray() && getAtt.size() > 0) {
                ids.add(ATTRIBUTE + getAtt.get(0).asText());
            }
            JsonNode sub = n.get("Fn::Sub");
            if (sub != null) {
                Matcher m = SUB_REF.matcher(sub.isArray() ? sub.path(0).asText() : sub.asText());
                while (m.find()) {
                    ids.add(m.group(1));
                }
            }
            n.elements().forEachRemaining(c -> collectRefs(c, ids));
        } else if (n.isArray()) {
            n.elements().forEachRemaining(c -> collectRefs(c, ids));
        }
    }
}
