package dev.v6platform.cluster;

import dev.v6platform.config.Cidrs;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.TransitGateway;
import dev.v6platform.network.plan.Ipv4Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the networks allowed to the cluster's private endpoint ({@code cluster.endpoint.privateAccessCidrs}) can
 * reach it: the security group lets them in, but the endpoint's interfaces answer through their subnets' route
 * tables. A range inside the VPC's own blocks is answered locally; any other needs a route, which the stack creates
 * for the ranges of {@code network.transitGateway}. Without one, replies go to the NAT gateway and are lost.
 *
 * <pre>{@code
 * List<ConfigError> problems = EndpointReach.problems(env, plan.vpc(env.name()).blocks());
 * }</pre>
 */
public final class EndpointReach {
    private EndpointReach() {
    }

    /** A problem for every private access range the VPC has no route back to. */
    public static List<ConfigError> problems(EnvironmentConfig env, List<Ipv4Cidr> vpcBlocks) {
        List<ConfigError> out = new ArrayList<>();
        List<String> routes = env.network().transitGateway().map(TransitGateway::routes).orElse(List.of());
        List<String> cidrs = env.cluster().privateAccessCidrs();
        for (int i = 0; i < cidrs.size(); i++) {
            String cidr = cidrs.get(i);
            boolean local = vpcBlocks.stream().anyMatch(b -> Cidrs.contains(b.toString(), cidr));
            boolean routed = routes.stream().anyMatch(r -> Cidrs.contains(r, cidr));
            if (!local && !routed) {
                out.add(new ConfigError(env.source(), env.cluster().line(), "cluster.endpoint.privateAccessCidrs["
                        + i + "]", cidr + " may reach the private endpoint, but the VPC has no route back to it "
                        + "(its blocks are " + vpcBlocks + (routes.isEmpty() ? ", and no transit gateway" : ", the "
                        + "transit gateway's routes " + routes) + "): the endpoint's replies would go to the NAT "
                        + "gateway and be lost", "route it through the transit gateway it is behind "
                        + "(network.transitGateway: {id: tgw-..., routes: [" + cidr + "]}), or allow the range "
                        + "admins actually come from"));
            }
        }
        return out;
    }
}
