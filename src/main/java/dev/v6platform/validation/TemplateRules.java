package dev.v6platform.validation;

import dev.v6platform.config.Cidrs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The platform's own rules for IPv6 EKS, checked on synthesized CloudFormation templates (cdk-nag's EKS rules
 * cover only the custom-resource cluster of {@code aws-eks}, not the native {@code AWS::EKS::Cluster}). Because
 * they read the final template, escape-hatch overrides cannot slip past them. Pure Java over parsed JSON.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><td>V6-EKS-IPV6</td><td>the cluster's IP family is ipv6</td></tr>
 *   <tr><td>V6-EKS-LOGGING</td><td>every control-plane log type is enabled</td></tr>
 *   <tr><td>V6-EKS-SECRETS</td><td>Kubernetes secrets are encrypted with a KMS key</td></tr>
 *   <tr><td>V6-EKS-PRIVATE-ENDPOINT</td><td>the private endpoint is on</td></tr>
 *   <tr><td>V6-EKS-PUBLIC-ENDPOINT</td><td>the public endpoint is off or limited to listed CIDRs (acknowledge to
 *       open it to the internet)</td></tr>
 *   <tr><td>V6-EKS-IPV6-EGRESS</td><td>the cluster's own security groups allow IPv6 egress</td></tr>
 *   <tr><td>V6-EKS-ADDONS</td><td>every core add-on exists at a pinned version</td></tr>
 *   <tr><td>V6-EKS-CNI-ROLE</td><td>the vpc-cni add-on runs under a role that trusts Pod Identity and holds the
 *       IPv6 CNI rights; a role outside the template needs an acknowledgement</td></tr>
 *   <tr><td>V6-EKS-NODE-CNI</td><td>every node role (managed node groups, EC2_LINUX access entries) has the IPv6
 *       CNI rights</td></tr>
 *   <tr><td>V6-EKS-SUPPORT-TYPE</td><td>the upgrade policy's support type is explicit (unset, EKS bills extended
 *       support)</td></tr>
 *   <tr><td>V6-EKS-LOG-GROUP</td><td>the control-plane log group {@code /aws/eks/<cluster>/cluster} is in the
 *       stack, encrypted, with a retention, and created before the cluster (else EKS creates it, unencrypted and
 *       kept forever)</td></tr>
 *   <tr><td>V6-LOGS-ENCRYPTED</td><td>every log group has a KMS key and a retention</td></tr>
 *   <tr><td>V6-IAM-POLICY-SIZE</td><td>every managed policy stays under IAM's 6,144 characters with the longest
 *       region, partition and names it can get ({@link PolicySize})</td></tr>
 *   <tr><td>V6-CFN-SIZE</td><td>the template stays under CloudFormation's 1 MB body limit</td></tr>
 *   <tr><td>V6-CFN-RESOURCES</td><td>the stack has at most 500 resources</td></tr>
 *   <tr><td>V6-KUBECTL-PAYLOAD</td><td>each manifest or Helm values sent to the kubectl handler stays under its
 *       256 KB request limit, also on an update, which carries the old and the new</td></tr>
 * </table>
 */
public final class TemplateRules {
    public static final List<String> CORE_ADDONS = List.of("eks-pod-identity-agent", "vpc-cni", "kube-proxy",
            "coredns");
    static final List<String> LOG_TYPES = List.of("api", "audit", "authenticator", "controllerManager", "scheduler");
    /** What a role needs to run the VPC CNI in IPv6 mode (the EKS user guide's IPv6 policy). */
    static final List<String> CNI_IPV6_ACTIONS = List.of("ec2:AssignIpv6Addresses", "ec2:DescribeInstances",
            "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:CreateTags");

    private final Map<String, Map<String, Object>> resources;

    @SuppressWarnings("unchecked")
    private TemplateRules(Map<String, Object> template) {
        this.resources = (Map<String, Map<String, Object>>) template.getOrDefault("Resources", Map.of());
    }

    /** CloudFormation's limit on a template body uploaded through S3, in bytes. */
    public static final long MAX_TEMPLATE_BYTES = 1_000_000;
    /** CloudFormation's limit on resources per stack. */
    public static final int MAX_RESOURCES = 500;
    /** The kubectl handler's Lambda request limit; a manifest travels in one request. */
    public static final int MAX_KUBECTL_PAYLOAD = 262_144;
    /** Room left in a kubectl request for the rest of the event (cluster name, role, ...). */
    static final int KUBECTL_EVENT_OVERHEAD = 4_096;

    /** Every finding in one template. */
    public static List<Finding> check(Map<String, Object> template) {
        return check(template, 0);
    }

    /** Every finding in one template whose file is {@code bytes} long (0 when unknown). */
    public static List<Finding> check(Map<String, Object> template, long bytes) {
        TemplateRules rules = new TemplateRules(template);
        List<Finding> out = rules.run();
        if (bytes > MAX_TEMPLATE_BYTES) {
            out.add(new Finding("V6-CFN-SIZE", "the template is " + bytes + " bytes; CloudFormation accepts at most "
                    + MAX_TEMPLATE_BYTES, "move large manifests to GitOps delivery (cluster.delivery: gitops) or split "
                    + "the stack", "Template"));
        }
        if (rules.resources.size() > MAX_RESOURCES) {
            out.add(new Finding("V6-CFN-RESOURCES", "the stack has " + rules.resources.size() + " resources; "
                    + "CloudFormation allows at most " + MAX_RESOURCES + " per stack", "split the stack", "Template"));
        }
        return out;
    }

    private List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        resources.forEach((id, r) -> {
            if ("AWS::EKS::Cluster".equals(r.get("Type"))) {
                cluster(id, props(r), out);
            } else if ("AWS::EKS::Nodegroup".equals(r.get("Type"))) {
                nodeRole(id, props(r).get("NodeRole"), "node group", out);
            } else if ("AWS::EKS::AccessEntry".equals(r.get("Type")) && "EC2_LINUX".equals(props(r).get("Type"))) {
                nodeRole(id, props(r).get("PrincipalArn"), "EC2_LINUX access entry", out);
            } else if ("AWS::Logs::LogGroup".equals(r.get("Type"))) {
                Map<String, Object> p = props(r);
                if (p.get("KmsKeyId") == null || p.get("RetentionInDays") == null) {
                    out.add(new Finding("V6-LOGS-ENCRYPTED", "log group " + id + " has " + (p.get("KmsKeyId") == null
                            ? "no KMS key" : "no retention") + "", "set KmsKeyId to the platform key and "
                            + "RetentionInDays", id));
                }
            } else if ("AWS::IAM::ManagedPolicy".equals(r.get("Type"))) {
                policySize(id, props(r), out);
            } else if (String.valueOf(r.get("Type")).startsWith("Custom::AWSCDK-EKS-")) {
                kubectlPayload(id, props(r), out);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private void cluster(String id, Map<String, Object> p, List<Finding> out) {
        Map<String, Object> network = map(p.get("KubernetesNetworkConfig"));
        Object family = network.get("IpFamily");
        if (!"ipv6".equals(family)) {
            out.add(new Finding("V6-EKS-IPV6", "the cluster's IP family is " + (family == null ? "ipv4 (unset)"
                    : family) + "; the platform runs IPv6 clusters only (the family cannot change after creation)",
                    "build the cluster with Ipv6Cluster or set KubernetesNetworkConfig.IpFamily: ipv6", id));
        }
        Set<String> logs = new LinkedHashSet<>();
        for (Object t : list(map(map(p.get("Logging")).get("ClusterLogging")).get("EnabledTypes"))) {
            logs.add(String.valueOf(map(t).get("Type")));
        }
        List<String> missing = LOG_TYPES.stream().filter(t -> !logs.contains(t)).toList();
        if (!missing.isEmpty()) {
            out.add(new Finding("V6-EKS-LOGGING", "control-plane log types " + missing + " are off", "enable every "
                    + "log type: " + LOG_TYPES, id));
        }
        boolean secrets = list(p.get("EncryptionConfig")).stream().anyMatch(e -> list(map(e).get("Resources"))
                .contains("secrets") && map(map(e).get("Provider")).get("KeyArn") != null);
        if (!secrets) {
            out.add(new Finding("V6-EKS-SECRETS", "Kubernetes secrets are not encrypted with a KMS key",
                    "set EncryptionConfig with the environment's key for resource 'secrets'", id));
        }
        Map<String, Object> vpc = map(p.get("ResourcesVpcConfig"));
        if (!isTrue(vpc.get("EndpointPrivateAccess"))) {
            out.add(new Finding("V6-EKS-PRIVATE-ENDPOINT", "the private API endpoint is off, so nodes reach the "
                    + "API over the internet", "set EndpointPrivateAccess: true", id));
        }
        boolean publicOn = vpc.get("EndpointPublicAccess") == null || isTrue(vpc.get("EndpointPublicAccess"));
        List<Object> cidrs = list(vpc.get("PublicAccessCidrs"));
        if (publicOn && (cidrs.isEmpty() || Cidrs.coversEverything(cidrs.stream()
                .map(String::valueOf).toList()))) {
            out.add(new Finding("V6-EKS-PUBLIC-ENDPOINT", "the public API endpoint is open to the whole internet"
                    + (cidrs.isEmpty() ? " (no PublicAccessCidrs)" : " " + cidrs), "keep the endpoint private, list "
                    + "your own CIDRs, or acknowledge it with a reason (publicAccessReason in stacks/)", id));
        }
        for (Object sg : list(vpc.get("SecurityGroupIds"))) {
            ref(sg).filter(resources::containsKey).ifPresent(sgId -> {
                if (!allowsIpv6Egress(sgId)) {
                    out.add(new Finding("V6-EKS-IPV6-EGRESS", "security group " + sgId + " of the cluster allows no "
                            + "IPv6 egress", "allow egress to ::/0 (SecurityGroup allowAllIpv6Outbound)", sgId));
                }
            });
        }
        addons(id, p.get("Name"), out);
        if (!(map(p.get("UpgradePolicy")).get("SupportType") instanceof String)) {
            out.add(new Finding("V6-EKS-SUPPORT-TYPE", "the cluster's UpgradePolicy.SupportType is unset, so EKS "
                    + "bills extended support once the version leaves standard support", "set it explicitly "
                    + "(cluster.supportType in stacks/: STANDARD or EXTENDED)", id));
        }
        controlPlaneLogGroup(id, p.get("Name"), out);
    }

    private void controlPlaneLogGroup(String clusterId, Object name, List<Finding> out) {
        if (!(name instanceof String clusterName)) {
            return;
        }
        String logGroupName = "/aws/eks/" + clusterName + "/cluster";
        Optional<String> group = resources.entrySet().stream().filter(e -> "AWS::Logs::LogGroup".equals(
                e.getValue().get("Type")) && logGroupName.equals(props(e.getValue()).get("LogGroupName")))
                .map(Map.Entry::getKey).findFirst();
        Object dependsOn = resources.get(clusterId).get("DependsOn");
        List<Object> deps = dependsOn instanceof String d ? List.of(d) : list(dependsOn);
        if (group.isEmpty() || !deps.contains(group.get())) {
            out.add(new Finding("V6-EKS-LOG-GROUP", group.isEmpty() ? "the stack has no log group " + logGroupName
                    + ", so EKS creates it with no retention and no KMS key" : "the cluster does not depend on log "
                    + "group " + group.get() + ", so EKS may create " + logGroupName + " first and the stack's "
                    + "creation fails", "create " + logGroupName + " in the stack, encrypted and with a retention, "
                    + "and make the cluster depend on it", clusterId));
        }
    }

    private static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }

    private void addons(String clusterId, Object clusterName, List<Finding> out) {
        for (String name : CORE_ADDONS) {
            Optional<Map.Entry<String, Map<String, Object>>> addon = resources.entrySet().stream()
                    .filter(e -> "AWS::EKS::Addon".equals(e.getValue().get("Type")))
                    .filter(e -> name.equals(props(e.getValue()).get("AddonName")))
                    .filter(e -> {
                        Object target = props(e.getValue()).get("ClusterName");
                        return ref(target).map(clusterId::equals).orElse(false)
                                || (clusterName != null && clusterName.equals(target));
                    })
                    .findFirst();
            if (addon.isEmpty()) {
                out.add(new Finding("V6-EKS-ADDONS", "the cluster has no '" + name + "' managed add-on", "add it as an "
                        + "EKS managed add-on at a pinned version", clusterId));
                continue;
            }
            Map<String, Object> p = props(addon.get().getValue());
            if (!(p.get("AddonVersion") instanceof String v) || v.isBlank()) {
                out.add(new Finding("V6-EKS-ADDONS", "add-on '" + name + "' has no pinned version, so EKS picks one "
                        + "and it drifts", "pin AddonVersion (stacks/<environment>.yaml cluster.addons)",
                        addon.get().getKey()));
            }
            if (name.equals("vpc-cni")) {
                Optional<Object> roleArn = list(p.get("PodIdentityAssociations")).stream()
                        .filter(a -> "aws-node".equals(map(a).get("ServiceAccount")))
                        .map(a -> map(a).get("RoleArn")).findFirst();
                String addonId = addon.get().getKey();
                if (roleArn.isEmpty()) {
                    out.add(new Finding("V6-EKS-CNI-ROLE", "the vpc-cni add-on has no Pod Identity role for "
                            + "kube-system/aws-node", "give it a role with the IPv6 CNI policy through "
                            + "PodIdentityAssociations", addonId));
                    continue;
                }
                Optional<String> role = ref(roleArn.get()).filter(resources::containsKey);
                if (role.isEmpty()) {
                    out.add(new Finding("V6-EKS-CNI-ROLE", "the vpc-cni role " + roleArn.get() + " is not in this "
                            + "template, so its IPv6 CNI rights cannot be checked", "acknowledge this finding with the "
                            + "reason the role has the IPv6 CNI policy", addonId));
                    continue;
                }
                List<String> missingActions = missingActions(role.get());
                if (!missingActions.isEmpty()) {
                    out.add(new Finding("V6-EKS-CNI-ROLE", "the vpc-cni role " + role.get() + " lacks "
                            + missingActions + ", so pods get no IPv6 addresses", "attach the IPv6 CNI policy",
                            role.get()));
                }
                if (!trusts(role.get(), "pods.eks.amazonaws.com")) {
                    out.add(new Finding("V6-EKS-CNI-ROLE", "the vpc-cni role " + role.get() + " does not trust EKS "
                            + "Pod Identity (pods.eks.amazonaws.com)", "trust pods.eks.amazonaws.com with "
                            + "sts:AssumeRole and sts:TagSession", role.get()));
                }
            }
        }
    }

    private List<String> missingActions(String roleId) {
        List<Map<String, Object>> statements = statements(roleId);
        return CNI_IPV6_ACTIONS.stream().filter(a -> !allowed(statements, a)).toList();
    }

    private boolean trusts(String roleId, String service) {
        for (Object statement : list(map(props(resources.get(roleId)).get("AssumeRolePolicyDocument"))
                .get("Statement"))) {
            Object principal = map(map(statement).get("Principal")).get("Service");
            List<?> services = principal instanceof List<?> l ? l : List.of(String.valueOf(principal));
            if ("Allow".equals(map(statement).get("Effect")) && services.contains(service)) {
                return true;
            }
        }
        return false;
    }

    private void policySize(String id, Map<String, Object> p, List<Finding> out) {
        int size = PolicySize.worstCase(p.get("PolicyDocument"), resources);
        if (size > PolicySize.MANAGED_POLICY_LIMIT) {
            out.add(new Finding("V6-IAM-POLICY-SIZE", "managed policy " + id + " can reach " + size + " characters "
                    + "(with the longest region, partition and names it may get); IAM accepts at most "
                    + PolicySize.MANAGED_POLICY_LIMIT + ", so the deploy would fail", "split its statements into "
                    + "several managed policies", id));
        }
    }

    private static void kubectlPayload(String id, Map<String, Object> p, List<Finding> out) {
        long size = 0;
        for (String key : List.of("Manifest", "Values")) {
            if (p.get(key) instanceof String text) {
                size += text.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        // an update request carries the old properties too
        if (2 * size + KUBECTL_EVENT_OVERHEAD > MAX_KUBECTL_PAYLOAD) {
            out.add(new Finding("V6-KUBECTL-PAYLOAD", id + " sends " + size + " bytes to the kubectl handler, twice on "
                    + "an update (old and new); a request takes at most " + MAX_KUBECTL_PAYLOAD + " bytes",
                    "split the chart, or deliver it with GitOps (cluster.delivery: gitops)", id));
        }
    }

    private void nodeRole(String id, Object roleArn, String what, List<Finding> out) {
        Optional<String> role = ref(roleArn).filter(resources::containsKey);
        if (role.isEmpty()) {
            out.add(new Finding("V6-EKS-NODE-CNI", "the role " + roleArn + " of " + what + " " + id + " is not in "
                    + "this template, so its IPv6 CNI rights cannot be checked", "acknowledge this finding with the "
                    + "reason the role has the cluster's IPv6 CNI policy", id));
            return;
        }
        List<String> missing = missingActions(role.get());
        if (!missing.isEmpty()) {
            out.add(new Finding("V6-EKS-NODE-CNI", "the role " + role.get() + " of " + what + " " + id + " lacks "
                    + missing + ": its nodes cannot run the VPC CNI in IPv6 mode", "attach the cluster's IPv6 CNI "
                    + "policy (Ipv6Cluster.registerNodeRole)", role.get()));
        }
    }

    private boolean allowsIpv6Egress(String sgId) {
        for (Object rule : list(props(resources.get(sgId)).get("SecurityGroupEgress"))) {
            if ("::/0".equals(map(rule).get("CidrIpv6"))) {
                return true;
            }
        }
        return resources.values().stream().filter(r -> "AWS::EC2::SecurityGroupEgress".equals(r.get("Type")))
                .map(TemplateRules::props)
                .anyMatch(p -> ref(p.get("GroupId")).map(sgId::equals).orElse(false) && "::/0".equals(p.get("CidrIpv6")));
    }

    /** Every statement of every policy attached to the role in this template. */
    private List<Map<String, Object>> statements(String roleId) {
        List<Object> documents = new ArrayList<>();
        Map<String, Object> role = props(resources.getOrDefault(roleId, Map.of()));
        for (Object policy : list(role.get("Policies"))) {
            documents.add(map(policy).get("PolicyDocument"));
        }
        for (Object arn : list(role.get("ManagedPolicyArns"))) {
            ref(arn).filter(resources::containsKey).ifPresent(m -> documents.add(props(resources.get(m))
                    .get("PolicyDocument")));
        }
        for (Map<String, Object> r : resources.values()) {
            String type = String.valueOf(r.get("Type"));
            if ((type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy"))
                    && list(props(r).get("Roles")).stream().anyMatch(x -> ref(x).map(roleId::equals).orElse(false))) {
                documents.add(props(r).get("PolicyDocument"));
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object document : documents) {
            for (Object statement : list(map(document).get("Statement"))) {
                out.add(map(statement));
            }
        }
        return out;
    }

    /**
     * Whether the statements allow {@code action}: some Allow names it (Action, wildcards, case-insensitive) or
     * leaves it out of a NotAction, and no Deny names it. Resources and conditions are not evaluated.
     */
    static boolean allowed(List<Map<String, Object>> statements, String action) {
        boolean allow = false;
        for (Map<String, Object> s : statements) {
            boolean named = matchesAny(s.get("Action"), action);
            boolean notNamed = s.containsKey("NotAction") && !matchesAny(s.get("NotAction"), action);
            if ("Deny".equals(s.get("Effect")) && (named || notNamed)) {
                return false;
            }
            if ("Allow".equals(s.get("Effect")) && (named || notNamed)) {
                allow = true;
            }
        }
        return allow;
    }

    private static boolean matchesAny(Object patterns, String action) {
        if (patterns == null) {
            return false;
        }
        for (Object p : patterns instanceof List<?> l ? l : List.of(patterns)) {
            String regex = "(?i)" + Pattern.quote(String.valueOf(p)).replace("*", "\\E.*\\Q")
                    .replace("?", "\\E.\\Q");
            if (action.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    /** The logical id a value points at: {@code {"Ref": X}} or {@code {"Fn::GetAtt": [X, ...]}}. */
    static Optional<String> ref(Object value) {
        Map<String, Object> m = map(value);
        if (m.get("Ref") instanceof String r) {
            return Optional.of(r);
        }
        List<Object> getAtt = list(m.get("Fn::GetAtt"));
        return getAtt.isEmpty() ? Optional.empty() : Optional.of(String.valueOf(getAtt.get(0)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
