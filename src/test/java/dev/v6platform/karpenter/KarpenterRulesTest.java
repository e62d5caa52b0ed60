package dev.v6platform.karpenter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.KarpenterSpec;
import dev.v6platform.testing.Contexts;
import dev.v6platform.testing.KubernetesValidator;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class KarpenterRulesTest {
    static final Ec2NodeClassSpec CLASS = new Ec2NodeClassSpec("default", "al2023@v20251016", false,
            "v6-dev-use1-karpenter-node", "v6-dev-use1", 110, 50, Map.of("v6-platform:environment", "dev-use1"));

    static NodePoolSpec graviton() {
        return new NodePoolSpec("graviton", "default", List.of(
                Requirement.in(Requirement.ARCH, "arm64"),
                Requirement.in(Requirement.CAPACITY_TYPE, "spot", "on-demand"),
                Requirement.in(Requirement.INSTANCE_CATEGORY, "c", "m", "r"),
                Requirement.gt(Requirement.INSTANCE_GENERATION, 6)),
                Map.of("v6-platform.dev/pool", "graviton"), List.of(), List.of(),
                Map.of("cpu", "1000", "memory", "4000Gi"), Disruption.defaults(), "720h", Optional.of(100));
    }

    static NodePoolSpec x86() {
        return new NodePoolSpec("x86", "default", List.of(
                Requirement.in(Requirement.ARCH, "amd64"),
                Requirement.in(Requirement.INSTANCE_FAMILY, "c7i", "m7i", "m7a"),
                Requirement.in(Requirement.CAPACITY_TYPE, "spot", "on-demand")),
                Map.of(), List.of(Taint.noSchedule("v6-platform.dev/x86-only", "true")), List.of(),
                Map.of("cpu", "500"), new Disruption(Disruption.Policy.WhenEmpty, "5m", List.of(
                        Disruption.Budget.of("10%"), Disruption.Budget.freeze("0 9 * * mon-fri", "8h"))),
                "Never", Optional.of(10));
    }

    static NodePoolSpec with(NodePoolSpec p, UnaryOperator<List<Requirement>> change) {
        return new NodePoolSpec(p.name(), p.nodeClass(), change.apply(new ArrayList<>(p.requirements())), p.labels(),
                p.taints(), p.startupTaints(), p.limits(), p.disruption(), p.expireAfter(), p.weight());
    }

    static List<Requirement> plus(List<Requirement> list, Requirement r) {
        list.add(r);
        return list;
    }

    @Test
    void graviton_and_x86_pools_pass_the_rules_and_the_crd_schemas_with_their_cel_rules() {
        assertThat(KarpenterRules.check(List.of(graviton(), x86()), List.of(CLASS))).isEmpty();
        for (Map<String, Object> o : List.of(graviton().toObject(), x86().toObject(), CLASS.toObject())) {
            assertThat(KubernetesValidator.shared().validate(o)).as(o.get("kind") + "").isEmpty();
        }
    }

    static Stream<Arguments> broken() {
        NodePoolSpec g = graviton();
        return Stream.of(
                Arguments.of("restricted key", with(g, l -> plus(l, Requirement.in("karpenter.sh/nodepool", "x"))),
                        "requirement karpenter.sh/nodepool In [x]: the key is restricted"),
                Arguments.of("hostname", with(g, l -> plus(l, Requirement.exists("kubernetes.io/hostname"))),
                        "requirement kubernetes.io/hostname Exists []: the key is restricted"),
                Arguments.of("Gt with two values", with(g, l -> plus(l, new Requirement(Requirement.INSTANCE_CPU,
                        Requirement.Operator.Gt, List.of("4", "8"), Optional.empty()))),
                        "Gt takes exactly one non-negative integer"),
                Arguments.of("Lt not a number", with(g, l -> plus(l, new Requirement(Requirement.INSTANCE_CPU,
                        Requirement.Operator.Lt, List.of("big"), Optional.empty()))),
                        "Lt takes exactly one non-negative integer"),
                Arguments.of("Gt negative", with(g, l -> plus(l, new Requirement(Requirement.INSTANCE_CPU,
                        Requirement.Operator.Gt, List.of("-1"), Optional.empty()))),
                        "Gt takes exactly one non-negative integer"),
                Arguments.of("Lt 0", with(g, l -> plus(l, Requirement.lt(Requirement.INSTANCE_CPU, 0))),
                        "no instance has a value below 0"),
                Arguments.of("In without values", with(g, l -> plus(l, Requirement.in(Requirement.ZONE))),
                        "In needs at least one value"),
                Arguments.of("Exists with values", with(g, l -> plus(l, new Requirement(Requirement.ZONE,
                        Requirement.Operator.Exists, List.of("a"), Optional.empty()))), "Exists takes no values"),
                Arguments.of("minValues above values", with(g, l -> plus(l, Requirement.in(Requirement.INSTANCE_FAMILY,
                        "m7g").withMinValues(3))), "minValues 3 needs an In requirement with at least that many"),
                Arguments.of("x86 family on arm64", with(g, l -> plus(l, Requirement.in(Requirement.INSTANCE_FAMILY,
                        "c7i", "m7g"))), "instance family c7i is x86 (amd64) but the pool requires "
                        + "kubernetes.io/arch In [arm64]"),
                Arguments.of("Graviton family on amd64", with(x86(), l -> plus(l, Requirement.in(
                        Requirement.INSTANCE_FAMILY, "m7g"))), "instance family m7g is Graviton (arm64) but the pool "
                        + "requires kubernetes.io/arch In [amd64]"),
                Arguments.of("aws CPUs on amd64", with(x86(), l -> plus(l, Requirement.in(
                        Requirement.INSTANCE_CPU_MANUFACTURER, "aws"))), "CPU manufacturer aws contradicts"),
                Arguments.of("no limits", new NodePoolSpec("nolimit", "default", g.requirements(), Map.of(),
                        List.of(), List.of(), Map.of(), g.disruption(), g.expireAfter(), g.weight()),
                        "NodePool 'nolimit': no cpu limit"),
                Arguments.of("missing class", new NodePoolSpec("orphan", "gpu", g.requirements(), Map.of(), List.of(),
                        List.of(), g.limits(), g.disruption(), g.expireAfter(), g.weight()),
                        "nodeClassRef names EC2NodeClass 'gpu', which is not defined"),
                Arguments.of("restricted label", new NodePoolSpec("lbl", "default", g.requirements(),
                        Map.of("karpenter.sh/capacity-type", "spot"), List.of(), List.of(), g.limits(), g.disruption(),
                        g.expireAfter(), g.weight()), "label 'karpenter.sh/capacity-type' is in a domain Karpenter"),
                Arguments.of("weight", new NodePoolSpec("heavy", "default", g.requirements(), Map.of(), List.of(),
                        List.of(), g.limits(), g.disruption(), g.expireAfter(), Optional.of(101)),
                        "weight 101 is outside 0..100"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void a_broken_pool_gets_a_message_naming_the_pool_the_field_and_the_fix(String name, NodePoolSpec pool,
            String message) {
        assertThat(KarpenterRules.check(List.of(pool), List.of(CLASS))).anySatisfy(m -> assertThat(m)
                .contains(message).startsWith("NodePool '" + pool.name() + "'"));
    }

    @Test
    void the_crd_cel_rules_agree_on_the_restricted_key_and_gt_arity() {
        NodePoolSpec restricted = with(graviton(), l -> plus(l, Requirement.in("karpenter.sh/nodepool", "x")));
        NodePoolSpec twoValues = with(graviton(), l -> plus(l, new Requirement(Requirement.INSTANCE_CPU,
                Requirement.Operator.Gt, List.of("4", "8"), Optional.empty())));

        assertThat(KubernetesValidator.shared().validate(restricted.toObject())).isNotEmpty();
        assertThat(KubernetesValidator.shared().validate(twoValues.toObject())).isNotEmpty();
    }

    @Test
    void gt_zero_and_labels_under_node_restriction_are_allowed_and_pass_the_crds() {
        NodePoolSpec g = graviton();
        NodePoolSpec pool = new NodePoolSpec("restricted", "default", with(g, l -> plus(l, Requirement.gt(
                Requirement.INSTANCE_CPU, 0))).requirements(), Map.of("node-restriction.kubernetes.io/builds", "true"),
                List.of(), List.of(), g.limits(), g.disruption(), g.expireAfter(), g.weight());

        assertThat(KarpenterRules.check(List.of(pool), List.of(CLASS))).isEmpty();
        assertThat(KubernetesValidator.shared().validate(pool.toObject())).isEmpty();
    }

    @Test
    void an_unpinned_ami_is_refused_unless_latest_is_allowed_explicitly() {
        Ec2NodeClassSpec latest = new Ec2NodeClassSpec("default", "al2023@latest", false, "r", "d", 110, 50, Map.of());
        Ec2NodeClassSpec allowed = new Ec2NodeClassSpec("default", "al2023@latest", true, "r", "d", 110, 50,
                Map.of());
        Ec2NodeClassSpec al2 = new Ec2NodeClassSpec("default", "al2@v20250101", false, "r", "d", 110, 50, Map.of());

        assertThat(KarpenterRules.check(List.of(), List.of(latest))).containsExactly("EC2NodeClass 'default': AMI "
                + "alias 'al2023@latest' drifts every node on each AMI release; pin a release (al2023@vYYYYMMDD) or "
                + "allow latest explicitly");
        assertThat(KarpenterRules.check(List.of(), List.of(allowed))).isEmpty();
        assertThat(KarpenterRules.check(List.of(), List.of(al2))).singleElement().asString()
                .contains("is not al2023@vYYYYMMDD or bottlerocket@vX.Y.Z");
    }

    @Test
    void bottlerocket_is_pinned_by_its_semantic_version_not_a_date() {
        Ec2NodeClassSpec versioned = new Ec2NodeClassSpec("default", "bottlerocket@v1.45.0", false, "r", "d", 110, 50,
                Map.of());
        Ec2NodeClassSpec dated = new Ec2NodeClassSpec("default", "bottlerocket@v20251016", false, "r", "d", 110, 50,
                Map.of());

        assertThat(KarpenterRules.check(List.of(), List.of(versioned))).isEmpty();
        assertThat(KarpenterRules.check(List.of(), List.of(dated))).singleElement().asString()
                .contains("'bottlerocket@v20251016' is not al2023@vYYYYMMDD or bottlerocket@vX.Y.Z");
    }

    @Test
    void max_pods_and_root_volume_sizes_are_bounded() {
        Ec2NodeClassSpec odd = new Ec2NodeClassSpec("default", "al2023@v20251016", false, "r", "d", 0, 8, Map.of());

        assertThat(KarpenterRules.check(List.of(), List.of(odd))).containsExactly(
                "EC2NodeClass 'default': maxPods 0 is outside 1..737; EKS's usual ceiling is 110",
                "EC2NodeClass 'default': a 8 GiB root volume is outside 20..16384 GiB");
    }

    @Test
    void the_node_class_keeps_imds_on_ipv4_with_tokens_and_hop_limit_one_and_sets_max_pods() {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) CLASS.toObject().get("spec");

        assertThat(spec.get("metadataOptions")).isEqualTo(Map.of("httpEndpoint", "enabled", "httpProtocolIPv6",
                "disabled", "httpPutResponseHopLimit", 1, "httpTokens", "required"));
        assertThat(spec.get("kubelet")).isEqualTo(Map.of("maxPods", 110));
        assertThat(spec.get("amiSelectorTerms")).isEqualTo(List.of(Map.of("alias", "al2023@v20251016")));
    }

    @Test
    void nodes_join_the_cluster_security_group_that_eks_tags_with_the_cluster_name() {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) CLASS.toObject().get("spec");

        assertThat(spec.get("securityGroupSelectorTerms")).isEqualTo(List.of(Map.of("tags",
                Map.of("aws:eks:cluster-name", "v6-dev-use1"))));
    }

    /**
     * The prod fixtures' office-hours budgets, read as Karpenter reads them (UTC), keep 08:00-18:00 local time free
     * of consolidation in winter and in summer time.
     */
    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({"prod-use1, America/New_York", "prod-euw1, Europe/Dublin"})
    void office_hours_budgets_are_written_in_utc_and_cover_local_office_hours_all_year(String env, String zone) {
        KarpenterSpec.Budget budget = Contexts.sample(env).karpenter().orElseThrow().pools()
                .stream().flatMap(p -> p.budgets().stream()).filter(b -> b.schedule().isPresent()).findFirst()
                .orElseThrow();
        String[] cron = budget.schedule().orElseThrow().split(" ");
        LocalTime start = LocalTime.of(Integer.parseInt(cron[1]), Integer.parseInt(cron[0]));
        Duration length = Duration.parse("PT" + budget.duration().orElseThrow().toUpperCase(
                Locale.ROOT));
        for (String day : List.of("2026-01-14", "2026-07-15")) {
            ZonedDateTime open = LocalDate.parse(day).atTime(8, 0).atZone(ZoneId.of(zone))
                    .withZoneSameInstant(ZoneOffset.UTC);
            ZonedDateTime windowStart = open.with(start);
            assertThat(windowStart).as(day).isBeforeOrEqualTo(open);
            assertThat(windowStart.plus(length)).as(day).isAfterOrEqualTo(open.plusHours(10));
        }
    }
}
