package dev.v6platform.config;

import static dev.v6platform.config.EnvironmentLoader.check;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses an environment's {@code buildkit:} section into a {@link BuildkitSpec}, checking it against the
 * environment's Karpenter pools and namespaces. Every problem names the file, the line, the field and the fix.
 */
final class BuildkitSection {
    static final Pattern VERSION = Pattern.compile("v\\d+\\.\\d+\\.\\d+");
    /** Longest builder node lifetime with cert-manager: 60 days, inside the 90-day renewal window. */
    static final long CERT_RESTART_SECONDS = 60L * 24 * 3600;
    static final Pattern CPU = Pattern.compile("\\d+(\\.\\d+)?|\\d+m");
    static final Pattern MEMORY = Pattern.compile("\\d+(Mi|Gi)");
    /** An ECR repository name, or a prefix of names ending in {@code /*}. */
    static final Pattern ECR_REPOSITORY = Pattern.compile(
            "[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(/\\*)?");

    private BuildkitSection() {
    }

    static Optional<BuildkitSpec> parse(YamlObject b, Optional<KarpenterSpec> karpenter,
            List<NamespaceConfig> namespaces, ClusterSpec cluster) {
        String version = b.string("version", "v0.32.2").map(v -> check(b, v, VERSION.matcher(v.value()).matches(),
                "'" + v.value() + "' is not a BuildKit release tag",
                "pin a release of moby/buildkit, e.g. v0.32.2 (the image is moby/buildkit:<tag>-rootless)"))
                .orElse(null);
        Optional<String> issuer = b.object("tls", null).flatMap(t -> {
            Optional<String> i = t.string("certManagerIssuer", "platform-ca").map(s -> check(t, s,
                    EnvironmentLoader.DNS_LABEL.matcher(s.value()).matches(), "'" + s.value() + "' is not a "
                    + "ClusterIssuer name", "name the cert-manager ClusterIssuer, e.g. platform-ca"));
            t.finish();
            return i;
        });
        List<BuildkitSpec.Client> clients = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        namespaces.forEach(n -> known.add(n.name()));
        b.objectList("clients", "[{namespace: ci, serviceAccount: buildx}]").ifPresent(items -> items.forEach(c -> {
            Optional<String> ns = c.string("namespace", "ci").map(s -> check(c, s, known.contains(s.value()),
                    "namespace '" + s.value() + "' is not created by this environment",
                    "add it under namespaces, or use one of " + known));
            Optional<String> sa = c.string("serviceAccount", "buildx").map(s -> check(c, s,
                    EnvironmentLoader.DNS_LABEL.matcher(s.value()).matches(), "'" + s.value() + "' is not a service "
                    + "account name", "use a DNS label, e.g. buildx"));
            c.finish();
            if (ns.isPresent() && sa.isPresent()) {
                clients.add(new BuildkitSpec.Client(ns.get(), sa.get()));
            }
        }));
        int expiry = b.integer("cacheExpiryDays", null).map(d -> {
            if (d < 1 || d > 365) {
                b.problem(b.lineOf("cacheExpiryDays"), b.field("cacheExpiryDays"), d + " is outside 1..365",
                        "use e.g. 30 (days a cache image lives after its last push)");
            }
            return d.intValue();
        }).orElse(30);
        List<String> repositories = new ArrayList<>();
        b.stringList("imageRepositories", null).ifPresent(list -> list.forEach(r -> {
            if (!ECR_REPOSITORY.matcher(r.value()).matches()) {
                b.problem(r.line(), r.field(), "'" + r.value() + "' is not an ECR repository name or prefix",
                        "write a repository name such as apps/web, or a prefix such as apps/*");
            } else {
                repositories.add(r.value());
            }
        }));
        List<BuildkitSpec.Pool> pools = new ArrayList<>();
        Set<String> architectures = new LinkedHashSet<>();
        boolean certManager = issuer.isPresent();
        b.objectList("pools", "[{architecture: arm64, nodePool: buildkit-arm64, minReplicas: 1, maxReplicas: 4, "
                + "cacheGiB: 100, cpu: \"4\", memory: 16Gi}]").ifPresent(items -> items.forEach(p -> pool(p,
                        karpenter, architectures, certManager).ifPresent(pools::add)));
        if (!cluster.addonVersions().containsKey(ClusterSpec.EBS_CSI_ADDON)) {
            b.problem(b.line(), b.path(), "the builders' cache volumes need the EBS CSI driver, which the cluster "
                    + "does not install", "add '" + ClusterSpec.EBS_CSI_ADDON + ": v1.51.1-eksbuild.1' (or the "
                    + "version the refresh step lists) under cluster.addons");
        }
        if (!cluster.addonVersions().containsKey(ClusterSpec.METRICS_SERVER_ADDON)) {
            b.problem(b.line(), b.path(), "the builders' autoscalers need CPU metrics, and the cluster runs no "
                    + "metrics-server", "add '" + ClusterSpec.METRICS_SERVER_ADDON + ": v0.8.0-eksbuild.1' (or the "
                    + "version the refresh step lists) under cluster.addons");
        }
        b.finish();
        if (version == null || pools.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BuildkitSpec(version, issuer, clients, expiry, repositories, pools, b.line()));
    }

    /** Seconds of a duration such as {@code 1h30m} or {@code 90s}. */
    static long seconds(String duration) {
        long total = 0;
        var m = Pattern.compile("(\\d+)([smh])").matcher(duration);
        while (m.find()) {
            // anything past 10^12 s (30,000 years) saturates there instead of overflowing
            String digits = m.group(1).replaceFirst("^0+(?=.)", "");
            long n = digits.length() > 12 ? CAP : Long.parseLong(digits);
            long unit = switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            total = Math.min(CAP, total + Math.min(CAP, n * unit));
        }
        return total;
    }

    /** Where {@link #seconds} saturates: 10^12 s; n * 3600 stays far below Long.MAX_VALUE for n up to it. */
    static final long CAP = 1_000_000_000_000L;

    private static Optional<BuildkitSpec.Pool> pool(YamlObject p, Optional<KarpenterSpec> karpenter,
            Set<String> architectures, boolean certManager) {
        String arch = p.string("architecture", "arm64").map(a -> {
            if (!a.value().equals("arm64") && !a.value().equals("amd64")) {
                p.problem(a.line(), a.field(), "'" + a.value() + "' is not an architecture; allowed: arm64, amd64",
                        "use arm64 (Graviton) or amd64 (x86)");
                return null;
            }
            if (!architectures.add(a.value())) {
                p.problem(a.line(), a.field(), "there is already a pool for " + a.value(), "give each "
                        + "architecture one pool; raise its maxReplicas instead");
                return null;
            }
            return a.value();
        }).orElse(null);
        Optional<KarpenterSpec.Pool> karpenterPool = p.string("nodePool", null).flatMap(n -> karpenter
                .flatMap(k -> k.pools().stream().filter(kp -> kp.name().equals(n.value())).findFirst()));
        String nodePool = p.string("nodePool", "buildkit-arm64").map(n -> {
            List<KarpenterSpec.Pool> defined = karpenter.map(KarpenterSpec::pools).orElse(List.of());
            Optional<KarpenterSpec.Pool> match = defined.stream().filter(k -> k.name().equals(n.value())).findFirst();
            if (match.isEmpty()) {
                p.problem(n.line(), n.field(), "there is no Karpenter NodePool '" + n.value() + "' for the "
                        + (arch == null ? "" : arch + " ") + "builders", "add it under karpenter.pools (architecture: "
                        + (arch == null ? "arm64" : arch) + ", tainted for builders), or use one of "
                        + defined.stream().map(KarpenterSpec.Pool::name).toList());
                return null;
            }
            if (arch != null && !match.get().architecture().equals(arch)) {
                p.problem(n.line(), n.field(), "NodePool '" + n.value() + "' runs " + match.get().architecture()
                        + " nodes, but this pool builds " + arch, "name a NodePool with architecture: " + arch);
                return null;
            }
            long grace = match.get().terminationGracePeriod().map(BuildkitSection::seconds).orElse(-1L);
            if (grace <= BuildkitSpec.BUILDER_GRACE_SECONDS) {
                p.problem(n.line(), n.field(), "NodePool '" + n.value() + "' "
                        + (grace < 0 ? "has no terminationGracePeriod" : "waits only " + grace + " s for pods")
                        + ": builders block disruption while they run, so an expired node would drain for ever or "
                        + "cut builds short", "set terminationGracePeriod: 2h on karpenter pool '" + n.value()
                        + "' (more than the builders' " + BuildkitSpec.BUILDER_GRACE_SECONDS / 60 + " minutes)");
                return null;
            }
            String expire = match.get().expireAfter();
            if (certManager && (expire.equals("Never") || seconds(expire) > CERT_RESTART_SECONDS)) {
                p.problem(n.line(), n.field(), "NodePool '" + n.value() + "' keeps nodes for " + expire + ", but "
                        + "buildkitd reads its cert-manager certificate only at start and the certificate is renewed "
                        + "90 days before it expires", "set expireAfter to at most 1440h (60 days) on karpenter pool '"
                        + n.value() + "', so every builder restarts with the renewed certificate");
                return null;
            }
            return n.value();
        }).orElse(null);
        int min = p.integer("minReplicas", null).map(Long::intValue).orElse(1);
        int max = p.integer("maxReplicas", "4").map(Long::intValue).orElse(-1);
        if (min < 1) {
            p.problem(p.lineOf("minReplicas"), p.field("minReplicas"), min + " builders would leave the "
                    + "architecture without a builder", "use at least 1");
        } else if (max >= 0 && max < min) {
            p.problem(p.lineOf("maxReplicas"), p.field("maxReplicas"), "maxReplicas " + max + " is below "
                    + "minReplicas " + min, "raise maxReplicas to at least " + min + " or lower minReplicas");
        } else if (max > 100) {
            p.problem(p.lineOf("maxReplicas"), p.field("maxReplicas"), max + " builders is more than 100",
                    "use at most 100 per architecture");
        }
        int cache = p.integer("cacheGiB", "100").map(Long::intValue).orElse(-1);
        if (p.has("cacheGiB") && (cache < 20 || cache > 16384)) {
            p.problem(p.lineOf("cacheGiB"), p.field("cacheGiB"), "a " + cache + " GiB cache volume is outside "
                    + "20..16384 GiB", "use e.g. 100 or 200");
        }
        int reserved = p.integer("gcReservedGiB", null).map(Long::intValue).orElse(cache / 5);
        if (cache >= 20 && cache <= 16384 && reserved >= BuildkitSpec.Pool.maxUsedGiB(cache)) {
            int needed = BuildkitSpec.Pool.smallestCacheFor(reserved);
            p.problem(p.lineOf("cacheGiB"), p.field("cacheGiB"), "a " + cache + " GiB cache volume is smaller than "
                    + "the GC reserve of " + reserved + " GiB plus the " + BuildkitSpec.Pool.keepFreeGiB(cache)
                    + " GiB kept free for running builds", "raise cacheGiB to at least " + needed
                    + " or lower gcReservedGiB");
        } else if (reserved < 1 && p.has("gcReservedGiB")) {
            p.problem(p.lineOf("gcReservedGiB"), p.field("gcReservedGiB"), reserved + " GiB keeps no cache",
                    "use at least 1");
        }
        String cpu = p.string("cpu", "\"4\"").map(c -> check(p, c, CPU.matcher(c.value()).matches(), "'" + c.value()
                + "' is not a CPU quantity", "write e.g. \"4\" or \"3500m\"")).orElse(null);
        String memory = p.string("memory", "16Gi").map(m -> check(p, m, MEMORY.matcher(m.value()).matches(), "'"
                + m.value() + "' is not a memory quantity", "write e.g. 16Gi")).orElse(null);
        if (nodePool != null && max >= min && cpu != null && memory != null) {
            fitsLimit(p, "cpu", cpu, max, karpenterPool.orElseThrow());
            fitsLimit(p, "memory", memory, max, karpenterPool.orElseThrow());
        }
        p.finish();
        if (arch == null || nodePool == null || min < 1 || max < min || cache < 20 || cpu == null || memory == null) {
            return Optional.empty();
        }
        return Optional.of(new BuildkitSpec.Pool(arch, nodePool, min, max, cache, reserved, cpu, memory, p.line()));
    }

    /**
     * The NodePool's limit of {@code resource} must hold {@code max} builders' requests: Karpenter launches no node
     * past it, so the autoscaler's last replicas would stay pending. Exact decimal arithmetic: 10 x 700m is 7.
     */
    private static void fitsLimit(YamlObject p, String resource, String request, int max, KarpenterSpec.Pool pool) {
        String limit = pool.limits().get(resource);
        if (limit == null || !EnvironmentLoader.QUANTITY.matcher(limit).matches()) {
            return;
        }
        BigDecimal each = amount(request);
        BigDecimal needed = each.multiply(BigDecimal.valueOf(max));
        if (needed.compareTo(amount(limit)) > 0) {
            String total = resource.equals("cpu") ? needed.stripTrailingZeros().toPlainString()
                    : needed.divide(BigDecimal.valueOf(1L << 30)).stripTrailingZeros().toPlainString() + "Gi";
            long fits = amount(limit).divide(each, 0, RoundingMode.FLOOR).longValue();
            p.problem(p.lineOf("maxReplicas"), p.field("maxReplicas"), max + " builders requesting " + request
                    + " " + resource + " each need " + total + ", above the " + resource + " limit " + limit
                    + " of NodePool '" + pool.name() + "', so the last ones would never get a node", "lower "
                    + "maxReplicas below " + (fits + 1) + " (the nodes' own overhead counts against the limit too), "
                    + "or raise limits." + resource + " of karpenter pool '" + pool.name() + "' above " + total);
        }
    }

    /** A Kubernetes quantity in its base unit (cores, bytes), exactly. */
    static BigDecimal amount(String quantity) {
        String[][] suffixes = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
            {"m", "0.001"}, {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}};
        for (String[] s : suffixes) {
            if (quantity.endsWith(s[0])) {
                return new BigDecimal(quantity.substring(0, quantity.length() - s[0].length()))
                        .multiply(new BigDecimal(s[1]));
            }
        }
        return new BigDecimal(quantity);
    }
}
