package dev.v6platform.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each platform rule on the real prod-use1 template, broken one way at a time. */
class TemplateRulesTest {

    static Map<String, Object> template() {
        Path file = FixtureSynthesis.get().cdkOut().resolve("v6-prod-use1.template.json");
        return PlatformRulesPlugin.read(file);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> resource(Map<String, Object> t, String type) {
        return ((Map<String, Map<String, Object>>) t.get("Resources")).values().stream()
                .filter(r -> type.equals(r.get("Type"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> t, String type) {
        return (Map<String, Object>) resource(t, type).get("Properties");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> addon(Map<String, Object> t, String name) {
        return ((Map<String, Map<String, Object>>) t.get("Resources")).values().stream()
                .filter(r -> "AWS::EKS::Addon".equals(r.get("Type")))
                .map(r -> (Map<String, Object>) r.get("Properties"))
                .filter(p -> name.equals(p.get("AddonName"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> vpcConfig(Map<String, Object> t) {
        return (Map<String, Object>) props(t, "AWS::EKS::Cluster").get("ResourcesVpcConfig");
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> breakages() {
        return Stream.of(
                Arguments.of("V6-EKS-IPV6", (Consumer<Map<String, Object>>) t -> ((Map<String, Object>) props(t,
                        "AWS::EKS::Cluster").get("KubernetesNetworkConfig")).put("IpFamily", "ipv4")),
                Arguments.of("V6-EKS-LOGGING", (Consumer<Map<String, Object>>) t -> ((List<Object>) ((Map<String,
                        Object>) ((Map<String, Object>) props(t, "AWS::EKS::Cluster").get("Logging"))
                        .get("ClusterLogging")).get("EnabledTypes")).remove(1)),
                Arguments.of("V6-EKS-SECRETS", (Consumer<Map<String, Object>>) t -> props(t, "AWS::EKS::Cluster")
                        .remove("EncryptionConfig")),
                Arguments.of("V6-EKS-SUPPORT-TYPE", (Consumer<Map<String, Object>>) t -> props(t,
                        "AWS::EKS::Cluster").remove("UpgradePolicy")),
                Arguments.of("V6-EKS-LOG-GROUP", (Consumer<Map<String, Object>>) t -> resource(t,
                        "AWS::EKS::Cluster").remove("DependsOn")),
                Arguments.of("V6-LOGS-ENCRYPTED", (Consumer<Map<String, Object>>) t -> ((Map<String, Map<String,
                        Object>>) t.get("Resources")).values().stream().filter(r -> String.valueOf(((Map<String,
                        Object>) r.get("Metadata")).get("aws:cdk:path")).contains("KubectlProvider/Handler/LogGroup"))
                        .findFirst().map(r -> ((Map<String, Object>) r.get("Properties")).remove("KmsKeyId"))
                        .orElseThrow()),
                Arguments.of("V6-EKS-PRIVATE-ENDPOINT", (Consumer<Map<String, Object>>) t -> vpcConfig(t)
                        .put("EndpointPrivateAccess", false)),
                Arguments.of("V6-EKS-PUBLIC-ENDPOINT", (Consumer<Map<String, Object>>) t -> {
                    vpcConfig(t).put("EndpointPublicAccess", true);
                    vpcConfig(t).put("PublicAccessCidrs", List.of("0.0.0.0/0"));
                }),
                Arguments.of("V6-EKS-IPV6-EGRESS", (Consumer<Map<String, Object>>) t -> ((List<Object>) props(t,
                        "AWS::EC2::SecurityGroup").get("SecurityGroupEgress")).removeIf(r -> ((Map<String, Object>) r)
                        .containsKey("CidrIpv6"))),
                Arguments.of("V6-EKS-ADDONS", (Consumer<Map<String, Object>>) t -> addon(t, "kube-proxy")
                        .remove("AddonVersion")),
                Arguments.of("V6-EKS-ADDONS", (Consumer<Map<String, Object>>) t -> addon(t, "coredns")
                        .put("AddonName", "coredns-renamed")),
                Arguments.of("V6-EKS-CNI-ROLE", (Consumer<Map<String, Object>>) t -> addon(t, "vpc-cni")
                        .remove("PodIdentityAssociations")),
                Arguments.of("V6-EKS-NODE-CNI", (Consumer<Map<String, Object>>) t -> {
                    Map<String, Object> nodeRole = ((Map<String, Map<String, Object>>) t.get("Resources")).entrySet()
                            .stream().filter(e -> e.getKey().startsWith("ClusterSystemNodeRole"))
                            .map(Map.Entry::getValue).findFirst().orElseThrow();
                    Map<String, Object> p = (Map<String, Object>) nodeRole.get("Properties");
                    List<Object> arns = new ArrayList<>((List<Object>) p.get("ManagedPolicyArns"));
                    arns.removeIf(a -> a instanceof Map<?, ?> m && m.containsKey("Ref"));
                    p.put("ManagedPolicyArns", arns);
                }));
    }

    @ParameterizedTest(name = "{0} bytes")
    @org.junit.jupiter.params.provider.CsvSource({"129000, false", "129100, true", "200000, true"})
    @SuppressWarnings("unchecked")
    void a_manifest_that_an_update_would_push_over_the_kubectl_request_limit_is_found(int bytes, boolean found) {
        Map<String, Object> t = template();
        ((Map<String, Object>) resource(t, "Custom::AWSCDK-EKS-KubernetesResource").get("Properties"))
                .put("Manifest", "x".repeat(bytes));

        assertThat(TemplateRules.check(t).stream().anyMatch(f -> f.rule().equals("V6-KUBECTL-PAYLOAD")))
                .isEqualTo(found);
    }

    static Map<String, Object> statement(String effect, String key, Object actions) {
        return Map.of("Effect", effect, key, actions, "Resource", "*");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            exact action                 | Allow | Action    | ec2:AssignIpv6Addresses | true
            service wildcard             | Allow | Action    | ec2:*                   | true
            prefix wildcard, other case  | Allow | Action    | EC2:Assign*             | true
            another action               | Allow | Action    | ec2:AssignPrivateIpAddresses | false
            NotAction leaving it out     | Allow | NotAction | iam:*                   | true
            NotAction naming it          | Allow | NotAction | ec2:*                   | false
            """)
    void policy_statements_allow_an_action_by_name_wildcard_or_not_action(String name, String effect, String key,
            String action, boolean allowed) {
        assertThat(TemplateRules.allowed(List.of(statement(effect, key, action)), "ec2:AssignIpv6Addresses"))
                .isEqualTo(allowed);
    }

    @Test
    void a_deny_wins_over_an_allow() {
        assertThat(TemplateRules.allowed(List.of(statement("Allow", "Action", "ec2:*"),
                statement("Deny", "Action", List.of("ec2:Assign*"))), "ec2:AssignIpv6Addresses")).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_node_role_outside_the_template_cannot_be_verified_and_needs_an_acknowledgement() {
        Map<String, Object> t = template();
        ((Map<String, Object>) resource(t, "AWS::EKS::Nodegroup").get("Properties"))
                .put("NodeRole", "arn:aws:iam::314159265358:role/imported-nodes");

        assertThat(TemplateRules.check(t)).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("V6-EKS-NODE-CNI");
            assertThat(f.description()).contains("is not in this template, so its IPv6 CNI rights cannot be checked");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_cni_role_that_does_not_trust_pod_identity_is_found() {
        Map<String, Object> t = template();
        Map<String, Object> role = ((Map<String, Map<String, Object>>) t.get("Resources")).entrySet().stream()
                .filter(e -> e.getKey().startsWith("ClusterCniRole")).map(Map.Entry::getValue).findFirst().orElseThrow();
        ((Map<String, Object>) role.get("Properties")).put("AssumeRolePolicyDocument", Map.of("Statement", List.of(
                Map.of("Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("Service",
                        "ec2.amazonaws.com")))));

        assertThat(TemplateRules.check(t)).extracting(Finding::rule).containsExactly("V6-EKS-CNI-ROLE");
    }

    @Test
    @SuppressWarnings("unchecked")
    void public_ranges_that_add_up_to_the_internet_count_as_open() {
        Map<String, Object> t = template();
        vpcConfig(t).put("EndpointPublicAccess", "true");
        vpcConfig(t).put("PublicAccessCidrs", List.of("0.0.0.0/1", "128.0.0.0/1"));

        assertThat(TemplateRules.check(t)).extracting(Finding::rule).containsExactly("V6-EKS-PUBLIC-ENDPOINT");
    }

    @Test
    @SuppressWarnings("unchecked")
    void cloudformation_size_and_resource_limits_are_found_before_a_deploy() {
        Map<String, Object> t = template();
        Map<String, Object> resources = new LinkedHashMap<>((Map<String, Object>) t.get("Resources"));
        for (int i = 0; resources.size() <= TemplateRules.MAX_RESOURCES; i++) {
            resources.put("Extra" + i, Map.of("Type", "AWS::SSM::Parameter", "Properties", Map.of("Type", "String",
                    "Value", "x")));
        }
        t.put("Resources", resources);

        assertThat(TemplateRules.check(t, TemplateRules.MAX_TEMPLATE_BYTES + 1)).extracting(Finding::rule)
                .containsExactly("V6-CFN-SIZE", "V6-CFN-RESOURCES");
        assertThat(TemplateRules.check(template(), TemplateRules.MAX_TEMPLATE_BYTES)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void karpenters_controller_statements_in_one_managed_policy_would_exceed_iams_limit() {
        Map<String, Object> t = template();
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) t.get("Resources");
        List<Object> all = new ArrayList<>();
        String first = null;
        for (Map.Entry<String, Map<String, Object>> e : new ArrayList<>(resources.entrySet())) {
            Map<String, Object> p = (Map<String, Object>) e.getValue().get("Properties");
            if ("AWS::IAM::ManagedPolicy".equals(e.getValue().get("Type"))
                    && String.valueOf(p.get("ManagedPolicyName")).contains("-karpenter-")) {
                all.addAll((List<Object>) ((Map<String, Object>) p.get("PolicyDocument")).get("Statement"));
                if (first == null) {
                    first = e.getKey();
                } else {
                    resources.remove(e.getKey());
                }
            }
        }
        assertThat(all).hasSizeGreaterThan(15);
        ((Map<String, Object>) ((Map<String, Object>) resources.get(first).get("Properties")).get("PolicyDocument"))
                .put("Statement", all);

        List<Finding> findings = TemplateRules.check(t);

        assertThat(findings).extracting(Finding::rule).containsExactly("V6-IAM-POLICY-SIZE");
        assertThat(findings.get(0).description()).contains("IAM accepts at most 6144");
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_policys_size_counts_the_longest_region_partition_and_names_without_white_space() {
        Map<String, Map<String, Object>> resources = Map.of("Queue", Map.of("Type", "AWS::SQS::Queue",
                "Properties", Map.of("QueueName", "q")));
        Map<String, Object> document = Map.of("Statement", List.of(Map.of("Resource", List.of(
                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":s3:::b"))),
                Map.of("Fn::GetAtt", List.of("Queue", "Arn")), "a b"))));
        String expected = "{\"Statement\":[{\"Resource\":[\"arn:aws-us-gov:s3:::b\",\"arn:aws-us-gov:sqs:"
                + PolicySize.LONGEST_REGION + ":123456789012:q\",\"ab\"]}]}";

        assertThat(PolicySize.worstCase(document, resources)).isEqualTo(expected.length());
    }

    @Test
    void every_managed_policy_of_the_sample_fits_with_the_longest_region_and_partition() {
        Map<String, Object> t = template();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) t.get("Resources");
        resources.forEach((id, r) -> {
            if ("AWS::IAM::ManagedPolicy".equals(r.get("Type"))) {
                assertThat(PolicySize.worstCase(TemplateRules.props(r).get("PolicyDocument"), resources))
                        .as(id).isBetween(100, PolicySize.MANAGED_POLICY_LIMIT * 3 / 4);
            }
        });
    }

    @Test
    void the_synthesized_sample_passes_every_rule() {
        assertThat(TemplateRules.check(template())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void each_misconfiguration_is_found_with_its_rule_and_a_fix(String rule, Consumer<Map<String, Object>> breakIt) {
        Map<String, Object> t = template();
        breakIt.accept(t);

        List<Finding> findings = TemplateRules.check(t);

        assertThat(findings).extracting(Finding::rule).containsExactly(rule);
        assertThat(findings.get(0).fix()).isNotBlank();
        assertThat(findings.get(0).logicalId()).isNotBlank();
    }

    @Test
    void a_role_allows_an_action_through_a_wildcard_inline_policy_too() {
        Map<String, Object> role = new LinkedHashMap<>(Map.of("Type", "AWS::IAM::Role", "Properties", Map.of(
                "Policies", List.of(Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of("Effect", "Allow",
                        "Action", "ec2:*", "Resource", "*"))))))));
        Map<String, Object> ng = Map.of("Type", "AWS::EKS::Nodegroup", "Properties", Map.of("NodeRole",
                Map.of("Fn::GetAtt", List.of("Role", "Arn"))));

        assertThat(TemplateRules.check(Map.of("Resources", Map.of("Role", role, "Ng", ng)))).isEmpty();
    }
}
