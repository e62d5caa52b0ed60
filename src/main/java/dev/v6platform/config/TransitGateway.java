package dev.v6platform.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A transit gateway the VPC attaches to (the corporate WAN, a VPN, Direct Connect), and the ranges its subnets
 * send there: {@code network.transitGateway} in an environment file. The stack creates the attachment (in the intra
 * subnets, or the node subnets without them) and a route for each range in the node route tables, so that replies
 * from the cluster's private endpoint and the nodes find their way back; intra subnets keep no route out.
 *
 * <pre>{@code
 * network:
 *   transitGateway:
 *     id: tgw-0a1b2c3d4e5f67890      # shared with this account through RAM, accepting its attachments
 *     routes: [10.0.0.0/12]          # IPv4 or IPv6 ranges behind it
 * }</pre>
 *
 * @param id     the transit gateway's id
 * @param routes the ranges behind it, IPv4 or IPv6 CIDRs, at least one
 * @param line   line of the {@code transitGateway:} key, for messages
 */
public record TransitGateway(String id, List<String> routes, int line) {
    /** A transit gateway's id. */
    public static final Pattern ID = Pattern.compile("tgw-[0-9a-f]{8,17}");

    public TransitGateway {
        Objects.requireNonNull(id, "id");
        routes = List.copyOf(routes);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a transit gateway id (tgw-0123456789abcdef0)");
        }
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("transit gateway " + id + " has no routes");
        }
    }

    /** Whether a route sends IPv6 there (the attachment then needs IPv6 support). */
    public boolean ipv6() {
        return routes.stream().anyMatch(r -> r.contains(":"));
    }
}
