package dev.v6platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an environment file may take from its committed context ({@code stacks/context/<environment>.json}, written by
 * the refresh step): zone ids resolved to the account's zone names, add-on versions {@code default} and
 * {@code latest}, and checks of zones, add-on versions and the Kubernetes version against what AWS offers. Without a
 * context file, names and pinned versions are taken as written and synth warns that they are unchecked.
 */
public final class ContextRules {
    /** A zone id, the same in every account: {@code use1-az4}. */
    public static final Pattern ZONE_ID = Pattern.compile("[a-z]{2,5}\\d{1,2}-az\\d{1,2}");
    /** Add-on version words the context resolves. */
    public static final List<String> VERSION_WORDS = List.of("default", "latest");

    private ContextRules() {
    }

    /**
     * How the loader treats the context: checked (synth; the context may be missing) or unchecked (the refresh step,
     * which must run whatever state the context is in).
     *
     * @param checked whether to resolve and check against the context
     * @param context the environment's context, if it has one
     * @param file    where the context is or would be, for messages
     */
    public record View(boolean checked, Optional<EnvironmentContext> context, String file) {
        /** Values are taken as written. */
        public static final View UNCHECKED = new View(false, Optional.empty(), "");
    }

    /** The fix for a missing, stale or foreign context. */
    public static String refreshFix(String environment) {
        return "run " + ContextFile.REFRESH_COMMAND + " " + environment + ", review the diff and commit it";
    }

    /**
     * Whether the context was recorded for the environment's account and region; if not, a problem at the
     * environment's {@code account} line says so, and the context must not be used (its facts would be wrong).
     */
    static boolean checkBelongs(YamlObject y, String environment, String account, String region,
            EnvironmentContext ctx, String file) {
        if (account != null && region != null && (!ctx.account().equals(account) || !ctx.region().equals(region))) {
            y.problem(y.lineOf("account"), "account", file + " was recorded for account " + ctx.account() + ", "
                    + ctx.region() + ", but " + environment + " is in account " + account + ", " + region,
                    refreshFix(environment));
            return false;
        }
        return true;
    }

    /**
     * The zone names to use: ids become this account's names (which needs the context); names are checked against
     * the context when there is one.
     */
    static String zone(YamlObject y, Scalar zone, String environment, View view) {
        String value = zone.value();
        if (!view.checked()) {
            return value;
        }
        Optional<EnvironmentContext> ctx = view.context();
        if (ZONE_ID.matcher(value).matches()) {
            if (ctx.isEmpty()) {
                y.problem(zone.line(), zone.field(), "zone id '" + value + "' needs this account's zone names, "
                        + "which the refresh step records in " + view.file() + "; there is no such file",
                        refreshFix(environment) + "; or write zone names");
                return null;
            }
            Optional<ZoneFacts> found = ctx.get().zones().stream().filter(z -> z.id().equals(value)).findFirst();
            if (found.isEmpty()) {
                y.problem(zone.line(), zone.field(), "zone id '" + value + "' is not a zone of " + ctx.get().region()
                        + " in account " + ctx.get().account(), "use one of " + describe(ctx.get()));
                return null;
            }
            return available(y, zone, found.get()) ? found.get().name() : null;
        }
        if (ctx.isPresent()) {
            Optional<ZoneFacts> found = ctx.get().zones().stream().filter(z -> z.name().equals(value)).findFirst();
            if (found.isEmpty()) {
                y.problem(zone.line(), zone.field(), "zone '" + value + "' is not an availability zone of account "
                        + ctx.get().account() + " in " + ctx.get().region() + " (per the refresh step)",
                        "use one of " + describe(ctx.get()));
                return null;
            }
            return available(y, zone, found.get()) ? value : null;
        }
        return value;
    }

    private static boolean available(YamlObject y, Scalar zone, ZoneFacts facts) {
        if (!facts.state().equals("available")) {
            y.problem(zone.line(), zone.field(), "zone " + facts.name() + " (" + facts.id() + ") is "
                    + facts.state() + ", not available", "choose another zone");
            return false;
        }
        return true;
    }

    private static String describe(EnvironmentContext ctx) {
        List<String> out = new ArrayList<>();
        ctx.zones().forEach(z -> out.add(z.name() + " (" + z.id() + ")"));
        return out.isEmpty() ? "the zones the refresh step finds (it recorded none; " + refreshFix(ctx.environment())
                + ")" : String.join(", ", out);
    }

    /**
     * An add-on's version: {@code default} or {@code latest} resolved from the context; a pinned version checked
     * against the versions the context lists for the cluster's Kubernetes version. Empty after a problem.
     */
    static Optional<String> addonVersion(YamlObject a, String addon, Scalar v, String environment,
            KubernetesVersion version, View view) {
        if (!view.checked()) {
            return Optional.of(v.value());
        }
        Optional<EnvironmentContext> ctx = view.context();
        boolean word = VERSION_WORDS.contains(v.value());
        if (version == null) {
            return word ? Optional.empty() : Optional.of(v.value());
        }
        Optional<AddonFacts> facts = ctx.filter(c -> version != null && c.kubernetesVersion().equals(
                version.toString())).flatMap(c -> c.addons().stream().filter(f -> f.name().equals(addon))
                .findFirst());
        if (word && facts.isEmpty()) {
            String why = ctx.isEmpty() ? "there is no " + view.file()
                    : !ctx.get().kubernetesVersion().equals(String.valueOf(version))
                    ? "the context lists add-on versions for Kubernetes " + ctx.get().kubernetesVersion()
                            + ", not " + version
                    : "the context lists no versions of " + addon;
            a.problem(v.line(), v.field(), "'" + v.value() + "' is resolved from the versions the refresh step "
                    + "records, but " + why, refreshFix(environment) + "; or pin a version (vX.Y.Z-eksbuild.N)");
            return Optional.empty();
        }
        if (word) {
            return Optional.of(v.value().equals("default") ? facts.get().defaultVersion()
                    : facts.get().latestVersion());
        }
        if (facts.isPresent() && !facts.get().compatible().contains(v.value())) {
            a.problem(v.line(), v.field(), addon + " " + v.value() + " is not offered for Kubernetes " + version
                    + " in " + ctx.get().region() + " (per the refresh step: default " + facts.get().defaultVersion()
                    + ", newest " + facts.get().latestVersion() + ")", "pin one of "
                    + String.join(", ", facts.get().compatible().stream().limit(5).toList())
                    + ", or write 'default'");
            return Optional.empty();
        }
        return Optional.of(v.value());
    }

    /**
     * Karpenter's AMI alias must name a release AWS published for the cluster's Kubernetes version and every
     * architecture of the pools, when the context says: otherwise Karpenter cannot resolve it, the EC2NodeClass never
     * becomes Ready and no pool gets a node. Without facts for this alias and version, {@link #warnings} says so.
     */
    static void amiRelease(YamlObject k, Scalar alias, String environment, KubernetesVersion version,
            List<String> architectures, View view) {
        if (!view.checked() || view.context().isEmpty()) {
            return;
        }
        EnvironmentContext ctx = view.context().get();
        for (String arch : architectures) {
            ctx.amis().stream().filter(a -> a.alias().equals(alias.value()) && a.architecture().equals(arch)
                    && a.kubernetesVersion().equals(version.toString()) && !a.exists()).findFirst()
                    .ifPresent(missing -> k.problem(alias.line(), alias.field(), "AMI release " + alias.value()
                            + " has no " + arch + " image for Kubernetes " + version + " in " + ctx.region()
                            + " (the refresh step found no image named " + missing.imageName() + "): Karpenter "
                            + "cannot resolve the alias, so the EC2NodeClass never becomes Ready and no pool gets a "
                            + "node", "pin a release published for Kubernetes " + version + " (amazon-eks-ami's "
                            + "releases, e.g. al2023@v20251016), then " + refreshFix(environment)));
        }
    }

    /** Whether the context checked {@code env}'s AMI alias for its Kubernetes version and every pool's architecture. */
    static boolean amiChecked(EnvironmentConfig env, EnvironmentContext ctx) {
        if (env.karpenter().isEmpty()) {
            return true;
        }
        KarpenterSpec k = env.karpenter().get();
        String version = env.kubernetesVersion().toString();
        return k.architectures().stream().allMatch(arch ->
                AmiFacts.imageName(k.amiAlias(), version, arch).isEmpty() || ctx.amis().stream().anyMatch(a ->
                        a.alias().equals(k.amiAlias()) && a.kubernetesVersion().equals(version)
                                && a.architecture().equals(arch)));
    }

    /**
     * {@code supportType: STANDARD} on a version the context says is in extended support: EKS refuses to turn
     * extended support off while the version needs it.
     */
    static void standardSupport(YamlObject c, String environment, KubernetesVersion version, View view) {
        view.context().flatMap(ctx -> ctx.clusterVersions().stream().filter(v -> v.version().equals(
                version.toString()) && v.status().equals("EXTENDED_SUPPORT")).findFirst()).ifPresent(v -> c.problem(
                        c.has("supportType") ? c.lineOf("supportType") : c.line(), c.field("supportType"),
                        "Kubernetes " + version + " is in extended support (per the refresh step), so EKS refuses "
                                + "supportType STANDARD (the default)", "upgrade kubernetesVersion to a version in "
                                + "standard support, or set cluster.supportType: EXTENDED (billed extended support)"));
    }

    /** The Kubernetes version must be one EKS offers in the region, when the context says which. */
    static void kubernetesVersion(YamlObject y, Scalar s, KubernetesVersion version,
            Optional<EnvironmentContext> ctx) {
        if (version == null || ctx.isEmpty() || ctx.get().clusterVersions().isEmpty()) {
            return;
        }
        Optional<ClusterVersionFacts> found = ctx.get().clusterVersions().stream()
                .filter(v -> v.version().equals(version.toString())).findFirst();
        List<String> offered = ctx.get().clusterVersions().stream().filter(v -> !v.status().equals("UNSUPPORTED"))
                .map(ClusterVersionFacts::version).toList();
        if (found.isEmpty() || found.get().status().equals("UNSUPPORTED")) {
            y.problem(s.line(), s.field(), "EKS does not offer Kubernetes " + version + " in " + ctx.get().region()
                    + " (per the refresh step: " + String.join(", ", offered) + ")", "set kubernetesVersion to one "
                    + "of those, in quotes");
        }
    }

    /**
     * What synth cannot check for {@code env} and why, and versions nearing their end; printed as warnings, never
     * fatal. In a stable order.
     */
    public static List<String> warnings(EnvironmentConfig env, Optional<EnvironmentContext> ctx) {
        List<String> out = new ArrayList<>();
        if (ctx.isEmpty()) {
            out.add(env.name() + ": no " + EnvironmentLoader.display(ContextFile.of(env)) + ", so zones, "
                    + "instance type offerings, add-on versions, the Kubernetes version, the AMI release and VPC "
                    + "ranges in use are not checked against AWS; " + refreshFix(env.name()));
            return out;
        }
        String version = env.kubernetesVersion().toString();
        if (!ctx.get().kubernetesVersion().equals(version)) {
            out.add(env.name() + ": the context lists add-on versions for Kubernetes " + ctx.get().kubernetesVersion()
                    + ", but the environment asks for " + version + ", so add-on versions are not checked; "
                    + refreshFix(env.name()));
        }
        if (!amiChecked(env, ctx.get())) {
            out.add(env.name() + ": the context does not say whether AMI release " + env.karpenter().get().amiAlias()
                    + " exists for Kubernetes " + version + " and every pool's architecture, so a release AWS never "
                    + "published would leave every pool without nodes; " + refreshFix(env.name()));
        }
        ctx.get().clusterVersions().stream().filter(v -> v.version().equals(version)
                && v.status().equals("EXTENDED_SUPPORT")).findFirst().ifPresent(v -> out.add(env.name()
                + ": Kubernetes " + version + " is in extended support (extra cost)"
                + (v.endOfExtendedSupport().isEmpty() ? "" : " until " + v.endOfExtendedSupport())
                + "; plan the upgrade"));
        return out;
    }
}
