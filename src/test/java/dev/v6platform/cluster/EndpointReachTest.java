package dev.v6platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.ClusterSpec;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.NetworkSpec;
import dev.v6platform.config.TransitGateway;
import dev.v6platform.network.plan.Ipv4Cidr;
import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whether admins allowed to the private endpoint have a route back from the VPC. */
class EndpointReachTest {
    static final EnvironmentConfig PROD = FixtureSynthesis.environments().stream()
            .filter(e -> e.name().equals("prod-use1")).findFirst().orElseThrow();
    static final List<Ipv4Cidr> BLOCKS = FixtureSynthesis.plan().vpc("prod-use1").blocks();

    static EnvironmentConfig with(Optional<TransitGateway> tgw, List<String> privateCidrs) {
        NetworkSpec n = PROD.network();
        ClusterSpec c = PROD.cluster();
        return new EnvironmentConfig(PROD.name(), PROD.account(), PROD.region(), PROD.availabilityZones(),
                PROD.kubernetesVersion(), PROD.tags(), new NetworkSpec(n.vpcPrefixLength(), n.natGateways(),
                        n.flowLogRetentionDays(), n.subnetPrefixLengths(), n.ipv6IpamPoolId(), n.line(),
                        n.tierLines(), tgw),
                new ClusterSpec(c.publicAccessCidrs(), c.publicAccessReason(), privateCidrs, c.admins(), c.viewers(),
                        c.addonVersions(), c.systemNodes(), c.delivery(), c.line(), c.supportType(),
                        c.logRetentionDays()),
                PROD.karpenter(), PROD.buildkit(), PROD.metrics(), PROD.namespaces(), PROD.acknowledgedReplacements(),
                PROD.source(), PROD.line());
    }

    @Test
    void the_prod_fixture_reaches_its_endpoint_through_the_transit_gateway() {
        assertThat(PROD.network().transitGateway()).map(TransitGateway::routes).contains(List.of("10.0.0.0/12"));
        assertThat(EndpointReach.problems(PROD, BLOCKS)).isEmpty();
    }

    @Test
    void a_range_outside_the_vpc_with_no_route_back_is_refused_naming_the_fix() {
        List<ConfigError> problems = EndpointReach.problems(with(Optional.empty(), List.of("10.0.0.0/12")), BLOCKS);

        assertThat(problems).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("cluster.endpoint.privateAccessCidrs[0]");
            assertThat(e.problem()).startsWith("10.0.0.0/12 may reach the private endpoint, but the VPC has no route "
                    + "back to it").contains("and no transit gateway").endsWith("would go to the NAT gateway and be "
                    + "lost");
            assertThat(e.fix()).contains("network.transitGateway: {id: tgw-..., routes: [10.0.0.0/12]}");
        });
    }

    @Test
    void a_range_inside_the_vpc_or_under_a_transit_gateway_route_needs_nothing_more() {
        String insideVpc = BLOCKS.get(0).toString();
        TransitGateway wan = new TransitGateway("tgw-0a1b2c3d4e5f67890", List.of("10.0.0.0/12", "fd00::/8"), 1);

        assertThat(EndpointReach.problems(with(Optional.empty(), List.of(insideVpc)), BLOCKS)).isEmpty();
        assertThat(EndpointReach.problems(with(Optional.of(wan), List.of("10.1.0.0/16", "fd00:1::/48")), BLOCKS))
                .isEmpty();
        assertThat(EndpointReach.problems(with(Optional.of(wan), List.of("10.0.0.0/8")), BLOCKS))
                .extracting(ConfigError::field).containsExactly("cluster.endpoint.privateAccessCidrs[0]");
    }
}
