package dev.v6platform.app;

import dev.v6platform.buildkit.BuildFleetChart;
import dev.v6platform.config.AddressRange;
import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.ContextFile;
import dev.v6platform.config.ContextRules;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentContext;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.NetworkConfig;
import dev.v6platform.config.NetworkLoader;
import dev.v6platform.kubernetes.ImmutableChanges;
import dev.v6platform.network.plan.AddressLock;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.network.plan.AddressPlanner;
import dev.v6platform.network.plan.Ipv4Cidr;
import dev.v6platform.network.plan.LockFile;
import dev.v6platform.validation.ReplacementReview;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.jsii.JsiiException;

/**
 * The CDK app: {@code cdk.json} runs it. Reads every environment in {@code stacks/} and the address space in
 * {@code stacks/network.yaml}, plans addresses on top of {@code stacks/address-plan.lock.yaml}, synthesizes
 * CloudFormation to the CLI's output directory ({@code cdk.out}) and Kubernetes YAML and the address plan report
 * to {@code dist/}. When the plan allocated something new, the lock is rewritten after a successful synth (commit
 * it, as you would {@code cdk.context.json}).
 *
 * <pre>
 * usage: Main [--stacks DIR] [--dist DIR] [--out DIR] [--frozen-plan] [--release ENV]...
 *   --stacks       environment files, network.yaml and the lock (default: stacks)
 *   --dist         Kubernetes output and the address plan report (default: dist)
 *   --out          cloud assembly (default: $CDK_OUTDIR as set by the CDK CLI, else cdk.out)
 *   --frozen-plan  fail instead of adding to the lock (for CI)
 *   --release ENV  give ENV's allocations back before planning (repeatable); replaces its VPC if it still exists
 *   --require-context  fail when an environment has no stacks/context/&lt;env&gt;.json (or V6_REQUIRE_CONTEXT=1)
 *   --snapshots DIR  the approved output (default: snapshots beside the stacks directory): a change the
 *                  Kubernetes API refuses to apply (a StatefulSet's volumes) is refused unless acknowledged
 *   --only ENV     synthesize only ENV (repeatable; the environments sharing its workspace come along); the other
 *                  environments' dist/ directories are kept as they are
 *   --cache DIR    take environments whose inputs did not change from DIR and keep what is synthesized there
 *                  (default: $V6_SYNTH_CACHE; scripts/app.sh sets target/synth-cache); see {@link SynthCache}
 *   --no-cache     synthesize every environment (also V6_SYNTH_CACHE=off)
 * </pre>
 *
 * <p>Run by the CDK CLI ({@link CdkInvocation}), the app follows the CLI's command: {@code cdk ls}, {@code cdk diff}
 * and the other read-only commands plan in memory and never write the lock, and stack names given to the command
 * ({@code cdk synth v6-dev-use1}, patterns too) select the environments to synthesize, as {@code --only} does.
 *
 * <p>Exit codes: 0 success, 2 invalid configuration or usage, 1 synthesis or validation failure. Errors are printed
 * as located one-line messages, never as stack traces, and leave earlier output and the lock untouched.
 */
public final class Main {
    /** The lock's file name in the stacks directory. */
    public static final String LOCK_FILE = "address-plan.lock.yaml";
    public static final String NETWORK_FILE = "network.yaml";
    private static final String USAGE = "usage: [--stacks DIR] [--dist DIR] [--out DIR] [--frozen-plan] "
            + "[--require-context] [--release ENV]... [--only ENV]... [--snapshots DIR] [--cache DIR | --no-cache]";
    /** The environment variable naming the synth cache's directory ({@code off}: none). */
    static final String CACHE_VARIABLE = "V6_SYNTH_CACHE";
    /** No constructs added to the built trees: the only case the synth cache may serve. */
    private static final Consumer<PlatformSynthesis.Result> NO_EXTENSION = result -> { };

    /** Set when the app has run to its end: the shutdown hook then says nothing. */
    private static volatile boolean finished;
    /** Set when the JVM shuts down before the app has run to its end: its messages are dropped then. */
    private static volatile boolean silenced;

    private Main() {
    }

    public static void main(String[] args) {
        Timings.start();
        JsiiWarmUp.start();
        Thread interrupted = new Thread(() -> {
            if (!finished) {
                // the main thread runs on while the JVM shuts down; what it fails with now is no news
                silenced = true;
                Thread.setDefaultUncaughtExceptionHandler((t, e) -> { });
                System.err.println("v6-platform: interrupted; " + (PlatformSynthesis.interrupt()
                        ? "the new output is in place but the lock may not be written yet: run the synth again"
                        : "cdk.out/, dist/ and the lock are as they were"));
                System.err.flush();
            }
        });
        Runtime.getRuntime().addShutdownHook(interrupted);
        PrintStream err = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                if (!silenced) {
                    System.err.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (!silenced) {
                    System.err.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
        int code = run(args, System.out, err);
        finished = true;
        if (Timings.enabled()) {
            Timings.mark("done");
            System.err.println("v6-platform: timings (ms): " + Timings.line());
        }
        markSuccess(code, System.getProperty(SUCCESS_MARKER));
        System.out.flush();
        System.err.flush();
        // jsii keeps a node child process; exit explicitly so the JVM does not wait on it.
        System.exit(code);
    }

    /**
     * System property naming a file to create when the app succeeds: scripts/app.sh promotes the class-data archive a
     * synth records only once that synth has succeeded.
     */
    static final String SUCCESS_MARKER = "v6.success.marker";

    static void markSuccess(int code, String marker) {
        if (code != 0 || marker == null) {
            return;
        }
        try {
            Files.writeString(Path.of(marker), "");
        } catch (IOException e) {
            // without the marker the recording is dropped, and the next synth records again
        }
    }

    /** Runs the app; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, NO_EXTENSION);
    }

    /**
     * Warnings about what the committed contexts leave unchecked; with {@code required}, a missing context is an
     * error instead.
     */
    static List<String> contextWarnings(List<EnvironmentConfig> envs,
            Map<String, Optional<EnvironmentContext>> contexts, boolean required) {
        List<String> warnings = new ArrayList<>();
        List<ConfigError> missing = new ArrayList<>();
        for (EnvironmentConfig env : envs) {
            Optional<EnvironmentContext> ctx = contexts.get(env.name());
            if (ctx.isEmpty() && required) {
                missing.add(new ConfigError(env.source(), env.line(), "name", "there is no "
                        + EnvironmentLoader.display(ContextFile.of(env)) + " and the context is required "
                        + "(--require-context)", ContextRules.refreshFix(env.name())));
            } else {
                warnings.addAll(ContextRules.warnings(env, ctx));
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(missing);
        }
        return warnings;
    }

    /**
     * The IPv4 blocks the refresh step found in the environments' accounts and regions that this lock does not hold:
     * used space for the planner. That is every block of a VPC the platform did not create, and every block of one it
     * did (tagged {@code v6-platform:managed-by}) that is not a block in the lock: a released environment's VPC that
     * still exists, or one planned by another checkout. Each block once (environments can share an account and
     * region), sorted.
     */
    static List<AddressRange> discoveredRanges(List<EnvironmentConfig> envs,
            Map<String, Optional<EnvironmentContext>> contexts, AddressLock lock) {
        Set<Ipv4Cidr> locked = new TreeSet<>();
        lock.vpcs().values().forEach(v -> locked.addAll(v.blocks()));
        Map<Ipv4Cidr, AddressRange> out = new TreeMap<>();
        for (EnvironmentConfig env : envs) {
            contexts.get(env.name()).ifPresent(ctx -> ctx.vpcRanges().forEach(r -> {
                Ipv4Cidr cidr = Ipv4Cidr.parse(r.cidr());
                if (r.managed() && locked.contains(cidr)) {
                    return;
                }
                out.putIfAbsent(cidr, new AddressRange(cidr, "VPC " + r.vpcId() + " of account " + ctx.account()
                        + " in " + ctx.region() + (r.managed() ? ", tagged v6-platform:managed-by but not in this "
                        + "lock" : ""), EnvironmentLoader.display(ContextFile.of(env)), 0));
            }));
        }
        return List.copyOf(out.values());
    }

    /** Runs the app with {@code extend} applied to the built trees before synth (see {@link PlatformSynthesis}). */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<PlatformSynthesis.Result> extend) {
        String cliOut = System.getenv("CDK_OUTDIR");
        // only the CDK CLI sets CDK_OUTDIR: look for its command line then, never in a direct run or a test
        return run(args, out, err, extend, cliOut == null || cliOut.isBlank() ? Optional.empty()
                : CdkInvocation.detect());
    }

    /** Runs the app as if the CDK CLI's {@code cli} command ran it. */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<PlatformSynthesis.Result> extend,
            Optional<CdkInvocation> cli) {
        Path stacks = Path.of("stacks");
        Path dist = Path.of("dist");
        String envOut = System.getenv("CDK_OUTDIR");
        Path cdkOut = Path.of(envOut != null && !envOut.isBlank() ? envOut : "cdk.out");
        boolean frozen = false;
        boolean requireContext = "1".equals(System.getenv("V6_REQUIRE_CONTEXT"))
                || "true".equals(System.getenv("V6_REQUIRE_CONTEXT"));
        Set<String> release = new TreeSet<>();
        Set<String> only = new TreeSet<>();
        Path snapshots = null;
        String cacheSetting = System.getenv(CACHE_VARIABLE);
        Path cacheDir = cacheSetting == null || cacheSetting.isBlank() || cacheSetting.equals("off") ? null
                : Path.of(cacheSetting);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                out.println(USAGE.replace("usage: ", "usage: scripts/app.sh "));
                out.println("  --stacks DIR   environment files, network.yaml and the lock (default: stacks)");
                out.println("  --dist DIR     Kubernetes YAML and the address plan report (default: dist)");
                out.println("  --out DIR      cloud assembly (default: $CDK_OUTDIR, else cdk.out)");
                out.println("  --frozen-plan  fail instead of adding to stacks/address-plan.lock.yaml");
                out.println("  --release ENV  give ENV's address allocations back before planning (repeatable)");
                out.println("  --require-context  fail when an environment has no stacks/context/<env>.json "
                        + "(also V6_REQUIRE_CONTEXT=1)");
                out.println("  --only ENV     synthesize only ENV (repeatable); other environments' dist/ is kept "
                        + "(npx cdk synth v6-ENV does the same)");
                out.println("  --snapshots DIR  approved output to check Kubernetes changes against (default: "
                        + "snapshots beside the stacks directory)");
                out.println("  --cache DIR    take environments whose inputs did not change from DIR, keep new output "
                        + "there (default: $V6_SYNTH_CACHE; scripts/app.sh sets target/synth-cache)");
                out.println("  --no-cache     synthesize every environment (also V6_SYNTH_CACHE=off)");
                out.println("Run by the CDK CLI, 'cdk ls' and 'cdk diff' never write the lock.");
                return 0;
            }
            if (flag.equals("--frozen-plan")) {
                frozen = true;
                continue;
            }
            if (flag.equals("--require-context")) {
                requireContext = true;
                continue;
            }
            if (flag.equals("--no-cache")) {
                cacheDir = null;
                continue;
            }
            if (i + 1 >= args.length || !List.of("--stacks", "--dist", "--out", "--release", "--only",
                    "--snapshots", "--cache").contains(flag)) {
                err.println("error: unknown or incomplete argument '" + flag + "'; " + USAGE);
                return 2;
            }
            String value = args[++i];
            switch (flag) {
                case "--stacks" -> stacks = Path.of(value);
                case "--dist" -> dist = Path.of(value);
                case "--release" -> release.add(value);
                case "--only" -> only.add(value);
                case "--snapshots" -> snapshots = Path.of(value);
                case "--cache" -> cacheDir = Path.of(value);
                default -> cdkOut = Path.of(value);
            }
        }
        try {
            Map<Path, String> inputs = cacheDir == null ? Map.of() : SynthCache.snapshot(stacks);
            List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(stacks);
            Map<String, Optional<EnvironmentContext>> contexts = new LinkedHashMap<>();
            envs.forEach(env -> contexts.put(env.name(), ContextFile.find(env)));
            contextWarnings(envs, contexts, requireContext).forEach(w -> err.println("warning: " + w));
            NetworkConfig network = NetworkLoader.load(stacks.resolve(NETWORK_FILE));
            Path lockPath = stacks.resolve(LOCK_FILE);
            LockFile.Read read = LockFile.readLocated(lockPath);
            AddressLock lock = read.lock();
            Timings.mark("load_stacks");
            AddressPlan plan = AddressPlanner.plan(network, envs, read, release, discoveredRanges(envs, contexts,
                    lock));
            Timings.mark("address_plan");
            if (frozen && !plan.changes().isEmpty()) {
                throw new ConfigException(new ConfigError(EnvironmentLoader.display(lockPath), 0, "",
                        "the lock is out of date (--frozen-plan): " + String.join("; ", plan.changes()),
                        "run the synth without --frozen-plan, review the lock's diff and commit it"));
            }
            List<String> known = envs.stream().map(EnvironmentConfig::name).toList();
            for (String name : only) {
                if (!known.contains(name)) {
                    throw new ConfigException(new ConfigError(EnvironmentLoader.display(stacks), 0, "",
                            "--only " + name + ": there is no such environment", "name one of " + known));
                }
            }
            List<EnvironmentConfig> selected = select(envs, only, cli);
            Set<String> kept = new TreeSet<>();
            envs.stream().filter(e -> !selected.contains(e)).forEach(e -> kept.add(e.name()));
            Path approved = snapshots != null ? snapshots
                    : stacks.toAbsolutePath().normalize().resolveSibling("snapshots");
            Optional<SynthCache> cache = cacheDir == null || extend != NO_EXTENSION ? Optional.empty()
                    : Optional.of(SynthCache.open(cacheDir, List.of(stacks.resolve(NETWORK_FILE)), System.getenv(),
                            inputs));
            PlatformSynthesis.Result result = PlatformSynthesis.run(selected, plan, cdkOut, dist, extend, kept,
                    staged -> checkImmutable(selected, approved, staged), cache);
            if (!plan.lock().equals(lock)) {
                if (cli.isEmpty() || cli.get().writesLock()) {
                    writeAtomically(lockPath, LockFile.write(plan.lock()));
                    err.println("v6-platform: address plan changed; review and commit " + EnvironmentLoader.display(
                            lockPath) + ":");
                } else {
                    err.println("v6-platform: the address plan would change, but 'cdk " + cli.get().command()
                            + "' never writes " + EnvironmentLoader.display(lockPath) + " (the output shows the "
                            + "planned addresses); run 'npx cdk synth' to write it, then review and commit it:");
                }
                plan.changes().forEach(c -> err.println("  " + c));
            }
            err.println("v6-platform: synthesized " + selected.size() + " environment(s) ("
                    + String.join(", ", selected.stream().map(EnvironmentConfig::name).toList())
                    + "): CloudFormation in "
                    + cdkOut + ", Kubernetes YAML in " + dist + "/<environment>/, address plan in " + dist + "/"
                    + PlatformSynthesis.PLAN_REPORT + (result.cached().isEmpty() ? "" : "; unchanged since a "
                    + "synth kept in " + cacheDir + ", so taken from there: " + String.join(", ", result.cached())));
            return 0;
        } catch (ConfigException e) {
            err.println("error: invalid configuration (" + e.errors().size() + " problem"
                    + (e.errors().size() == 1 ? "" : "s") + "); nothing was written:");
            e.errors().forEach(problem -> err.println("  " + problem.format()));
            return 2;
        } catch (SynthesisException e) {
            err.println("error: synthesis failed; nothing was written: " + e.getMessage());
            return 1;
        } catch (JsiiException e) {
            err.println("error: synthesis failed; nothing was written: " + firstLines(e.getMessage()));
            return 1;
        } catch (UncheckedIOException e) {
            err.println("error: cannot write output: " + e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            // a missing setup step (npm ci, a schema file): the message names it
            err.println("error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("error: internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage()
                    + "; please report it" + (System.getenv("V6_DEBUG") != null ? "" : " (V6_DEBUG=1 prints the "
                    + "stack trace)"));
            if (System.getenv("V6_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /**
     * Refuses Kubernetes changes the API server would refuse to apply (see {@link ImmutableChanges}) against the
     * approved snapshot of each environment, unless its file acknowledges them: with the migration to do first.
     */
    static void checkImmutable(List<EnvironmentConfig> envs, Path snapshots, Path staged) {
        List<ConfigError> problems = new ArrayList<>();
        for (EnvironmentConfig env : envs) {
            Map<String, String> recorded = ReplacementReview.readRecord(snapshots.resolve(env.name()));
            for (ImmutableChanges.Change c : immutableChanges(snapshots.resolve(env.name()).resolve("kubernetes"),
                    staged.resolve(env.name()))) {
                // an entry recorded for an earlier change of the same object does not cover this one
                if (env.acknowledgedReplacements().stream().anyMatch(a -> a.logicalId().equals(c.id())
                        && ReplacementReview.earlierChange(a, ReplacementReview.kubernetes(c), recorded).isEmpty())) {
                    continue;
                }
                int line = env.line();
                String field = "name";
                if (env.buildkit().isPresent()) {
                    List<BuildkitSpec.Pool> pools = env.buildkit().get().pools();
                    for (int i = 0; i < pools.size(); i++) {
                        if (c.id().equals("StatefulSet/" + BuildFleetChart.NAMESPACE + "/buildkitd-"
                                + pools.get(i).architecture())) {
                            line = pools.get(i).line();
                            field = "buildkit.pools[" + i + "]" + (c.field().equals("volumeClaimTemplates")
                                    ? ".cacheGiB" : "");
                        }
                    }
                }
                problems.add(new ConfigError(env.source(), line, field, "this changes " + c.field() + " of "
                        + c.id() + " (approved in " + EnvironmentLoader.display(snapshots.resolve(env.name()))
                        + "/), which Kubernetes cannot update: kubectl apply would fail and the deploy roll back",
                        "keep the old value, or migrate: " + c.migration() + "; then acknowledge it with "
                        + "acknowledgedReplacements: [{logicalId: " + c.id() + ", reason: ...}]"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The refused changes between the approved YAML files in {@code approved} and those in {@code built}. */
    static List<ImmutableChanges.Change> immutableChanges(Path approved, Path built) {
        List<ImmutableChanges.Change> out = new ArrayList<>();
        if (!Files.isDirectory(approved)) {
            return out;
        }
        try (var files = Files.list(approved)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".k8s.yaml")).sorted().toList()) {
                Path now = built.resolve(f.getFileName().toString());
                if (Files.isRegularFile(now)) {
                    out.addAll(ImmutableChanges.between(Files.readString(f), Files.readString(now)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + approved, e);
        }
        return out;
    }

    /**
     * The environments to synthesize: those named by {@code --only} or selected by the CLI's stack names, with every
     * environment that shares a regional workspace with one of them (its stack refers to the owner's); all when
     * nothing is named or nothing named matches (the CLI then says which stack it did not find).
     */
    static List<EnvironmentConfig> select(List<EnvironmentConfig> envs, Set<String> only,
            Optional<CdkInvocation> cli) {
        Set<String> names = new TreeSet<>(only);
        cli.ifPresent(c -> {
            if (!c.all() && !c.selectors().isEmpty()) {
                envs.stream().filter(e -> c.selects(PlatformStack.nameOf(e))).forEach(e -> names.add(e.name()));
            }
        });
        if (names.isEmpty()) {
            return envs;
        }
        Set<String> groups = new TreeSet<>();
        envs.stream().filter(e -> names.contains(e.name())).forEach(e -> sharedWorkspace(e).ifPresent(groups::add));
        List<EnvironmentConfig> out = envs.stream().filter(e -> names.contains(e.name())
                || sharedWorkspace(e).map(groups::contains).orElse(false)).toList();
        return out.isEmpty() ? envs : out;
    }

    /** The account and region whose workspace {@code env} shares, if it shares one. */
    private static Optional<String> sharedWorkspace(EnvironmentConfig env) {
        return env.metrics().filter(m -> m.regional()).map(m -> env.account() + "/" + env.region());
    }

    /** Replaces {@code file} in one rename, so it is never half-written. */
    static void writeAtomically(Path file, String text) {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A jsii error message without the JavaScript stack trace that follows it. */
    static String firstLines(String message) {
        if (message == null) {
            return "(no message)";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\n")) {
            if (line.strip().startsWith("at ") || line.strip().startsWith("--- resolve")) {
                break;
            }
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(line);
        }
        return sb.toString().strip();
    }
}
