package dev.v6platform.config;

import dev.v6platform.network.plan.Ipv4Cidr;
import java.util.Objects;

/**
 * An IPv4 range the planner must not allocate: reserved (never to be used, e.g. carrier integrations) or already
 * in use by something the platform does not manage.
 *
 * @param cidr   the range
 * @param note   why it is reserved, or who uses it
 * @param source the file it was read from
 * @param line   its line in that file
 */
public record AddressRange(Ipv4Cidr cidr, String note, String source, int line) {
    public AddressRange {
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(source, "source");
    }
}
