package dev.v6platform.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An environment's {@code buildkit:} section: the BuildKit fleet, one pool of builders per architecture on a
 * dedicated Karpenter NodePool, who may build, and how its TLS certificates are issued.
 *
 * <pre>{@code
 * buildkit:
 *   version: v0.32.2                      # moby/buildkit release; the image is moby/buildkit:<version>-rootless
 *   tls: {certManagerIssuer: platform-ca} # optional; without it the operator creates Secret buildkit-daemon-certs
 *   clients:
 *     - {namespace: ci, serviceAccount: buildx}
 *   cacheExpiryDays: 30                   # registry cache images not pushed for this long expire
 *   imageRepositories: [apps/*]           # ECR repositories (names or name/*) the clients may push images to
 *   pools:
 *     - architecture: arm64
 *       nodePool: buildkit-arm64          # a karpenter pool of the same architecture
 *       minReplicas: 2
 *       maxReplicas: 8
 *       cacheGiB: 200                     # gp3 cache volume per builder
 *       gcReservedGiB: 40                 # cache GC never goes below this; default a fifth of cacheGiB
 *       cpu: "4"
 *       memory: 16Gi
 * }</pre>
 *
 * @param version         moby/buildkit release tag, e.g. {@code v0.32.2}
 * @param certManagerIssuer the cert-manager ClusterIssuer that signs the daemon certificate, if cert-manager is used
 * @param clients         the service accounts that may build, by namespace
 * @param cacheExpiryDays days after which registry cache images that were not pushed again expire
 * @param imageRepositories ECR repository names, or prefixes ending in {@code /*}, of this account and region that
 *                        the clients may push built images to; empty for the cache only
 * @param pools           one pool per architecture
 * @param line            line of the {@code buildkit:} key
 */
public record BuildkitSpec(String version, Optional<String> certManagerIssuer, List<Client> clients,
        int cacheExpiryDays, List<String> imageRepositories, List<Pool> pools, int line) {
    /** How long a builder that is told to stop may finish its running builds. */
    public static final int BUILDER_GRACE_SECONDS = 3600;

    public BuildkitSpec {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(certManagerIssuer, "certManagerIssuer");
        clients = List.copyOf(clients);
        imageRepositories = List.copyOf(imageRepositories);
        pools = List.copyOf(pools);
    }

    /**
     * A service account that may build.
     *
     * @param namespace      its namespace (created by the environment's {@code namespaces:})
     * @param serviceAccount its name
     */
    public record Client(String namespace, String serviceAccount) {
        public Client {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(serviceAccount, "serviceAccount");
        }
    }

    /**
     * The builders of one architecture.
     *
     * @param architecture  arm64 or amd64
     * @param nodePool      the Karpenter NodePool they run on (its taints are tolerated)
     * @param minReplicas   fewest builders
     * @param maxReplicas   most builders
     * @param cacheGiB      size of each builder's cache volume
     * @param gcReservedGiB cache the garbage collector always keeps
     * @param cpu           CPU request per builder
     * @param memory        memory request and limit per builder
     * @param line          line of the pool's entry
     */
    public record Pool(String architecture, String nodePool, int minReplicas, int maxReplicas, int cacheGiB,
            int gcReservedGiB, String cpu, String memory, int line) {
        public Pool {
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(nodePool, "nodePool");
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memory, "memory");
        }

        /** Space the cache garbage collector keeps free on a volume for running builds: a tenth, at least 5 GiB. */
        public static int keepFreeGiB(int cacheGiB) {
            return Math.max(5, cacheGiB / 10);
        }

        /** Most the cache may use on a volume before the garbage collector trims it. */
        public static int maxUsedGiB(int cacheGiB) {
            return cacheGiB - keepFreeGiB(cacheGiB);
        }

        /** The smallest volume whose usable cache exceeds {@code reservedGiB}. */
        public static int smallestCacheFor(int reservedGiB) {
            int size = reservedGiB + 1;
            while (maxUsedGiB(size) <= reservedGiB) {
                size++;
            }
            return size;
        }
    }
}
