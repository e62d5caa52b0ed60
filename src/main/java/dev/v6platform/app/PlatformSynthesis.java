package dev.v6platform.app;

import dev.v6platform.buildkit.BuildFleetChart;
import dev.v6platform.buildkit.BuildxGuide;
import dev.v6platform.cluster.EndpointReach;
import dev.v6platform.cluster.PlatformRuleIds;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.ContextFile;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentContext;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.InstanceTypeFacts;
import dev.v6platform.config.KarpenterSpec;
import dev.v6platform.config.KubernetesDelivery;
import dev.v6platform.karpenter.InstanceOfferings;
import dev.v6platform.karpenter.KarpenterAws;
import dev.v6platform.karpenter.KarpenterController;
import dev.v6platform.karpenter.KarpenterPools;
import dev.v6platform.karpenter.KarpenterPoolsChart;
import dev.v6platform.karpenter.KarpenterRules;
import dev.v6platform.kubernetes.KubeObjects;
import dev.v6platform.kubernetes.PlatformNamespacesChart;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.network.plan.AddressPlanReport;
import dev.v6platform.network.plan.AddressPlanSvg;
import dev.v6platform.observability.CollectorChart;
import dev.v6platform.observability.CollectorConfig;
import dev.v6platform.observability.ManagedPrometheus;
import dev.v6platform.observability.MetricsPipeline;
import dev.v6platform.observability.PlatformRules;
import dev.v6platform.observability.SeriesEstimate;
import dev.v6platform.validation.PlatformRulesPlugin;
import dev.v6platform.validation.TimedPlugin;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.cdk8s.YamlOutputType;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.AssetStaging;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;

/**
 * Synthesizes a set of environments in one JVM: one {@link PlatformStack} per environment into a cloud assembly,
 * and one cdk8s app per environment into {@code dist/<environment>/}, one YAML file per chart.
 *
 * <p>Every synth runs the CloudFormation registry-schema validation (findings are errors) and the cdk-nag
 * AwsSolutions rules as a validation plugin (findings fail synth unless acknowledged with a reason). Output is
 * staged and swapped in only when everything succeeded; the same input gives byte-identical output.
 *
 * <pre>{@code
 * PlatformSynthesis.Result r = PlatformSynthesis.run(envs, plan, Path.of("cdk.out"), Path.of("dist"));
 * }</pre>
 */
public final class PlatformSynthesis {
    /** Name of the chart file each environment's namespaces land in. */
    public static final String NAMESPACES_CHART = "namespaces";
    /** Name of the chart file with the metrics collector. */
    public static final String COLLECTOR_CHART = "metrics-collector";
    /** Name of the chart file with the BuildKit fleet. */
    public static final String BUILDKIT_CHART = "buildkit";
    /** The cardinality estimate against the budgets, per environment. */
    public static final String METRICS_BUDGET = "metrics-budget.md";
    /** The buildx commands for the BuildKit fleet, per environment. */
    public static final String BUILDX_GUIDE = "buildx.md";
    /** Name of the chart file with Karpenter's EC2NodeClass and NodePools. */
    public static final String KARPENTER_POOLS_CHART = "karpenter-pools";
    /** The Helm release GitOps installs before the pools, written beside the charts. */
    public static final String KARPENTER_RELEASE = "karpenter-controller.helm.yaml";

    /** The validation plugins in the order aws-cdk-lib runs and reports them: the app's, then its default. */
    static final List<String> PLUGIN_ORDER = List.of("AwsSolutions", PlatformRuleIds.PLUGIN,
            AssemblyParts.CFN_VALIDATE);

    private PlatformSynthesis() {
    }

    /**
     * What one synth built, for tests and reports. With a cache, {@code stacks}, {@code charts} and {@code estimates}
     * hold the environments synthesized this time, {@code cached} names those taken from the cache, and {@code app}
     * is null when all were.
     */
    public record Result(App app, AddressPlan plan, Map<String, PlatformStack> stacks,
            Map<String, org.cdk8s.App> charts, Path cdkOut, Path dist, Map<String, SeriesEstimate> estimates,
            Set<String> cached) {
        /** What {@link #build} returns: nothing taken from a cache. */
        public Result(App app, AddressPlan plan, Map<String, PlatformStack> stacks, Map<String, org.cdk8s.App> charts,
                Path cdkOut, Path dist, Map<String, SeriesEstimate> estimates) {
            this(app, plan, stacks, charts, cdkOut, dist, estimates, Set.of());
        }
    }

    /** Held while output is put in place, so an interrupt waits for the swap instead of cutting it in half. */
    private static final Object PLACING = new Object();
    /** Set by {@link #interrupt}: a synth that has not put its output in place yet never will. */
    private static boolean aborted;
    /** Whether the last synth of this JVM put its output in place. */
    private static boolean placed;

    /**
     * For the JVM's shutdown (Ctrl-C): stops a synth that has not begun to put its output in place, or waits until
     * one that has is done. Returns whether new output is in place.
     */
    static boolean interrupt() {
        synchronized (PLACING) {
            aborted = true;
            return placed;
        }
    }

    /** Report files written to the root of {@code dist/}. */
    public static final String PLAN_REPORT = "address-plan.md";
    public static final String PLAN_PICTURE = "address-plan.svg";

    /** Builds the construct trees without writing anything (for tests that inspect templates). */
    public static Result build(List<EnvironmentConfig> envs, AddressPlan plan, Path cdkOut, Path dist) {
        List<ConfigError> pipelineErrors = new ArrayList<>();
        Map<String, SeriesEstimate> estimates = new LinkedHashMap<>();
        Map<String, KarpenterPools> karpenterPools = new LinkedHashMap<>();
        for (EnvironmentConfig env : envs) {
            pipelineErrors.addAll(EndpointReach.problems(env, plan.vpc(env.name()).blocks()));
            karpenterPools(env).ifPresent(pools -> {
                karpenterPools.put(env.name(), pools);
                pipelineErrors.addAll(offeringsProblems(env, pools));
            });
            env.metrics().ifPresent(m -> {
                SeriesEstimate estimate = SeriesEstimate.of(env, m);
                estimates.put(env.name(), estimate);
                pipelineErrors.addAll(PlatformRules.checkPipeline(env, m));
                pipelineErrors.addAll(estimate.check(env, m));
            });
        }
        if (!pipelineErrors.isEmpty()) {
            throw new ConfigException(pipelineErrors);
        }
        Timings.mark("checks");
        JsiiWarmUp.await();
        // the CDK remembers staged assets per process; a second synth in this JVM stages into a new directory
        AssetStaging.clearAssetHashCache();
        App app = new App(AppProps.builder()
                .outdir(cdkOut.toString())
                .context(context(envs))
                .postCliContext(forcedContext())
                .analyticsReporting(false)
                .stackTraces(false)
                .build());
        Timings.mark("jsii_start");
        if (Timings.enabled()) {
            // the wrapper costs cdk-nag's report a round trip through Java: only when timings are asked for
            Validations.of(app).addPlugins(new TimedPlugin(new AwsSolutionsChecks(app), (name, nanos) -> Timings.add(
                    "validate_cdk_nag", nanos)), new TimedPlugin(new PlatformRulesPlugin(), (name, nanos) ->
                            Timings.add("validate_platform_rules", nanos)));
        } else {
            Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new PlatformRulesPlugin());
        }
        Map<String, PlatformStack> stacks = new LinkedHashMap<>();
        Map<String, ManagedPrometheus> regional = new LinkedHashMap<>();
        Map<String, org.cdk8s.App> charts = new LinkedHashMap<>();
        for (EnvironmentConfig env : envs) {
            stacks.put(env.name(), new PlatformStack(app, PlatformStack.nameOf(env), env, plan, envs, regional));
            org.cdk8s.App k8s = new org.cdk8s.App(org.cdk8s.AppProps.builder()
                    .outdir(dist.resolve(env.name()).toString())
                    .yamlOutputType(YamlOutputType.FILE_PER_CHART)
                    .build());
            PlatformNamespacesChart namespaces = new PlatformNamespacesChart(k8s, NAMESPACES_CHART, env);
            charts.put(env.name(), k8s);
            PlatformStack stack = stacks.get(env.name());
            boolean kubectl = env.cluster().delivery() == KubernetesDelivery.KUBECTL;
            KubernetesManifest namespacesManifest = kubectl ? stack.cluster().apply(NAMESPACES_CHART, namespaces)
                    : null;
            if (env.karpenter().isPresent()) {
                KarpenterAws aws = stack.karpenter().orElseThrow();
                KarpenterPoolsChart chart = new KarpenterPoolsChart(k8s, KARPENTER_POOLS_CHART,
                        karpenterPools.get(env.name()));
                if (kubectl) {
                    KarpenterController.install(stack.cluster(), aws, stack.cluster().apply(KARPENTER_POOLS_CHART,
                            chart));
                }
            }
            if (env.metrics().isPresent()) {
                SeriesEstimate estimate = estimates.get(env.name());
                CollectorChart collector = new CollectorChart(k8s, COLLECTOR_CHART, CollectorConfig.render(
                        CollectorConfig.build(env.region(), PlatformStack.clusterName(env), env.name(),
                                env.karpenter().isPresent(), env.buildkit().isPresent(),
                                MetricsPipeline.processors(env.metrics().get()), env.metrics().get().allow(),
                                estimate.sampleLimits(), Optional.of(CollectorConfig.Limiter.of(estimate)),
                                env.metrics().get().writeAheadLog())),
                        env.metrics().get().writeAheadLog(), estimate.collectorMemoryMiB());
                if (kubectl) {
                    KubernetesManifest workspace = KubernetesManifest.Builder.create(stack.cluster(),
                            "Manifest-" + CollectorChart.WORKSPACE_CONFIG_MAP)
                            .cluster(stack.cluster().cluster())
                            .manifest(List.of(workspaceConfigMap(stack.remoteWriteUrl().orElseThrow())))
                            .overwrite(true)
                            .build();
                    workspace.getNode().addDependency(namespacesManifest);
                    KubernetesManifest applied = stack.cluster().apply(COLLECTOR_CHART, collector);
                    applied.getNode().addDependency(namespacesManifest, workspace);
                    stack.collectorAccess().flatMap(a -> a.association())
                            .ifPresent(a -> applied.getNode().addDependency(a));
                }
            }
            if (env.buildkit().isPresent()) {
                BuildFleetChart fleet = new BuildFleetChart(k8s, BUILDKIT_CHART, env);
                if (kubectl) {
                    stack.cluster().apply(BUILDKIT_CHART, fleet).getNode().addDependency(namespacesManifest);
                }
            }
        }
        return new Result(app, plan, stacks, charts, cdkOut, dist, estimates);
    }

    /**
     * Synthesizes {@code envs} and puts the output in {@code cdkOut} and {@code dist} only if everything
     * succeeded.
     */
    public static Result run(List<EnvironmentConfig> envs, AddressPlan plan, Path cdkOut, Path dist) {
        return run(envs, plan, cdkOut, dist, result -> { });
    }

    /**
     * Like {@link #run(List, AddressPlan, Path, Path)}, with {@code extend} called on the built trees before they are
     * synthesized: the place to add constructs of your own to the platform's stacks and charts.
     */
    public static Result run(List<EnvironmentConfig> envs, AddressPlan plan, Path cdkOut, Path dist,
            Consumer<Result> extend) {
        return run(envs, plan, cdkOut, dist, extend, Set.of());
    }

    /**
     * Like {@link #run(List, AddressPlan, Path, Path, Consumer)}, keeping the {@code dist/<environment>/}
     * directories of {@code kept} (environments not synthesized this time) as they are: for a synth of some
     * environments only.
     */
    static Result run(List<EnvironmentConfig> envs, AddressPlan plan, Path cdkOut, Path dist,
            Consumer<Result> extend, Set<String> kept) {
        return run(envs, plan, cdkOut, dist, extend, kept, staged -> { });
    }

    /**
     * Like {@link #run(List, AddressPlan, Path, Path, Consumer, Set)}, with {@code check} called on the staged
     * Kubernetes output before anything is put in place: it throws to refuse the output.
     */
    static Result run(List<EnvironmentConfig> envs, AddressPlan plan, Path cdkOut, Path dist,
            Consumer<Result> extend, Set<String> kept, Consumer<Path> check) {
        return run(envs, plan, cdkOut, dist, extend, kept, check, Optional.empty());
    }

    /**
     * Like {@link #run(List, AddressPlan, Path, Path, Consumer, Set, Consumer)}, taking the output of every group of
     * environments (one, or those sharing a regional workspace) whose inputs did not change from {@code cache} and
     * synthesizing only the others; what was synthesized is stored there once it is in place. With {@code extend}
     * adding constructs, pass no cache: the cache does not know them.
     */
    static Result run(List<EnvironmentConfig> envs, AddressPlan plan, Path cdkOut, Path dist,
            Consumer<Result> extend, Set<String> kept, Consumer<Path> check, Optional<SynthCache> cache) {
        synchronized (PLACING) {
            placed = false;
        }
        Path stagedAssembly = OutputDirectories.staging(cdkOut);
        Path stagedDist = OutputDirectories.staging(dist);
        try {
            List<List<EnvironmentConfig>> groups = groups(envs);
            Map<List<EnvironmentConfig>, String> keys = new LinkedHashMap<>();
            Map<String, SynthCache.Entry> hits = new LinkedHashMap<>();
            Optional<AssemblyParts.Common> cachedCommon = cache.flatMap(SynthCache::common);
            if (cachedCommon.isPresent()) {
                for (List<EnvironmentConfig> group : groups) {
                    String key = cache.get().key(group, plan);
                    keys.put(group, key);
                    cache.get().lookup(key, cdkOut, group.stream().map(EnvironmentConfig::name).toList())
                            .ifPresent(entry -> group.forEach(e -> hits.put(e.name(), entry)));
                }
            } else {
                cache.ifPresent(c -> groups.forEach(g -> keys.put(g, c.key(g, plan))));
            }
            dropBorrowedWording(envs, groups, hits);
            Timings.mark("cache_lookup");
            Result result = new Result(null, plan, Map.of(), Map.of(), cdkOut, dist, Map.of());
            AssemblyParts.Split split = null;
            while (true) {
                List<EnvironmentConfig> fresh = envs.stream().filter(e -> !hits.containsKey(e.name())).toList();
                if (fresh.isEmpty()) {
                    break;
                }
                OutputDirectories.linkPreviousAssets(stagedAssembly, cdkOut);
                result = build(fresh, plan, stagedAssembly, stagedDist);
                extend.accept(result);
                Timings.mark("constructs");
                synthesize(result, stagedAssembly);
                writeEnvironmentFiles(fresh, result, stagedDist);
                split = AssemblyParts.split(stagedAssembly, fresh.stream().map(PlatformStack::nameOf).toList());
                Set<String> unworded = unworded(envs, hits, split);
                if (unworded.isEmpty()) {
                    break;
                }
                // rare: a cached stack would head a rule it was worded for by another; build its group too, afresh
                groups.stream().filter(g -> g.stream().anyMatch(e -> unworded.contains(e.name())))
                        .forEach(g -> g.forEach(e -> hits.remove(e.name())));
                OutputDirectories.staging(cdkOut);
                OutputDirectories.staging(dist);
                split = null;
            }
            AssemblyParts.Common common = split != null ? split.common() : cachedCommon.orElseThrow();
            Map<String, AssemblyParts.StackPart> freshParts = new LinkedHashMap<>();
            if (split != null) {
                split.stacks().forEach(p -> freshParts.put(p.stack(), p));
            }
            List<AssemblyParts.StackPart> parts = new ArrayList<>();
            for (EnvironmentConfig env : envs) {
                String stack = PlatformStack.nameOf(env);
                SynthCache.Entry entry = hits.get(env.name());
                if (entry == null) {
                    parts.add(freshParts.get(stack));
                    continue;
                }
                AssemblyParts.StackPart part = entry.parts().stream().filter(p -> p.stack().equals(stack))
                        .findFirst().orElseThrow();
                restore(cache.orElseThrow(), entry, part, stagedAssembly, cdkOut);
                OutputDirectories.copyDirectory(entry.dist(env.name()), stagedDist.resolve(env.name()));
                parts.add(part);
            }
            AssemblyParts.compose(common, parts, PLUGIN_ORDER, stagedAssembly);
            writeString(stagedDist.resolve(PLAN_REPORT), AddressPlanReport.markdown(plan));
            writeString(stagedDist.resolve(PLAN_PICTURE), AddressPlanSvg.render(plan));
            check.accept(stagedDist);
            for (String env : kept) {
                OutputDirectories.copyDirectory(dist.resolve(env), stagedDist.resolve(env));
            }
            synchronized (PLACING) {
                if (aborted) {
                    throw new SynthesisException("interrupted before the output was put in place", null);
                }
                OutputDirectories.replaceAssembly(stagedAssembly, cdkOut);
                OutputDirectories.replaceDirectory(stagedDist, dist);
                placed = true;
            }
            Timings.mark("reports_and_swap");
            if (cache.isPresent() && split != null && split.cacheable()) {
                store(cache.get(), split, groups, keys, hits.keySet(), cdkOut, dist);
                Timings.mark("cache_store");
            }
            Set<String> cached = new LinkedHashSet<>(hits.keySet());
            return new Result(result.app(), plan, result.stacks(), result.charts(), cdkOut, dist,
                    result.estimates(), cached);
        } finally {
            OutputDirectories.deleteRecursively(stagedAssembly);
            OutputDirectories.deleteRecursively(stagedDist);
        }
    }

    /** Synthesizes the CDK app and the cdk8s apps of {@code result} into the staging directories. */
    private static void synthesize(Result result, Path stagedAssembly) {
        try {
            result.app().synth();
            Timings.mark("cdk_synth_and_validation");
            result.charts().values().forEach(org.cdk8s.App::synth);
            Timings.mark("kubernetes_yaml");
        } catch (RuntimeException e) {
            List<String> found = findings(stagedAssembly.resolve("validation-report.json"));
            throw new SynthesisException(found.isEmpty() ? describe(e) : "validation failed with "
                    + found.size() + " finding(s); fix them, or acknowledge a finding with "
                    + "Validations.of(construct).acknowledge(...) and a written reason:\n  "
                    + String.join("\n  ", found), e);
        }
        List<String> warnings = findings(stagedAssembly.resolve("validation-report.json"));
        if (!warnings.isEmpty()) {
            throw new SynthesisException("validation found " + warnings.size() + " warning(s); warnings fail "
                    + "synth too, fix them or acknowledge each with a written reason:\n  "
                    + String.join("\n  ", warnings), null);
        }
    }

    /** The files written beside each environment's charts: Helm releases, the buildx guide, the metrics budget. */
    private static void writeEnvironmentFiles(List<EnvironmentConfig> envs, Result result, Path stagedDist) {
        for (EnvironmentConfig env : envs) {
            if (env.karpenter().isPresent()) {
                String cluster = PlatformStack.clusterName(env);
                writeString(stagedDist.resolve(env.name()).resolve(KARPENTER_RELEASE), helmReleases(
                        KarpenterController.releases(cluster, cluster + "-karpenter")));
            }
        }
        for (EnvironmentConfig env : envs) {
            if (env.buildkit().isPresent()) {
                writeString(stagedDist.resolve(env.name()).resolve(BUILDX_GUIDE), BuildxGuide.markdown(env));
            }
            if (env.metrics().isPresent()) {
                writeString(stagedDist.resolve(env.name()).resolve(METRICS_BUDGET), result.estimates()
                        .get(env.name()).markdown(env.name(), env.metrics().get()));
            }
        }
    }

    /**
     * The groups of environments synthesized together, in the order of their first member: each environment alone,
     * but those sharing a regional workspace together (one's stack owns it, the others refer to it).
     */
    static List<List<EnvironmentConfig>> groups(List<EnvironmentConfig> envs) {
        Map<String, List<EnvironmentConfig>> groups = new LinkedHashMap<>();
        for (EnvironmentConfig env : envs) {
            String group = env.metrics().filter(m -> m.regional()).map(m -> "workspace " + env.account() + "/"
                    + env.region()).orElse("environment " + env.name());
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(env);
        }
        return groups.values().stream().map(List::copyOf).toList();
    }

    /**
     * Drops from {@code hits} each group with a cached stack whose CloudFormation Validate entries are worded after a
     * stack that cannot come before it now: no cached stack before it has the rule, and no environment before it is
     * synthesized (which could have it). The plugin words a rule after the first template that has it (see
     * {@link AssemblyParts}); {@link #unworded} checks the rest once the synthesized stacks are known.
     */
    private static void dropBorrowedWording(List<EnvironmentConfig> envs, List<List<EnvironmentConfig>> groups,
            Map<String, SynthCache.Entry> hits) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> seen = new TreeSet<>();
            boolean freshBefore = false;
            for (EnvironmentConfig env : envs) {
                SynthCache.Entry entry = hits.get(env.name());
                if (entry == null) {
                    freshBefore = true;
                    continue;
                }
                AssemblyParts.StackPart part = partOf(entry, env);
                if (!freshBefore && !seen.containsAll(part.borrowed())) {
                    groups.stream().filter(g -> g.contains(env)).findFirst().orElseThrow()
                            .forEach(e -> hits.remove(e.name()));
                    changed = true;
                    break;
                }
                seen.addAll(part.validateRules());
            }
        }
    }

    /**
     * The environments whose cached stack would be the first, in this synth's order, with a CloudFormation Validate
     * rule it was worded for by another stack: their entries would not read as a synth without the cache words them.
     */
    private static Set<String> unworded(List<EnvironmentConfig> envs, Map<String, SynthCache.Entry> hits,
            AssemblyParts.Split split) {
        Map<String, AssemblyParts.StackPart> fresh = new LinkedHashMap<>();
        split.stacks().forEach(p -> fresh.put(p.stack(), p));
        Set<String> seen = new TreeSet<>();
        Set<String> out = new TreeSet<>();
        for (EnvironmentConfig env : envs) {
            SynthCache.Entry entry = hits.get(env.name());
            AssemblyParts.StackPart part = entry == null ? fresh.get(PlatformStack.nameOf(env)) : partOf(entry, env);
            for (String rule : part.validateRules()) {
                if (seen.add(rule) && entry != null && part.borrowed().contains(rule)) {
                    out.add(env.name());
                }
            }
        }
        return out;
    }

    private static AssemblyParts.StackPart partOf(SynthCache.Entry entry, EnvironmentConfig env) {
        String stack = PlatformStack.nameOf(env);
        return entry.parts().stream().filter(p -> p.stack().equals(stack)).findFirst().orElseThrow();
    }

    /** Puts a cached stack's files and assets into the staged assembly. */
    private static void restore(SynthCache cache, SynthCache.Entry entry, AssemblyParts.StackPart part,
            Path stagedAssembly, Path cdkOut) {
        try {
            for (String f : part.files()) {
                Files.copy(entry.file(f), stagedAssembly.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            for (String a : part.assets()) {
                Path staged = stagedAssembly.resolve(a);
                if (Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path source = cache.asset(a, cdkOut).orElseThrow(() -> new IllegalStateException(
                        "the synth cache lost asset " + a + "; delete " + cache.dir() + " and synthesize again"));
                if (Files.isDirectory(source)) {
                    OutputDirectories.copyDirectory(source, staged);
                } else if (source.toAbsolutePath().startsWith(cdkOut.toAbsolutePath())) {
                    // in place already: replaceAssembly keeps it (as for linkPreviousAssets)
                    Files.createSymbolicLink(staged, source.toAbsolutePath().normalize());
                } else {
                    try {
                        Files.createLink(staged, source);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(source, staged);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take " + part.stack() + " from the synth cache", e);
        }
    }

    /** Stores each group synthesized this time; a cache that cannot be written only costs the next synth time. */
    private static void store(SynthCache cache, AssemblyParts.Split split, List<List<EnvironmentConfig>> groups,
            Map<List<EnvironmentConfig>, String> keys, Set<String> hits, Path cdkOut, Path dist) {
        try {
            cache.storeCommon(split.common());
            for (List<EnvironmentConfig> group : groups) {
                if (hits.contains(group.get(0).name())) {
                    continue;
                }
                if (!cache.unchanged(group)) {
                    continue;   // a file changed while the synth ran: this output is not what its key says
                }
                List<String> stacks = group.stream().map(PlatformStack::nameOf).toList();
                List<AssemblyParts.StackPart> parts = split.stacks().stream().filter(p -> stacks.contains(
                        p.stack())).toList();
                cache.store(keys.get(group), parts, cdkOut, group.stream().map(EnvironmentConfig::name)
                        .toList(), dist);
            }
        } catch (IOException | RuntimeException e) {
            // the output is in place; the next synth of these environments synthesizes them again
        }
    }

    /**
     * Every violation in a validation report that aws-cdk-lib let pass (plugins' warnings: CloudFormation Validate
     * reports schema warnings such as an unknown enum value as W-rules). One line each.
     */
    @SuppressWarnings("unchecked")
    static List<String> findings(Path report) {
        if (!Files.exists(report)) {
            return List.of();
        }
        Map<String, Object> root;
        try (InputStream in = Files.newInputStream(report)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        for (Map<String, Object> plugin : (List<Map<String, Object>>) root.getOrDefault("pluginReports", List.of())) {
            for (Map<String, Object> v : (List<Map<String, Object>>) plugin.getOrDefault("violations", List.of())) {
                List<String> paths = new ArrayList<>();
                for (Map<String, Object> c : (List<Map<String, Object>>) v.getOrDefault("violatingConstructs",
                        List.of())) {
                    paths.add(String.valueOf(c.get("constructPath")));
                }
                out.add(v.get("severity") + " " + v.get("ruleName") + " (" + plugin.get("pluginName") + ") at "
                        + String.join(", ", paths) + ": " + v.get("description"));
            }
        }
        return out;
    }

    /** A Helm release description as YAML, with a header that says what it is. */
    /**
     * Pools that no instance type the refresh step recorded for the environment's zones satisfies. Without a context
     * file the check is skipped (the README says so): synth never asks AWS.
     */
    static List<ConfigError> offeringsProblems(EnvironmentConfig env) {
        return karpenterPools(env).map(pools -> offeringsProblems(env, pools)).orElse(List.of());
    }

    /** The environment's EC2NodeClass and NodePools, checked; empty without a karpenter section. */
    static Optional<KarpenterPools> karpenterPools(EnvironmentConfig env) {
        String cluster = PlatformStack.clusterName(env);
        return env.karpenter().map(k -> KarpenterPools.of(env, k, cluster, KarpenterAws.nodeRoleName(cluster),
                PlatformStack.instanceTags(env)));
    }

    private static List<ConfigError> offeringsProblems(EnvironmentConfig env, KarpenterPools pools) {
        Optional<EnvironmentContext> ctx = ContextFile.find(env);
        if (ctx.isEmpty()) {
            return List.of();
        }
        List<ConfigError> out = new ArrayList<>();
        String recorded = " (offerings recorded in " + EnvironmentLoader.display(ContextFile.of(env)) + ")";
        Set<String> offeredFamilies = new TreeSet<>();
        ctx.get().instanceTypes().forEach(t -> offeredFamilies.add(t.name().substring(0, t.name().indexOf('.'))));
        for (KarpenterSpec.Pool pool : env.karpenter().get().pools()) {
            for (String family : pool.families()) {
                if (!offeredFamilies.contains(family)) {
                    out.add(new ConfigError(env.source(), pool.line(), "karpenter.pools." + pool.name()
                            + ".families", "instance family " + family + " is not offered in " + env.region()
                            + recorded, "remove it, or use a family offered there"));
                }
            }
        }
        for (String problem : KarpenterRules.checkOfferings(pools.pools(), offerings(ctx.get()),
                new LinkedHashSet<>(env.availabilityZones()))) {
            int cut = problem.lastIndexOf("; ");
            out.add(new ConfigError(env.source(), env.karpenter().get().line(),
                    "karpenter.pools", problem.substring(0, cut) + recorded, problem.substring(cut + 2)));
        }
        return out;
    }

    /** The instance types a context records, as the Karpenter offerings check reads them. */
    static InstanceOfferings offerings(EnvironmentContext ctx) {
        Map<String, InstanceOfferings.InstanceType> types = new LinkedHashMap<>();
        Map<String, Set<String>> zones = new LinkedHashMap<>();
        for (InstanceTypeFacts t : ctx.instanceTypes()) {
            types.put(t.name(), new InstanceOfferings.InstanceType(t.name(), t.architecture(), t.hypervisor(),
                    t.vcpus()));
            zones.put(t.name(), new TreeSet<>(t.zones()));
        }
        return new InstanceOfferings(types, zones);
    }

    /** The ConfigMap that hands the collector its remote write URL (a deploy-time token), key-sorted. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> workspaceConfigMap(String remoteWriteUrl) {
        return (Map<String, Object>) KubeObjects.sorted(Map.of("apiVersion", "v1",
                "kind", "ConfigMap", "metadata", Map.of("name", CollectorChart.WORKSPACE_CONFIG_MAP,
                        "namespace", CollectorChart.NAMESPACE), "data", Map.of("remoteWriteUrl", remoteWriteUrl)));
    }

    static String helmReleases(List<Map<String, Object>> releases) {
        org.yaml.snakeyaml.DumperOptions options = new org.yaml.snakeyaml.DumperOptions();
        options.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        return "# Helm releases for GitOps (not Kubernetes objects), in order: the CRDs, then the controller with its\n"
                + "# bundled CRDs skipped; install both before karpenter-pools.k8s.yaml.\n"
                + "# With cluster.delivery: kubectl, cdk deploy installs them itself.\n"
                + new Yaml(options).dumpAll(releases.iterator());
    }

    private static void writeString(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line of a jsii error, without the JavaScript stack, and without a path to the staging dir. */
    static String describe(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = message.lines().findFirst().orElse(message).strip();
        if (first.startsWith("ValidationFailed")) {
            return "validation failed: the findings are listed above; fix them, or acknowledge a finding with "
                    + "Validations.of(construct).acknowledge(...) and a written reason";
        }
        return first;
    }

    /**
     * Context every synth starts from: aws-cdk-lib's recommended feature flags for the pinned version and the
     * availability zones of each environment (so no lookup is attempted). Sorted.
     */
    static Map<String, Object> context(List<EnvironmentConfig> envs) {
        Map<String, Object> context = new TreeMap<>(recommendedFeatureFlags());
        for (EnvironmentConfig env : envs) {
            context.put("availability-zones:account=" + env.account() + ":region=" + env.region(),
                    new ArrayList<>(env.availabilityZones()));
        }
        return context;
    }

    /**
     * Context that wins over anything the CDK CLI passes, so a test synth and {@code cdk synth} produce the same
     * bytes: validation findings are errors, no stack traces are recorded, path metadata is on.
     */
    static Map<String, Object> forcedContext() {
        Map<String, Object> forced = new TreeMap<>();
        forced.put("@aws-cdk/core:validateAgainstDefaultRules", true);
        forced.put("aws:cdk:disable-stack-trace", true);
        forced.put("aws:cdk:disable-creation-stack-traces", true);
        forced.put("aws:cdk:enable-path-metadata", true);
        forced.put("aws:cdk:enable-asset-metadata", true);
        forced.put("aws:cdk:version-reporting", false);
        return forced;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> recommendedFeatureFlags() {
        try (InputStream in = PlatformSynthesis.class.getResourceAsStream("recommended-feature-flags.json")) {
            if (in == null) {
                throw new IllegalStateException("recommended-feature-flags.json is missing from the classpath");
            }
            return new TreeMap<>((Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
