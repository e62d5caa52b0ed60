package dev.v6platform.config;

import dev.v6platform.network.plan.FreeSpace;
import dev.v6platform.network.plan.Ipv4Cidr;
import java.util.ArrayList;
import java.util.List;

/** Checks on lists of IPv4 and IPv6 CIDR strings, such as an endpoint's allowed ranges. */
public final class Cidrs {
    private Cidrs() {
    }

    /**
     * Whether the ranges open an endpoint to the whole internet: an IPv6 range of prefix length 0 or 1 (however it
     * is written: {@code ::/0}, {@code ::0/0}, {@code 8000::/1}), or IPv4 ranges that together cover every address.
     */
    public static boolean coversEverything(List<String> cidrs) {
        List<Ipv4Cidr> v4 = new ArrayList<>();
        for (String c : cidrs) {
            int slash = c.indexOf('/');
            if (slash < 0) {
                continue;
            }
            if (c.contains(":")) {
                try {
                    if (Integer.parseInt(c.substring(slash + 1)) <= 1) {
                        return true;
                    }
                } catch (NumberFormatException e) {
                    // not a CIDR; the loader reports it
                }
            } else {
                try {
                    v4.add(Ipv4Cidr.parse(c));
                } catch (IllegalArgumentException e) {
                    // not a valid block; the loader reports it
                }
            }
        }
        return !v4.isEmpty() && new FreeSpace(Ipv4Cidr.parse("0.0.0.0/0"), v4).freeAddresses() == 0;
    }
}
