package dev.v6platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.KubernetesValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The strict validator the suite runs over dist/ rejects what the API server would. */
class KubernetesValidatorTest {
    static final KubernetesValidator VALIDATOR = KubernetesValidator.shared();

    static Object yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    static final String NAMESPACE = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: ci
              labels:
                pod-security.kubernetes.io/enforce: baseline
            """;

    static final String NODE_POOL = """
            apiVersion: karpenter.sh/v1
            kind: NodePool
            metadata:
              name: graviton
            spec:
              template:
                spec:
                  nodeClassRef:
                    group: karpenter.k8s.aws
                    kind: EC2NodeClass
                    name: default
                  requirements:
                    - key: kubernetes.io/arch
                      operator: In
                      values: [arm64]
                    - key: karpenter.k8s.aws/instance-generation
                      operator: Gt
                      values: ["6"]
              limits:
                cpu: "1000"
            """;

    static final String NODE_CLASS = """
            apiVersion: karpenter.k8s.aws/v1
            kind: EC2NodeClass
            metadata:
              name: default
            spec:
              role: KarpenterNodeRole-dev
              amiSelectorTerms:
                - alias: al2023@v20251016
              subnetSelectorTerms:
                - tags: {karpenter.sh/discovery: dev}
              securityGroupSelectorTerms:
                - tags: {karpenter.sh/discovery: dev}
            """;

    @Test
    void accepts_a_valid_namespace() {
        assertThat(VALIDATOR.validate(yaml(NAMESPACE))).isEmpty();
    }

    @Test
    void rejects_an_unknown_field_in_a_namespace() {
        Object bad = yaml(NAMESPACE.replace("  labels:", "  labelz:"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p).contains("labelz"));
    }

    @Test
    void rejects_a_wrong_type_in_a_namespace() {
        Object bad = yaml(NAMESPACE.replace("enforce: baseline", "enforce: 3"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p).contains("integer").contains("string"));
    }

    @Test
    void rejects_an_object_without_a_name() {
        Object bad = yaml(NAMESPACE.replace("  name: ci\n", ""));

        assertThat(VALIDATOR.validate(bad)).contains("Namespace (unnamed): metadata.name is required");
    }

    @Test
    void rejects_an_unknown_kind() {
        Object bad = yaml(NAMESPACE.replace("kind: Namespace", "kind: Namespaces"));

        assertThat(VALIDATOR.validate(bad)).containsExactly("Namespaces ci: unknown apiVersion/kind 'v1/Namespaces'");
    }

    @Test
    void accepts_a_valid_node_pool_and_node_class() {
        assertThat(VALIDATOR.validate(yaml(NODE_POOL))).isEmpty();
        assertThat(VALIDATOR.validate(yaml(NODE_CLASS))).isEmpty();
    }

    @Test
    void rejects_a_node_pool_operator_outside_the_enum() {
        Object bad = yaml(NODE_POOL.replace("operator: Gt", "operator: GreaterThan"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p)
                .contains("/spec/template/spec/requirements/1/operator").contains("enumeration"));
    }

    @Test
    void rejects_a_restricted_requirement_key_through_the_crd_cel_rules() {
        Object bad = yaml(NODE_POOL.replace("key: kubernetes.io/arch", "key: karpenter.sh/nodepool"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p).contains("restricted")
                .contains("rule:"));
    }

    @Test
    void rejects_a_gt_requirement_with_two_values_through_cel() {
        Object bad = yaml(NODE_POOL.replace("values: [\"6\"]", "values: [\"6\", \"7\"]"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p).contains("rule:"));
    }

    @Test
    void rejects_a_node_class_with_both_role_and_instance_profile_through_cel() {
        Object bad = yaml(NODE_CLASS.replace("  role: KarpenterNodeRole-dev",
                "  role: KarpenterNodeRole-dev\n  instanceProfile: KarpenterNodeProfile-dev"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p)
                .contains("must specify exactly one of ['role', 'instanceProfile']"));
    }

    @Test
    void rejects_an_alias_mixed_with_other_ami_selectors_through_cel() {
        Object bad = yaml(NODE_CLASS.replace("- alias: al2023@v20251016",
                "- alias: al2023@v20251016\n      id: ami-0123456789abcdef0"));

        assertThat(VALIDATOR.validate(bad)).anySatisfy(p -> assertThat(p).contains("rule:"));
    }

    @Test
    void rejects_duplicate_keys_in_a_list_map() {
        Map<String, Object> pod = Map.of("apiVersion", "v1", "kind", "Pod",
                "metadata", Map.of("name", "p"),
                "spec", Map.of("containers", List.of(
                        Map.of("name", "app", "image", "busybox:1.37"),
                        Map.of("name", "app", "image", "busybox:1.37"))));

        assertThat(VALIDATOR.validate(pod)).containsExactly("Pod p: $.spec.containers: duplicate entry with keys "
                + "\"app\"|");
    }
}
