package dev.v6platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.UserStacks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The platform's security baseline, checked on everything the user's environments in {@code stacks/} synthesize,
 * however many there are, and on the library fixtures (cdk-nag's AwsSolutions pack already fails synth on any
 * unacknowledged finding; see ValidationPluginsTest):
 * <ul>
 *   <li>IAM: no {@code *} resource except for actions that support no resource-level permissions, no wildcard
 *       account or region in an ARN, no {@code Action: "*"} or service-wide wildcard outside a key policy's root
 *       statement;</li>
 *   <li>workloads: no privileged containers, requests and limits for cpu and memory, non-root, read-only root file
 *       systems, no privilege escalation and all capabilities dropped, images pinned by version, each exception
 *       listed below with its reason;</li>
 *   <li>a default-deny ingress NetworkPolicy in every platform namespace;</li>
 *   <li>stateful resources retained on deletion and replacement.</li>
 * </ul>
 * Each rule is shown to catch a violation on a tampered copy.
 */
class SecurityBaselineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Actions the Service Authorization Reference lists with no resource type: only {@code *} works. */
    static final Set<String> UNSCOPABLE = Set.of("ec2:DescribeAvailabilityZones", "ec2:DescribeCapacityReservations",
            "ec2:DescribeImages", "ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings",
            "ec2:DescribeInstanceTypes", "ec2:DescribeInstances", "ec2:DescribeLaunchTemplates",
            "ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory",
            "ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "pricing:GetProducts",
            "ecr:GetAuthorizationToken");

    /**
     * Actions on {@code *} that a condition key narrows to one resource instead, as upstream's reference policies
     * write them: the action to the condition key the statement must hold.
     */
    static final Map<String, String> CONDITION_SCOPED = Map.of("arc-zonal-shift:GetManagedResource",
            "arc-zonal-shift:ResourceIdentifier");

    /** Where a workload cannot meet the baseline, and why: "container/check" to the reason. */
    static final Map<String, String> EXCEPTIONS = Map.of(
            "buildkitd/readOnlyRootFilesystem", "rootless BuildKit (rootlesskit, runc) writes under $HOME and "
                    + "/run/user; upstream's rootless examples run it writable",
            "buildkitd/allowPrivilegeEscalation", "rootlesskit maps the user namespace with the setuid "
                    + "newuidmap/newgidmap helpers",
            "buildkitd/capabilities", "the setuid helpers need their file capabilities; upstream's rootless "
                    + "examples drop none");

    static final Pattern WILDCARD_ACCOUNT_OR_REGION = Pattern.compile("arn:[^:]*:[^:]+:(\\*|[^:]*:\\*):");

    /** ARNs whose account stays open, and why. */
    static final Map<String, String> OPEN_ACCOUNT = Map.of(
            "arn:${AWS_Partition}:ec2:${AWS_Region}:*:subnet/*", "a shared VPC's subnets belong to its owner",
            "arn:${AWS_Partition}:ec2:${AWS_Region}:*:capacity-reservation/*", "capacity reservations can be "
                    + "shared through RAM and belong to their owner");
    static final Pattern PINNED_IMAGE = Pattern.compile("[^:@]+(:v?\\d+(\\.\\d+)*[-.\\w]*|@sha256:[0-9a-f]{64})");

    /** The templates and Kubernetes objects of one synth, by file name. */
    record Output(Map<String, JsonNode> templates, Map<String, List<Map<String, Object>>> kubernetes) {
    }

    /** The library fixtures' output: the rules' coverage and the tampered copies are checked on it. */
    static Output fixtures;
    /** The user's environments in stacks/, whatever they are: every one must pass every rule. */
    static Output user;

    @BeforeAll
    static void readTheOutput() throws IOException {
        var f = FixtureSynthesis.get();
        fixtures = read(f.cdkOut(), f.dist());
        assertThat(fixtures.templates()).hasSize(4);
        var u = UserStacks.get();
        user = read(u.cdkOut(), u.dist());
        assertThat(user.templates()).as("a template per environment in " + UserStacks.STACKS)
                .hasSize(u.environments().size());
    }

    static Output read(Path cdkOut, Path dist) throws IOException {
        Map<String, JsonNode> templates = new TreeMap<>();
        Map<String, List<Map<String, Object>>> kubernetes = new TreeMap<>();
        for (var e : FixtureSynthesis.files(cdkOut).entrySet()) {
            if (e.getKey().endsWith(".template.json")) {
                templates.put(e.getKey(), JSON.readTree(e.getValue()));
            }
        }
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (var e : FixtureSynthesis.files(dist).entrySet()) {
            if (e.getKey().endsWith(".k8s.yaml")) {
                List<Map<String, Object>> objects = new ArrayList<>();
                for (Object doc : yaml.loadAll(new String(e.getValue(), StandardCharsets.UTF_8))) {
                    if (doc instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> object = (Map<String, Object>) m;
                        objects.add(object);
                    }
                }
                kubernetes.put(e.getKey(), objects);
            }
        }
        return new Output(templates, kubernetes);
    }

    static List<Output> both() {
        return List.of(fixtures, user);
    }

    // ---- IAM ----

    /** Every problem with the IAM statements of one template. */
    static List<String> iamProblems(String name, JsonNode template) {
        List<String> out = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(r -> {
            JsonNode props = r.getValue().path("Properties");
            boolean keyPolicy = props.has("KeyPolicy");
            List<JsonNode> docs = new ArrayList<>();
            docs.add(props.path("PolicyDocument"));
            docs.add(props.path("KeyPolicy"));
            props.path("Policies").forEach(p -> docs.add(p.path("PolicyDocument")));
            for (JsonNode doc : docs) {
                for (JsonNode st : doc.path("Statement")) {
                    if (!st.path("Effect").asText().equals("Allow")) {
                        continue;
                    }
                    String at = name + " " + r.getKey() + (st.has("Sid") ? " " + st.path("Sid").asText() : "");
                    List<String> actions = strings(st.path("Action"));
                    boolean rootOfKey = keyPolicy && render(st.path("Principal").path("AWS")).endsWith(":root");
                    for (String action : actions) {
                        if ((action.equals("*") || action.endsWith(":*")) && !rootOfKey) {
                            out.add(at + ": Action " + action + " grants a whole service");
                        }
                    }
                    for (JsonNode resource : list(st.path("Resource"))) {
                        String arn = render(resource);
                        if (arn.equals("*") && !keyPolicy) {
                            actions.stream().filter(a -> !UNSCOPABLE.contains(a))
                                    .filter(a -> !CONDITION_SCOPED.containsKey(a) || !render(st.path("Condition"))
                                            .contains(CONDITION_SCOPED.get(a))).forEach(a -> out.add(at
                                    + ": " + a + " on Resource * (it supports resource-level permissions)"));
                        }
                        if (WILDCARD_ACCOUNT_OR_REGION.matcher(arn).find() && !OPEN_ACCOUNT.containsKey(arn)) {
                            out.add(at + ": " + arn + " leaves the account or region open");
                        }
                    }
                }
            }
        });
        return out;
    }

    static List<JsonNode> list(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        } else if (!n.isMissingNode()) {
            out.add(n);
        }
        return out;
    }

    static List<String> strings(JsonNode n) {
        return list(n).stream().map(JsonNode::asText).toList();
    }

    /** A resource as text: Fn::Join flattened, Ref as ${name} with "::" as "_" (so ARN fields split on ':'). */
    static String render(JsonNode n) {
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.has("Ref")) {
            return "${" + n.path("Ref").asText().replace("::", "_") + "}";
        }
        if (n.has("Fn::Join")) {
            StringBuilder s = new StringBuilder();
            n.path("Fn::Join").path(1).forEach(p -> s.append(render(p)));
            return s.toString();
        }
        if (n.has("Fn::GetAtt")) {
            return "${" + n.path("Fn::GetAtt").path(0).asText() + "." + n.path("Fn::GetAtt").path(1).asText() + "}";
        }
        return n.toString();
    }

    @Test
    void iam_grants_no_star_resource_it_could_scope_and_no_open_account_or_region() {
        both().forEach(o -> o.templates().forEach((name, t) -> assertThat(iamProblems(name, t)).as(name).isEmpty()));
    }

    @Test
    void the_iam_rule_catches_a_scopable_action_on_star_an_open_account_and_a_service_wildcard() throws IOException {
        JsonNode t = JSON.readTree("""
                {"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": [
                  {"Sid": "A", "Effect": "Allow", "Action": ["ec2:DescribeSubnets", "ec2:TerminateInstances"],
                   "Resource": "*"},
                  {"Sid": "B", "Effect": "Allow", "Action": "ec2:CreateTags",
                   "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ec2:*:*:volume/*"]]}},
                  {"Sid": "C", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket"},
                  {"Sid": "D", "Effect": "Deny", "Action": "*", "Resource": "*"}]}}}}}
                """);
        assertThat(iamProblems("t", t)).containsExactly(
                "t P A: ec2:TerminateInstances on Resource * (it supports resource-level permissions)",
                "t P B: arn:${AWS_Partition}:ec2:*:*:volume/* leaves the account or region open",
                "t P C: Action s3:* grants a whole service");
    }

    // ---- workloads ----

    /** Every pod template's containers (and init containers) of one object, as (pod spec, container) pairs. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Map<String, Object>[]> containers(Map<String, Object> object) {
        Object kind = object.get("kind");
        Map<String, Object> spec = (Map<String, Object>) object.get("spec");
        Map<String, Object> pod = null;
        if (List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job").contains(kind)) {
            pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        } else if ("CronJob".equals(kind)) {
            pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) spec
                    .get("jobTemplate")).get("spec")).get("template")).get("spec");
        } else if ("Pod".equals(kind)) {
            pod = spec;
        }
        List<Map<String, Object>[]> out = new ArrayList<>();
        if (pod != null) {
            for (String key : List.of("initContainers", "containers")) {
                for (Object c : (List<Object>) pod.getOrDefault(key, List.of())) {
                    out.add(new Map[] {pod, (Map<String, Object>) c});
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            if (!(o instanceof Map)) {
                return null;
            }
            o = ((Map<String, Object>) o).get(p);
        }
        return o;
    }

    /** Every baseline problem of one Kubernetes object's containers that is not a listed exception. */
    static List<String> workloadProblems(String file, Map<String, Object> object) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object>[] pair : containers(object)) {
            Map<String, Object> pod = pair[0];
            Map<String, Object> c = pair[1];
            String name = String.valueOf(c.get("name"));
            String at = file + " " + object.get("kind") + "/" + at(object, "metadata", "name") + " container "
                    + name + ": ";
            Map<String, Boolean> checks = new LinkedHashMap<>();
            checks.put("privileged", !Boolean.TRUE.equals(at(c, "securityContext", "privileged")));
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    checks.put(kind + "." + resource, at(c, "resources", kind, resource) != null);
                }
            }
            checks.put("runAsNonRoot", Boolean.TRUE.equals(at(c, "securityContext", "runAsNonRoot"))
                    || Boolean.TRUE.equals(at(pod, "securityContext", "runAsNonRoot"))
                            && at(c, "securityContext", "runAsNonRoot") == null);
            checks.put("readOnlyRootFilesystem", Boolean.TRUE.equals(at(c, "securityContext",
                    "readOnlyRootFilesystem")));
            checks.put("allowPrivilegeEscalation", Boolean.FALSE.equals(at(c, "securityContext",
                    "allowPrivilegeEscalation")));
            checks.put("capabilities", String.valueOf(at(c, "securityContext", "capabilities", "drop"))
                    .equals("[ALL]") && at(c, "securityContext", "capabilities", "add") == null);
            checks.put("image", PINNED_IMAGE.matcher(String.valueOf(c.get("image"))).matches()
                    && !String.valueOf(c.get("image")).endsWith(":latest"));
            checks.forEach((check, ok) -> {
                if (!ok && !EXCEPTIONS.containsKey(name + "/" + check)) {
                    out.add(at + check);
                }
            });
        }
        return out;
    }

    @Test
    void workloads_are_unprivileged_bounded_non_root_read_only_and_pinned_or_documented_exceptions() {
        int containers = 0;
        for (Output o : both()) {
            for (var e : o.kubernetes().entrySet()) {
                for (Map<String, Object> object : e.getValue()) {
                    containers += o == fixtures ? containers(object).size() : 0;
                    assertThat(workloadProblems(e.getKey(), object)).as(e.getKey()).isEmpty();
                }
            }
        }
        assertThat(containers).as("containers checked across the four fixtures").isGreaterThanOrEqualTo(12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_workload_rule_catches_each_weakening_and_honours_only_listed_exceptions() throws IOException {
        Map<String, Object> deployment = new Yaml(new SafeConstructor(new LoaderOptions())).load("""
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      securityContext: {runAsNonRoot: true}
                      initContainers:
                        - name: init
                          image: busybox:latest
                          securityContext: {privileged: true}
                      containers:
                        - name: buildkitd
                          image: moby/buildkit:v0.32.2-rootless
                          resources: {requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "1", memory: 1Gi}}
                          securityContext: {runAsNonRoot: false}
                """);
        assertThat(workloadProblems("f", deployment)).containsExactly(
                "f Deployment/web container init: privileged",
                "f Deployment/web container init: requests.cpu",
                "f Deployment/web container init: requests.memory",
                "f Deployment/web container init: limits.cpu",
                "f Deployment/web container init: limits.memory",
                "f Deployment/web container init: readOnlyRootFilesystem",
                "f Deployment/web container init: allowPrivilegeEscalation",
                "f Deployment/web container init: capabilities",
                "f Deployment/web container init: image",
                "f Deployment/web container buildkitd: runAsNonRoot");
        assertThat(EXCEPTIONS.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());
    }

    // ---- network policies ----

    /** Platform namespaces of one namespaces chart without a default-deny ingress policy. */
    @SuppressWarnings("unchecked")
    static List<String> namespacesWithoutDefaultDeny(List<Map<String, Object>> objects) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if ("Namespace".equals(o.get("kind")) && "platform".equals(at(o, "metadata", "labels",
                    "v6-platform.dev/namespace-role"))) {
                String ns = String.valueOf(at(o, "metadata", "name"));
                boolean denied = objects.stream().anyMatch(p -> "NetworkPolicy".equals(p.get("kind"))
                        && ns.equals(at(p, "metadata", "namespace"))
                        && ((Map<String, Object>) at(p, "spec", "podSelector")).isEmpty()
                        && ((List<Object>) at(p, "spec", "policyTypes")).contains("Ingress")
                        && at(p, "spec", "ingress") == null);
                if (!denied) {
                    out.add(ns);
                }
            }
        }
        return out;
    }

    @Test
    void every_platform_namespace_denies_ingress_by_default() {
        both().forEach(output -> output.kubernetes().forEach((file, objects) -> {
            if (file.endsWith("namespaces.k8s.yaml")) {
                assertThat(objects).anyMatch(o -> "Namespace".equals(o.get("kind")));
                assertThat(namespacesWithoutDefaultDeny(objects)).as(file).isEmpty();
            }
        }));
        assertThat(user.kubernetes().keySet().stream().filter(f -> f.endsWith("/namespaces.k8s.yaml")))
                .as("a namespaces chart per environment").hasSize(user.templates().size());
        List<Map<String, Object>> tampered = new ArrayList<>(fixtures.kubernetes().get("dev-use1/namespaces.k8s.yaml"));
        tampered.removeIf(o -> "NetworkPolicy".equals(o.get("kind")) && "observability".equals(at(o, "metadata",
                "namespace")));
        assertThat(namespacesWithoutDefaultDeny(tampered)).containsExactly("observability");
    }

    // ---- retention ----

    static final List<String> STATEFUL = List.of("AWS::KMS::Key", "AWS::APS::Workspace", "AWS::ECR::Repository",
            "AWS::Logs::LogGroup");

    static List<String> unretained(String name, JsonNode template) {
        List<String> out = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(r -> {
            if (STATEFUL.contains(r.getValue().path("Type").asText())
                    && (!r.getValue().path("DeletionPolicy").asText().equals("Retain")
                            || !r.getValue().path("UpdateReplacePolicy").asText().equals("Retain"))) {
                out.add(name + " " + r.getKey() + " (" + r.getValue().path("Type").asText() + ")");
            }
        });
        return out;
    }

    @Test
    void stateful_resources_are_retained_on_deletion_and_replacement() {
        Map<String, Integer> counted = new TreeMap<>();
        user.templates().forEach((name, t) -> assertThat(unretained(name, t)).as(name).isEmpty());
        fixtures.templates().forEach((name, t) -> {
            assertThat(unretained(name, t)).as(name).isEmpty();
            t.path("Resources").forEach(r -> counted.merge(r.path("Type").asText(), 1, Integer::sum));
        });
        STATEFUL.forEach(type -> assertThat(counted).as(type + " in the fixtures").containsKey(type));
        ObjectNode tampered = fixtures.templates().get("v6-dev-use1.template.json").deepCopy();
        tampered.withObject("/Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::ECR::Repository")) {
                ((ObjectNode) r.getValue()).put("DeletionPolicy", "Delete");
            }
        });
        assertThat(unretained("t", tampered)).singleElement().asString().endsWith("(AWS::ECR::Repository)");
    }
}
