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
 * The first policy drops local contexts, cache mounts and git checkouts unused for 48 hours; the second trims
 * everything else to the worker's limits.
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
                + "  reservedSpace = \"" + reserved + "GiB\"\n"
                + "  maxUsedSpace = \"" + maxUsed + "GiB\"\n"
                + "  minFreeSpace = \"" + keepFree + "GiB\"\n"
                + "  max-parallelism = " + parallelism(pool.cpu()) + "\n"
                + "\n"
                + "  [[worker.oci.gcpolicy]]\n"
                + "    keepDuration = \"48h\"\n"
                + "    filters = [\"type==source.local\", \"type==exec.cachemount\", \"type==source.git.checkout\"]\n"
                + "\n"
                + "  [[worker.oci.gcpolicy]]\n"
                + "    all = true\n"
                + "    reservedSpace = \"" + reserved + "GiB\"\n"
                + "    maxUsedSpace = \"" + maxUsed + "GiB\"\n"
                + "    minFreeSpace = \"" + keepFree + "GiB\"\n"
                + "\n"
                + "[worker.containerd]\n"
                + "  enabled = false\n";
    }

    /** Parallel build steps: one per requested core, at least 2. */
    static int parallelism(String cpu) {
        double cores = cpu.endsWith("m") ? Double.parseDouble(cpu.substring(0, cpu.length() - 1)) / 1000
                : Double.parseDouble(cpu);
        return Math.max(2, (int) Math.floor(cores));
    }
}
