package dev.v6platform.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.buildkit.BuildFleetChart;
import dev.v6platform.cluster.ClusterNetwork;
import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.karpenter.Disruption;
import dev.v6platform.karpenter.Ec2NodeClassSpec;
import dev.v6platform.karpenter.KarpenterAws;
import dev.v6platform.karpenter.KarpenterController;
import dev.v6platform.karpenter.KarpenterPools;
import dev.v6platform.karpenter.KarpenterPoolsChart;
import dev.v6platform.karpenter.KarpenterRules;
import dev.v6platform.karpenter.NodePoolSpec;
import dev.v6platform.karpenter.Requirement;
import dev.v6platform.karpenter.Taint;
import dev.v6platform.testing.FixtureSynthesis;
import dev.v6platform.testing.KubernetesValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * A second app, written as a platform user in another account would: only the library's public API, no
 * {@code stacks/} files. It imports an existing IPv6 cluster and its VPC by attributes and adds Karpenter (a
 * Graviton pool and a tainted BuildKit pool) and a BuildKit fleet on that pool; CloudFormation for account
 * 999999999999 and Kubernetes YAML for a GitOps tool.
 */
class ReuseFromOutsideTest {
    static final String CLUSTER = "shared-prod";
    static Template template;
    static List<Map<String, Object>> objects = new ArrayList<>();
    static KarpenterPools pools;

    static NodePoolSpec pool(String name, String arch, Map<String, String> labels, List<Taint> taints) {
        return new NodePoolSpec(name, "default", List.of(Requirement.in(Requirement.ARCH, arch),
                Requirement.in(Requirement.OS, "linux"), Requirement.in(Requirement.CAPACITY_TYPE, "on-demand"),
                Requirement.in(Requirement.INSTANCE_CATEGORY, "c", "m")), labels, taints, List.of(),
                Map.of("cpu", "64"), Disruption.defaults(), "720h", Optional.empty(), Optional.of("2h"));
    }

    @BeforeAll
    static void synthesizeTheOtherApp() throws IOException {
        Path out = FixtureSynthesis.fresh("reuse-from-outside");
        App app = new App(AppProps.builder().outdir(out.resolve("cdk.out").toString()).context(Map.of(
                "availability-zones:account=999999999999:region=eu-west-1",
                List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"))).build());
        Stack stack = new Stack(app, "builders", StackProps.builder().env(Environment.builder()
                .account("999999999999").region("eu-west-1").build()).build());

        ClusterNetwork network = ClusterNetwork.fromIds(stack, "Network", "vpc-0a1b2c3d4e5f60718",
                List.of("eu-west-1a", "eu-west-1b"), List.of("subnet-0aaa1111", "subnet-0bbb2222"),
                List.of("subnet-0ccc3333", "subnet-0ddd4444"));
        Ipv6Cluster.Imported cluster = Ipv6Cluster.fromAttributes(stack, "Cluster", CLUSTER, "sg-0123456789abcdef0",
                network);
        KarpenterAws karpenter = new KarpenterAws(stack, "Karpenter", cluster);

        pools = new KarpenterPools(new Ec2NodeClassSpec("default", "al2023@v20251016", false,
                KarpenterAws.nodeRoleName(CLUSTER), CLUSTER, 110, 50, Map.of("team", "builds")), List.of(
                pool("graviton", "arm64", Map.of(KarpenterPools.POOL_LABEL, "graviton"), List.of()),
                pool("builders-arm64", "arm64", Map.of(KarpenterPools.POOL_LABEL, "builders-arm64"),
                        List.of(KarpenterPools.taint("builds=arm64:NoSchedule")))));
        assertThat(KarpenterRules.check(pools.pools(), List.of(pools.nodeClass()))).isEmpty();
        BuildkitSpec fleet = new BuildkitSpec("v0.32.2", Optional.empty(), List.of(new BuildkitSpec.Client("ci",
                "buildx")), 14, List.of(), List.of(new BuildkitSpec.Pool("arm64", "builders-arm64", 1, 3, 100, 40,
                        "4", "16Gi", 0)), 0);

        org.cdk8s.App k8s = new org.cdk8s.App(org.cdk8s.AppProps.builder().outdir(out.resolve("dist").toString())
                .build());
        new KarpenterPoolsChart(k8s, "karpenter-pools", pools);
        new BuildFleetChart(k8s, "buildkit", "shared-prod", fleet, pools.pools());
        k8s.synth();
        app.synth();

        template = Template.fromStack(stack);
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (var files = Files.list(out.resolve("dist"))) {
            for (Path f : files.sorted().toList()) {
                for (Object doc : yaml.loadAll(Files.readString(f))) {
                    if (doc != null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> object = (Map<String, Object>) doc;
                        objects.add(object);
                    }
                }
            }
        }
        assertThat(KarpenterController.releases(CLUSTER, karpenter.queueName()).toString())
                .contains("clusterName=" + CLUSTER).contains("interruptionQueue=" + CLUSTER + "-karpenter");
    }

    @Test
    void karpenter_joins_the_imported_cluster_from_the_other_account_without_creating_one() {
        template.resourceCountIs("AWS::EKS::Cluster", 0);
        template.resourceCountIs("AWS::EC2::VPC", 0);
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("RoleName", CLUSTER
                + "-karpenter-node", "ManagedPolicyArns", Match.arrayWith(List.of(Map.of("Fn::Join", List.of("",
                        List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::999999999999:policy/" + CLUSTER
                                + "-vpc-cni-ipv6"))))))));
        template.hasResourceProperties("AWS::EKS::AccessEntry", Match.objectLike(Map.of("ClusterName", CLUSTER,
                "Type", "EC2_LINUX")));
        template.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Match.objectLike(Map.of(
                "ClusterName", CLUSTER, "Namespace", "kube-system", "ServiceAccount", "karpenter")));
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of("QueueName", CLUSTER
                + "-karpenter")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_pools_and_the_fleet_pass_the_strict_schemas_and_the_builders_land_on_their_tainted_pool() {
        for (Map<String, Object> o : objects) {
            assertThat(KubernetesValidator.shared().validate(o)).as(String.valueOf(o.get("kind"))).isEmpty();
        }
        assertThat(objects).extracting(o -> o.get("kind")).contains("EC2NodeClass", "NodePool", "StatefulSet",
                "HorizontalPodAutoscaler", "NetworkPolicy");
        Map<String, Object> builders = objects.stream().filter(o -> o.get("kind").equals("StatefulSet"))
                .findFirst().orElseThrow();
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) builders
                .get("spec")).get("template")).get("spec");
        assertThat(pod.get("nodeSelector")).isEqualTo(Map.of("kubernetes.io/arch", "arm64",
                KarpenterPools.POOL_LABEL, "builders-arm64"));
        assertThat(pod.get("tolerations")).isEqualTo(List.of(Map.of("key", "builds", "operator", "Equal",
                "value", "arm64", "effect", "NoSchedule")));
    }

    @Test
    void a_fleet_on_a_pool_that_is_missing_or_unlabelled_is_refused() {
        BuildkitSpec fleet = new BuildkitSpec("v0.32.2", Optional.empty(), List.of(), 14, List.of(), List.of(
                new BuildkitSpec.Pool("arm64", "graviton-unlabelled", 1, 3, 100, 40, "4", "16Gi", 0)), 0);
        org.cdk8s.App k8s = new org.cdk8s.App();
        assertThatThrownBy(() -> new BuildFleetChart(k8s, "missing", "x", fleet, pools.pools()))
                .hasMessageContaining("runs on NodePool 'graviton-unlabelled', which is not among");
        assertThatThrownBy(() -> new BuildFleetChart(k8s, "unlabelled", "x", fleet, List.of(pool(
                "graviton-unlabelled", "arm64", Map.of(), List.of()))))
                .hasMessageContaining("must label its nodes " + KarpenterPools.POOL_LABEL + "=graviton-unlabelled");
    }
}
