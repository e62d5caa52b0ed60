package dev.v6platform.config;

/** How many NAT gateways give the private subnets IPv4 egress. */
public enum NatGatewayMode {
    /** One per availability zone: no cross-zone dependency or traffic charges (the default). */
    PER_ZONE("perZone"),
    /** One for the whole VPC: cheaper, but a zone outage cuts IPv4 egress for every zone. */
    SINGLE("single");

    private final String label;

    NatGatewayMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
