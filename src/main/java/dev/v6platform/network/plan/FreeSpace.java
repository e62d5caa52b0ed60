package dev.v6platform.network.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The free space of one parent block, kept as buddy free lists: for each prefix length, the start addresses of
 * the free aligned blocks of that size. Allocation is best fit over aligned blocks: the smallest free block that
 * can hold the request, lowest address first; only that block is split, so larger aligned blocks stay whole.
 *
 * <pre>
 *   parent 10.0.0.0/22; 10.0.3.0/24 is used; then a /26 is requested, then a /23
 *
 *   10.0.0.0                          10.0.2.0        10.0.3.0       10.0.4.0
 *   |------------ free /23 -----------|--- free /24 ---|#### used ####|
 *
 *   first fit (lowest address) cuts the /23 for the /26, and the /23 request then fails:
 *   |/26|/26|--- /25 ---|--- free /24 ---|--- free /24 ---|#### used ####|     /23: none left
 *
 *   best fit takes the smallest free block that holds a /26, the /24, and the /23 stays whole:
 *   |------------ free /23 -----------|/26|/26|-- /25 --|#### used ####|     /23: 10.0.0.0/23
 *
 *   the buddies split off (/26, /25) stay on the free lists and merge back when the block is released.
 * </pre>
 *
 * <p>Every operation is O(32 log n). Used blocks that reach outside the parent are clipped to it.
 */
public final class FreeSpace {
    private final Ipv4Cidr parent;
    private final List<TreeSet<Long>> free = new ArrayList<>(33);

    public FreeSpace(Ipv4Cidr parent, Collection<Ipv4Cidr> used) {
        this.parent = parent;
        for (int i = 0; i <= 32; i++) {
            free.add(new TreeSet<>());
        }
        List<long[]> intervals = new ArrayList<>();
        for (Ipv4Cidr u : used) {
            if (u.overlaps(parent)) {
                intervals.add(new long[] {Math.max(u.start(), parent.start()), Math.min(u.end(), parent.end())});
            }
        }
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        long cursor = parent.start();
        for (long[] iv : intervals) {
            if (iv[0] > cursor) {
                addRange(cursor, iv[0]);
            }
            cursor = Math.max(cursor, iv[1]);
        }
        if (cursor < parent.end()) {
            addRange(cursor, parent.end());
        }
    }

    public Ipv4Cidr parent() {
        return parent;
    }

    /** Splits [from, to) into maximal aligned blocks and puts them on the free lists. */
    private void addRange(long from, long to) {
        for (Ipv4Cidr block : blocksOf(from, to)) {
            free.get(block.prefix()).add(block.start());
        }
    }

    /** The maximal aligned blocks covering [from, to), in address order. */
    public static List<Ipv4Cidr> blocksOf(long from, long to) {
        List<Ipv4Cidr> out = new ArrayList<>();
        long at = from;
        while (at < to) {
            int prefix = at == 0 ? 0 : 32 - Long.numberOfTrailingZeros(at);
            prefix = Math.max(prefix, 0);
            while (at + Ipv4Cidr.blockSize(prefix) > to) {
                prefix++;
            }
            out.add(Ipv4Cidr.of(at, prefix));
            at += Ipv4Cidr.blockSize(prefix);
        }
        return out;
    }

    /** Takes a block of {@code prefix} (best fit, lowest address), or empty when none is free. */
    public Optional<Ipv4Cidr> allocate(int prefix) {
        if (prefix < parent.prefix() || prefix > 32) {
            return Optional.empty();
        }
        for (int q = prefix; q >= parent.prefix(); q--) {
            TreeSet<Long> list = free.get(q);
            if (!list.isEmpty()) {
                long start = list.pollFirst();
                for (int split = q + 1; split <= prefix; split++) {
                    free.get(split).add(start + Ipv4Cidr.blockSize(split));
                }
                return Optional.of(Ipv4Cidr.of(start, prefix));
            }
        }
        return Optional.empty();
    }

    /** Gives a block back, merging it with its free buddies. The block must be inside the parent and in use. */
    public void release(Ipv4Cidr block) {
        if (!parent.contains(block)) {
            throw new IllegalArgumentException(block + " is not inside " + parent);
        }
        long start = block.start();
        int prefix = block.prefix();
        while (prefix > parent.prefix()) {
            long buddy = start ^ Ipv4Cidr.blockSize(prefix);
            if (!free.get(prefix).remove(buddy)) {
                break;
            }
            start = Math.min(start, buddy);
            prefix--;
        }
        free.get(prefix).add(start);
    }

    /** The largest free aligned block (lowest address among equals), or empty when nothing is free. */
    public Optional<Ipv4Cidr> largestFree() {
        for (int q = parent.prefix(); q <= 32; q++) {
            if (!free.get(q).isEmpty()) {
                return Optional.of(Ipv4Cidr.of(free.get(q).first(), q));
            }
        }
        return Optional.empty();
    }

    /** Every free aligned block, in address order. */
    public List<Ipv4Cidr> freeBlocks() {
        List<Ipv4Cidr> out = new ArrayList<>();
        for (int q = 0; q <= 32; q++) {
            for (long start : free.get(q)) {
                out.add(Ipv4Cidr.of(start, q));
            }
        }
        out.sort(null);
        return out;
    }

    public long freeAddresses() {
        long total = 0;
        for (int q = 0; q <= 32; q++) {
            total += free.get(q).size() * Ipv4Cidr.blockSize(q);
        }
        return total;
    }
}
