package dev.v6platform.karpenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.KarpenterSpec;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.KubernetesValidator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class KarpenterPoolsTest {
    static final EnvironmentConfig PROD = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml"));

    static KarpenterPools prodPools() {
        return KarpenterPools.of(PROD, PROD.karpenter().orElseThrow(), "v6-prod-use1", "v6-prod-use1-karpenter-node",
                Map.of("stage", "prod"));
    }

    @Test
    void the_samples_have_graviton_first_then_x86_and_tainted_buildkit_pools_per_architecture() {
        KarpenterPools pools = prodPools();

        assertThat(pools.pools()).extracting(NodePoolSpec::name)
                .containsExactly("graviton", "x86", "buildkit-arm64", "buildkit-amd64");
        assertThat(pools.pool("graviton").orElseThrow().weight()).contains(100);
        assertThat(pools.pool("x86").orElseThrow().weight()).contains(10);
        assertThat(pools.pool("graviton").orElseThrow().valuesOf(Requirement.ARCH)).containsExactly("arm64");
        assertThat(pools.pool("buildkit-amd64").orElseThrow().taints()).containsExactly(
                Taint.noSchedule("v6-platform.dev/buildkit", "amd64"));
        assertThat(pools.pool("buildkit-arm64").orElseThrow().valuesOf(Requirement.ARCH)).containsExactly("arm64");
    }

    @Test
    void every_pool_requires_linux_on_nitro_and_turns_min_generation_into_gt() {
        NodePoolSpec graviton = prodPools().pool("graviton").orElseThrow();

        assertThat(graviton.requirements()).contains(Requirement.in(Requirement.OS, "linux"),
                Requirement.in(Requirement.INSTANCE_HYPERVISOR, "nitro"),
                Requirement.gt(Requirement.INSTANCE_GENERATION, 6),
                Requirement.in(Requirement.CAPACITY_TYPE, "spot", "on-demand"));
        assertThat(graviton.labels()).containsEntry(KarpenterPools.POOL_LABEL, "graviton");
        assertThat(graviton.disruption().budgets()).hasSize(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void builder_pools_bound_how_long_a_draining_node_waits() {
        NodePoolSpec arm = KarpenterPools.of(PROD, PROD.karpenter().orElseThrow(), "c", "r", Map.of())
                .pool("buildkit-arm64").orElseThrow();
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                arm.toObject().get("spec")).get("template")).get("spec");

        assertThat(spec).containsEntry("terminationGracePeriod", "2h");
        assertThat(KubernetesValidator.shared().validate(arm.toObject())).isEmpty();
    }

    @Test
    void a_rule_violation_is_reported_at_the_pools_line() {
        KarpenterSpec spec = PROD.karpenter().orElseThrow();
        KarpenterSpec.Pool bad = new KarpenterSpec.Pool("mixed", "arm64", List.of(), List.of("c7i"), 0,
                List.of("spot"), Optional.empty(), Map.of("cpu", "10"), Map.of(), List.of(), "1m", "720h",
                List.of(), Optional.empty(), 77);
        KarpenterSpec withBad = new KarpenterSpec(spec.amiAlias(), false, 110, 50, List.of(bad), spec.line());

        assertThatThrownBy(() -> KarpenterPools.of(PROD, withBad, "c", "r", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(FixtureSynthesis.STACKS + "/prod-use1.yaml:77: karpenter: NodePool 'mixed': instance family c7i is "
                        + "x86 (amd64) but the pool requires kubernetes.io/arch In [arm64]");
    }

    @Test
    void cdk_deploy_installs_the_pinned_charts_on_the_system_nodes_before_the_pools() {
        var prod = FixtureSynthesis.usEast().prod();
        Map<String, Map<String, Object>> crds = prod.findResources("Custom::AWSCDK-EKS-HelmChart", Match.objectLike(
                Map.of("Properties", Match.objectLike(Map.of("Chart", "karpenter-crd",
                        "Repository", "oci://public.ecr.aws/karpenter/karpenter-crd", "Version", "1.14.1")))));
        assertThat(crds).hasSize(1);
        prod.hasResource("Custom::AWSCDK-EKS-HelmChart", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Chart", "karpenter", "SkipCrds", true)),
                "DependsOn", Match.arrayWith(List.of(crds.keySet().iterator().next())))));
        prod.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Match.objectLike(Map.of(
                "Chart", "karpenter", "Repository", "oci://public.ecr.aws/karpenter/karpenter", "Version", "1.14.1",
                "Namespace", "kube-system", "Release", "karpenter",
                "Values", Match.stringLikeRegexp(".*\"clusterName\":\"v6-prod-use1\".*\"interruptionQueue\":"
                        + "\"v6-prod-use1-karpenter\".*"))));
        prod.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart", Match.objectLike(Map.of(
                "Values", Match.stringLikeRegexp(".*\"nodeSelector\":\\{\"v6-platform.dev/node-role\":\"system\"\\}.*"))));
        prod.hasResource("Custom::AWSCDK-EKS-HelmChart", Match.objectLike(Map.of("DependsOn", Match.arrayWith(List.of(
                Match.stringLikeRegexp("^ClusterNodegroupSystem"), Match.stringLikeRegexp("^KarpenterPodIdentity"))))));
        // the controller resolves AWS endpoints through CoreDNS; without it the chart's wait times out
        prod.hasResource("Custom::AWSCDK-EKS-HelmChart", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Chart", "karpenter")),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("^ClusterAddoncoredns"))))));
        prod.hasResource("Custom::AWSCDK-EKS-KubernetesResource", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Manifest", Match.stringLikeRegexp(".*\"kind\":\"NodePool\".*"))),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("^ClusterchartKarpenter"))))));
    }
}
