package dev.v6platform.config;

import dev.v6platform.network.plan.FreeSpace;
import dev.v6platform.network.plan.Ipv4Cidr;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /**
     * The first range of {@code cidrs} that overlaps one listed before it (CIDR blocks overlap only when one contains
     * the other), as its index and the earlier range's; empty when they are disjoint. Invalid entries are skipped.
     */
    public static Optional<int[]> firstOverlap(List<String> cidrs) {
        List<BigInteger[]> ranges = new ArrayList<>();
        for (String c : cidrs) {
            ranges.add(range(c));
        }
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = 0; j < i; j++) {
                BigInteger[] a = ranges.get(i);
                BigInteger[] b = ranges.get(j);
                if (a != null && b != null && a[2].equals(b[2]) && a[0].compareTo(b[1]) < 0
                        && b[0].compareTo(a[1]) < 0) {
                    return Optional.of(new int[] {i, j});
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code outer} contains every address of {@code inner} (same family); false for invalid entries. */
    public static boolean contains(String outer, String inner) {
        BigInteger[] o = range(outer);
        BigInteger[] i = range(inner);
        return o != null && i != null && o[2].equals(i[2]) && o[0].compareTo(i[0]) <= 0 && i[1].compareTo(o[1]) <= 0;
    }

    /** [first address, end (exclusive), family bits] of a CIDR, or null when it is not one. */
    private static BigInteger[] range(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            String host = cidr.substring(0, slash);
            // literal addresses only: anything else could make InetAddress resolve a name
            if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !(host.contains(":") && host.matches("[0-9a-fA-F:.]+"))) {
                return null;
            }
            byte[] bytes = InetAddress.getByName(host).getAddress();
            int bits = bytes.length * 8;
            int prefix = Integer.parseInt(cidr.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                return null;
            }
            BigInteger size = BigInteger.ONE.shiftLeft(bits - prefix);
            BigInteger start = new BigInteger(1, bytes).divide(size).multiply(size);
            return new BigInteger[] {start, start.add(size), BigInteger.valueOf(bits)};
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
    }
}
