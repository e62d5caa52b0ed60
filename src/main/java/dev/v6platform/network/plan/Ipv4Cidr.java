package dev.v6platform.network.plan;

import java.util.Locale;

/**
 * An aligned IPv4 block, {@code a.b.c.d/p}: the address has no bits set below the prefix.
 *
 * <pre>{@code
 * Ipv4Cidr vpc = Ipv4Cidr.parse("10.32.0.0/20");
 * vpc.size();            // 4096
 * vpc.contains(Ipv4Cidr.parse("10.32.1.0/24"));   // true
 * }</pre>
 *
 * @param start  the first address, as an unsigned 32-bit number
 * @param prefix the prefix length, 0 to 32
 */
public record Ipv4Cidr(long start, int prefix) implements Comparable<Ipv4Cidr> {
    /** Addresses AWS keeps in every subnet: network, router, DNS, future use, broadcast. */
    public static final int AWS_RESERVED_PER_SUBNET = 5;

    public Ipv4Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 0 to 32, got " + prefix);
        }
        if (start < 0 || start > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("address out of range: " + start);
        }
        if ((start & (blockSize(prefix) - 1)) != 0) {
            throw new IllegalArgumentException(format(start) + "/" + prefix + " has host bits set; the block starts at "
                    + format(start & ~(blockSize(prefix) - 1)) + "/" + prefix);
        }
    }

    /**
     * Parses {@code "10.0.0.0/8"}.
     *
     * @throws IllegalArgumentException naming what is wrong, and for host bits set the aligned block meant
     */
    public static Ipv4Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block: write it as address/prefix, e.g. "
                    + "10.0.0.0/16");
        }
        long address = parseAddress(text.substring(0, slash), text);
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix + "; IPv4 allows 0 to 32");
        }
        long mask = blockSize(prefix) - 1;
        if ((address & mask) != 0) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean "
                    + format(address & ~mask) + "/" + prefix + "?");
        }
        return new Ipv4Cidr(address, prefix);
    }

    private static long parseAddress(String text, String whole) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + whole + "' is not an IPv4 CIDR block (expected 4 dotted numbers)");
        }
        long address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv4 CIDR block");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("'" + whole + "' has an octet above 255");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public static Ipv4Cidr of(long start, int prefix) {
        return new Ipv4Cidr(start, prefix);
    }

    /** Number of addresses in a block of this prefix length. */
    public static long blockSize(int prefix) {
        return 1L << (32 - prefix);
    }

    public long size() {
        return blockSize(prefix);
    }

    /** One past the last address. */
    public long end() {
        return start + size();
    }

    /** Addresses an instance can use in an AWS subnet of this size (size minus the 5 AWS keeps). */
    public long usableInSubnet() {
        return Math.max(0, size() - AWS_RESERVED_PER_SUBNET);
    }

    public boolean contains(Ipv4Cidr other) {
        return other.start >= start && other.end() <= end();
    }

    public boolean overlaps(Ipv4Cidr other) {
        return start < other.end() && other.start < end();
    }

    /** The two halves of this block. */
    public Ipv4Cidr lowerHalf() {
        return new Ipv4Cidr(start, prefix + 1);
    }

    public Ipv4Cidr upperHalf() {
        return new Ipv4Cidr(start + size() / 2, prefix + 1);
    }

    /** The smallest prefix length whose AWS subnet leaves at least {@code hosts} usable addresses. */
    public static int prefixForHosts(long hosts) {
        for (int p = 32; p >= 0; p--) {
            if (blockSize(p) - AWS_RESERVED_PER_SUBNET >= hosts) {
                return p;
            }
        }
        return 0;
    }

    public static String format(long address) {
        return String.format(Locale.ROOT, "%d.%d.%d.%d", (address >>> 24) & 0xFF, (address >>> 16) & 0xFF,
                (address >>> 8) & 0xFF, address & 0xFF);
    }

    @Override
    public int compareTo(Ipv4Cidr o) {
        int c = Long.compare(start, o.start);
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }

    @Override
    public String toString() {
        return format(start) + "/" + prefix;
    }
}
