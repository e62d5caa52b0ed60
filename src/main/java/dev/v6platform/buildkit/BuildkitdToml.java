package dev.v6platform.buildkit;

import dev.v6platform.config.BuildkitSpec;

/**
 * The {@code buildkitd.toml} of one builder pool: the worker's platform (one architecture, built natively) and a
 * garbage collection sized from the cache volume, so the disk never fills (ENOSPC is BuildKit's classic failure).
 *
 * <pre>
 *   cache volume (cacheGiB)
 *   ├──────────── maxUsedSpace: GC trims above this ───────────┤── minFreeSpace ──┤
 *   ├── reservedSpace: GC never trims below ──┤                   (running builds' scratch, a tenth, ≥ 5 GiB)
 * </pre>
 *
 * The limits live in the policies only: once a worker has {@code gcpolicy} entries, buildkitd ignores the
 * worker-level {@code reservedSpace}, {@code maxUsedSpace} and {@code minFreeSpace} (they only size its default
 * policies), and a policy without a size deletes every record it matches on every GC run. Every policy's size is
 * compared with the whole cache, not with what the policy's filters select. The four policies follow upstream's
 * defaults:
 * <ol>
 *   <li>local contexts, cache mounts and git checkouts unused for 48 hours, only while the cache is above half of
 *       {@code maxUsedSpace} (upstream keeps such records while the cache is under 512 MB; cache mounts are worth
 *       keeping while there is room);</li>
 *   <li>anything unused for 60 days, down to the limits;</li>
 *   <li>the cache that no other record shares, down to the limits;</li>
 *   <li>everything, internal and frontend records included, down to the limits.</li>
 * </ol>
 *
 * @see <a href="https://github.com/moby/buildkit/blob/master/docs/buildkitd.toml.md">buildkitd.toml</a>
 */
public final class BuildkitdToml {
    private BuildkitdToml() {
    }

    /** The file's text for {@code pool} in {@code environment}. */
    public static String render(String environment, BuildkitSpec.Pool pool) {
        int maxUsed = BuildkitSpec.Pool.maxUsedGiB(pool.cacheGiB());
        int keepFree = BuildkitSpec.Pool.keepFreeGiB(pool.cacheGiB());
        int reserved = pool.gcReservedGiB();
        return "# buildkitd of the " + pool.architecture() + " builders of " + environment + ", written by v6-platform.\n"
                + "# Cache volume " + pool.cacheGiB() + " GiB: GC keeps " + reserved + " GiB, trims above " + maxUsed
                + " GiB and leaves " + keepFree + " GiB free for running builds.\n"
                + "\n"
                + "[worker.oci]\n"
                + "  enabled = true\n"
                + "  platforms = [\"linux/" + pool.architecture() + "\"]\n"
                + "  gc = true\n"
                + "  max-parallelism = " + parallelism(pool.cpu()) + "\n"
                + "  # no worker-level sizes: buildkitd ignores them once gcpolicy entries exist\n"
                + "\n"
                + "  [[worker.oci.gcpolicy]]\n"
                + "    keepDuration = \"48h\"\n"
                + "    filters = [\"type==source.local\", \"type==exec.cachemount\", \"type==source.git.checkout\"]\n"
                + "    maxUsedSpace = \"" + reproducibleGiB(maxUsed) + "GiB\"\n"
                + "\n"
                + "  [[worker.oci.gcpolicy]]\n"
                + "    keepDuration = \"1440h\"\n"
                + limits(reserved, maxUsed, keepFree)
                + "\n"
                + "  [[worker.oci.gcpolicy]]\n"
                + limits(reserved, maxUsed, keepFree)
                + "\n"
                + "  [[worker.oci.gcpolicy]]\n"
                + "    all = true\n"
                + limits(reserved, maxUsed, keepFree)
                + "\n"
                + "[worker.containerd]\n"
                + "  enabled = false\n";
    }

    /** The cache size above which the first policy drops reproducible records: half the limit, at least 1 GiB. */
    static int reproducibleGiB(int maxUsedGiB) {
        return Math.max(1, maxUsedGiB / 2);
    }

    private static String limits(int reserved, int maxUsed, int keepFree) {
        return "    reservedSpace = \"" + reserved + "GiB\"\n"
                + "    maxUsedSpace = \"" + maxUsed + "GiB\"\n"
                + "    minFreeSpace = \"" + keepFree + "GiB\"\n";
    }

    /** Parallel build steps: one per requested core, at least 2. */
    static int parallelism(String cpu) {
        double cores = cpu.endsWith("m") ? Double.parseDouble(cpu.substring(0, cpu.length() - 1)) / 1000
                : Double.parseDouble(cpu);
        return Math.max(2, (int) Math.floor(cores));
    }
}
