package dev.v6platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeLabelsTest {

    @ParameterizedTest(name = "{0} reserved: {1}")
    @CsvSource({
        "karpenter.sh/capacity-type, true",
        "karpenter.k8s.aws/instance-family, true",
        "kubernetes.io/arch, true",
        "topology.kubernetes.io/zone-group, true",
        "k8s.io/anything, true",
        "node.kubernetes.io/instance-type, true",
        "node-restriction.kubernetes.io/builds, false",
        "node.kubernetes.io/pool-class, false",
        "mykubernetes.io/team, false",
        "notkarpenter.sh/x, false",
        "v6-platform.dev/workload, false",
        "workload, false",
    })
    void owned_domains_match_exactly_or_as_subdomains(String key, boolean reserved) {
        assertThat(NodeLabels.isReserved(key)).isEqualTo(reserved);
    }
}
