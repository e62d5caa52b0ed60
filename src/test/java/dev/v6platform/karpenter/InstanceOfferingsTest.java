package dev.v6platform.karpenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pools checked against a region's offered instance types (what the refresh step records). */
class InstanceOfferingsTest {
    static final InstanceOfferings OFFERINGS = new InstanceOfferings(Map.of(
            "m7g.large", new InstanceOfferings.InstanceType("m7g.large", "arm64", "nitro", 2),
            "c7g.xlarge", new InstanceOfferings.InstanceType("c7g.xlarge", "arm64", "nitro", 4),
            "m6i.large", new InstanceOfferings.InstanceType("m6i.large", "amd64", "nitro", 2),
            "m4.large", new InstanceOfferings.InstanceType("m4.large", "amd64", "xen", 2),
            "c8g.large", new InstanceOfferings.InstanceType("c8g.large", "arm64", "nitro", 2)),
            Map.of("m7g.large", Set.of("us-east-1a", "us-east-1b"), "c7g.xlarge", Set.of("us-east-1a"),
                    "m6i.large", Set.of("us-east-1a", "us-east-1b"), "m4.large", Set.of("us-east-1a"),
                    "c8g.large", Set.of("us-east-1f")));

    static NodePoolSpec pool(Requirement... requirements) {
        return new NodePoolSpec("p", "default", List.of(requirements), Map.of(), List.of(), List.of(),
                Map.of("cpu", "10"), Disruption.defaults(), "720h", Optional.empty());
    }

    @Test
    void types_match_by_architecture_category_generation_hypervisor_and_cpu() {
        Set<String> zones = Set.of("us-east-1a", "us-east-1b");

        assertThat(OFFERINGS.satisfying(pool(Requirement.in(Requirement.ARCH, "arm64"),
                Requirement.gt(Requirement.INSTANCE_GENERATION, 6)), zones)).containsExactly("c7g.xlarge", "m7g.large");
        assertThat(OFFERINGS.satisfying(pool(Requirement.in(Requirement.INSTANCE_CATEGORY, "m"),
                Requirement.in(Requirement.INSTANCE_HYPERVISOR, "nitro")), zones)).containsExactly("m6i.large",
                "m7g.large");
        assertThat(OFFERINGS.satisfying(pool(Requirement.lt(Requirement.INSTANCE_CPU, 3),
                Requirement.in(Requirement.ARCH, "amd64")), zones)).containsExactly("m4.large", "m6i.large");
    }

    @Test
    void a_type_offered_only_outside_the_environments_zones_does_not_count() {
        assertThat(OFFERINGS.satisfying(pool(Requirement.in(Requirement.INSTANCE_FAMILY, "c8g")),
                Set.of("us-east-1a", "us-east-1b"))).isEmpty();
    }

    @Test
    void a_pool_no_offered_type_satisfies_is_refused_with_its_requirements() {
        NodePoolSpec impossible = pool(Requirement.in(Requirement.ARCH, "arm64"),
                Requirement.in(Requirement.INSTANCE_CATEGORY, "r"));

        assertThat(KarpenterRules.checkOfferings(List.of(impossible), OFFERINGS, Set.of("us-east-1a")))
                .singleElement().asString()
                .startsWith("NodePool 'p': no instance type offered in [us-east-1a] satisfies its requirements "
                        + "[kubernetes.io/arch In [arm64], karpenter.k8s.aws/instance-category In [r]]")
                .endsWith("widen the requirements (categories, families, generation) or refresh the offerings");
        assertThat(KarpenterRules.checkOfferings(List.of(pool(Requirement.in(Requirement.ARCH, "arm64"))),
                OFFERINGS, Set.of("us-east-1a"))).isEmpty();
    }
}
