package dev.v6platform.config;

import dev.v6platform.kubernetes.NodeLabels;
import dev.v6platform.kubernetes.PlatformNamespace;
import dev.v6platform.network.plan.Ipv4Cidr;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the environments in {@code stacks/}: every {@code *.yaml} file directly in the directory is one
 * environment. Parsing is strict and every problem is reported with its file, line and field; all problems of a
 * run are collected and thrown together as one {@link ConfigException}.
 *
 * <pre>{@code
 * List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(Path.of("stacks"));
 * }</pre>
 *
 * <p>The format is published as a JSON Schema in {@code stacks/schema.json}; the test suite proves both accept and
 * refuse the same files.
 */
public final class EnvironmentLoader {
    /** Shared files in {@code stacks/} that are not environments (filled by later capabilities). */
    public static final Set<String> SHARED_FILES = Set.of("network.yaml", "address-plan.lock.yaml");

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,22}[a-z0-9]");
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    public static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}");
    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");
    static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");
    static final Pattern TAG_CHARS = Pattern.compile("[A-Za-z0-9_\\u00C0-\\uFFFF .:/=+\\-@]*");
    /** Tag keys the platform sets itself on every resource. */
    public static final String TAG_PREFIX = "v6-platform:";
    /** Label prefixes the platform or Kubernetes owns on namespaces. */
    static final List<String> RESERVED_LABEL_PREFIXES = List.of("pod-security.kubernetes.io/",
            "kubernetes.io/", "k8s.io/", "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of",
            "v6-platform.dev/");
    static final int MAX_USER_TAGS = 40;

    private EnvironmentLoader() {
    }

    /**
     * Loads every environment in {@code dir}, sorted by name.
     *
     * @throws ConfigException listing every problem in every file
     */
    public static List<EnvironmentConfig> loadDirectory(Path dir) {
        return loadDirectory(dir, true);
    }

    /**
     * Loads every environment without reading or checking their committed context: the refresh step's view, which
     * must work while a context file is missing, stale or broken. Zone ids and add-on version words stay as written.
     */
    public static List<EnvironmentConfig> loadDirectoryWithoutContext(Path dir) {
        return loadDirectory(dir, false);
    }

    private static List<EnvironmentConfig> loadDirectory(Path dir, boolean useContext) {
        Problems problems = new Problems();
        String shown = display(dir);
        if (!Files.isDirectory(dir)) {
            problems.add(shown, 0, "", "directory not found",
                    "run from the project root, or create it with one YAML file per environment");
            problems.throwIfAny();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml")
                            || p.getFileName().toString().endsWith(".yml"))
                    .filter(p -> !SHARED_FILES.contains(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            problems.add(shown, 0, "", "cannot list the directory: " + e.getMessage(), "check its permissions");
            problems.throwIfAny();
            return List.of();
        }
        if (files.isEmpty()) {
            problems.add(shown, 0, "", "no environment files (*.yaml) found",
                    "add one file per environment, e.g. " + shown + "/dev-use1.yaml");
        }
        List<EnvironmentConfig> envs = new ArrayList<>();
        for (Path file : files) {
            read(file, problems).flatMap(text -> parse(display(file), text, problems, useContext))
                    .ifPresent(envs::add);
        }
        Map<String, EnvironmentConfig> byName = new HashMap<>();
        for (EnvironmentConfig env : envs) {
            EnvironmentConfig first = byName.putIfAbsent(env.name(), env);
            if (first != null) {
                problems.add(env.source(), env.line(), "name", "environment name '" + env.name() + "' is already "
                        + "used by " + first.source() + ":" + first.line(), "give each environment a unique name");
            }
        }
        envs.sort((a, b) -> a.name().compareTo(b.name()));
        sharedWorkspaces(envs, problems);
        problems.throwIfAny();
        return List.copyOf(envs);
    }

    /**
     * Environments that share their account and region's workspace must agree on its settings (retention and alert
     * e-mails): the first by name owns it.
     */
    private static void sharedWorkspaces(List<EnvironmentConfig> envs, Problems problems) {
        Map<String, EnvironmentConfig> owners = new HashMap<>();
        Map<String, Long> totals = new HashMap<>();
        for (EnvironmentConfig env : envs) {
            if (env.metrics().isEmpty() || !env.metrics().get().regional()) {
                continue;
            }
            MetricsSpec m = env.metrics().get();
            String key = env.account() + "/" + env.region();
            long total = totals.merge(key, m.seriesBudget(), Long::sum);
            long limit = MetricsSpec.WORKSPACE_SERIES_LIMIT;
            if (total > limit && total - m.seriesBudget() <= limit) {
                problems.add(env.source(), m.line(), "metrics.seriesBudget", "the environments sharing the "
                        + env.region() + " workspace would send " + total + " active series, above its limit of "
                        + MetricsSpec.WORKSPACE_SERIES_LIMIT, "lower their seriesBudgets, or give one of them "
                        + "workspace: environment");
            }
            EnvironmentConfig owner = owners.putIfAbsent(key, env);
            if (owner != null) {
                MetricsSpec o = owner.metrics().get();
                if (o.retentionDays() != m.retentionDays() || !o.alertEmails().equals(m.alertEmails())) {
                    problems.add(env.source(), m.line(), "metrics", "shares the " + env.region() + " workspace with "
                            + owner.name() + " (" + owner.source() + "), but sets retentionDays or alertEmails "
                            + "differently", "give both the same retentionDays and alertEmails, or use workspace: "
                            + "environment");
                }
            }
        }
    }

    /** Loads one environment file. */
    public static EnvironmentConfig loadFile(Path file) {
        Problems problems = new Problems();
        Optional<EnvironmentConfig> env = read(file, problems).flatMap(text -> parse(display(file), text, problems));
        problems.throwIfAny();
        return env.orElseThrow();
    }

    /** Reads a file as strict UTF-8 (a byte-order mark is dropped). */
    public static Optional<String> read(Path file, Problems problems) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problems.add(display(file), 0, "", "cannot read the file: " + e.getMessage(), "check that it exists");
            return Optional.empty();
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            problems.add(display(file), line, "", "the file is not valid UTF-8 (byte " + offset + " is 0x"
                    + String.format(Locale.ROOT, "%02X", bytes[offset] & 0xff) + ")",
                    "save the file as UTF-8");
            return Optional.empty();
        }
        String text = out.flip().toString();
        return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /** Parses the text of one environment file. */
    public static Optional<EnvironmentConfig> parse(String file, String text, Problems problems) {
        return parse(file, text, problems, true);
    }

    private static Optional<EnvironmentConfig> parse(String file, String text, Problems problems,
            boolean useContext) {
        Optional<Node> composed = compose(file, text, problems);
        if (composed.isEmpty()) {
            return Optional.empty();
        }
        Node root = composed.get();
        int before = problems.size();
        Optional<YamlObject> object = YamlObject.of(file, "", root, problems);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        EnvironmentConfig env = environment(object.get(), useContext);
        return problems.size() == before ? Optional.of(env) : Optional.empty();
    }

    /** Parses YAML text into one document node, or records a located problem (broken YAML, empty file). */
    public static Optional<Node> compose(String file, String text, Problems problems) {
        Node root;
        try {
            root = yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            problems.add(file, mark == null ? 0 : mark.getLine() + 1, "", "broken YAML: " + what.trim() + context,
                    "fix the syntax at that line: check indentation, a missing ':' or an unclosed quote or bracket");
            return Optional.empty();
        } catch (YAMLException e) {
            problems.add(file, 0, "", "broken YAML: " + e.getMessage(),
                    "fix the syntax: check indentation, quotes and brackets");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            // SnakeYAML refuses some '!' tags (such as '!%d') this way, without a position
            problems.add(file, 0, "", "broken YAML: a '!' tag that cannot be read (" + e.getMessage().trim() + ")",
                    "remove the tag: these files are plain YAML and use no '!' tags");
            return Optional.empty();
        }
        if (root == null) {
            problems.add(file, 0, "", "the file is empty", "write its content; see README.md for the format");
            return Optional.empty();
        }
        return Optional.of(root);
    }

    private static EnvironmentConfig environment(YamlObject y, boolean useContext) {
        String name = y.string("name", "dev-use1").map(s -> check(y, s, NAME.matcher(s.value()).matches(),
                "'" + s.value() + "' is not a valid environment name: 3-24 characters, lowercase letters, digits "
                        + "and '-', starting with a letter",
                "rename it, e.g. 'dev-use1'")).orElse(null);
        String account = y.string("account", "\"111111111111\"").map(s -> check(y, s,
                ACCOUNT.matcher(s.value()).matches(),
                "'" + s.value() + "' is not an AWS account id (12 digits)",
                "write the 12-digit account id in quotes, e.g. account: \"111111111111\"")).orElse(null);
        String region = y.string("region", "us-east-1").map(s -> check(y, s, REGION.matcher(s.value()).matches(),
                "'" + s.value() + "' is not an AWS region name", "use a region code such as 'us-east-1' or "
                        + "'eu-west-1'")).orElse(null);
        ContextRules.View ctx = useContext && name != null ? context(y, name, account, region)
                : ContextRules.View.UNCHECKED;
        if (region != null && useContext && ctx.context().isEmpty() && !AwsRegions.known(region)) {
            y.problem(y.lineOf("region"), "region", "'" + region + "' is not an AWS region this release knows (did "
                    + "you mean " + AwsRegions.closest(region) + "?)", "correct the region; for a region launched "
                    + "after this release, run " + ContextFile.REFRESH_COMMAND + " " + name + " so its context "
                    + "confirms it");
        }
        List<String> zones = y.stringList("availabilityZones", "[" + (region == null ? "us-east-1" : region) + "a, "
                + (region == null ? "us-east-1" : region) + "b]").map(list -> zones(y, list, region, name, ctx))
                .orElse(List.of());
        KubernetesVersion version = y.string("kubernetesVersion", "\"1.33\"").map(s -> {
            try {
                KubernetesVersion parsed = KubernetesVersion.parse(s.value());
                ContextRules.kubernetesVersion(y, s, parsed, ctx.context());
                return parsed;
            } catch (IllegalArgumentException e) {
                y.problem(s.line(), s.field(), e.getMessage() + "; allowed: 1." + KubernetesVersion.MIN_MINOR
                        + " to 1." + KubernetesVersion.MAX_MINOR, "set kubernetesVersion: \"1."
                        + KubernetesVersion.MAX_MINOR + "\" or another supported version, in quotes");
                return null;
            }
        }).orElse(null);
        Map<String, String> tags = y.stringMap("tags", null).map(map -> tags(y, map)).orElse(Map.of());
        NetworkSpec network = y.object("network", "{vpcPrefixLength: 20, subnets: {public: {prefixLength: 26}, "
                + "nodes: {prefixLength: 22}}}").map(n -> network(n, zones.size())).orElse(null);
        ClusterSpec cluster = y.object("cluster", "{admins: [\"arn:aws:iam::111111111111:role/platform-admins\"], "
                + "addons: {...}, systemNodes: {instanceTypes: [m7g.large]}}").map(c -> cluster(c, version, name,
                ctx))
                .orElse(null);
        Optional<KarpenterSpec> karpenter = y.object("karpenter", null).map(k -> karpenter(k, version, name, ctx));
        List<NamespaceConfig> namespaces = y.objectList("namespaces", null).map(EnvironmentLoader::namespaces)
                .orElse(List.of());
        Optional<BuildkitSpec> buildkit = y.object("buildkit", null).flatMap(b -> cluster == null ? Optional.empty()
                : BuildkitSection.parse(b, karpenter, namespaces, cluster));
        Optional<MetricsSpec> metrics = y.object("metrics", null).flatMap(MetricsSection::parse);
        List<AcknowledgedReplacement> replacements = y.objectList("acknowledgedReplacements", null)
                .map(EnvironmentLoader::replacements).orElse(List.of());
        y.finish();
        if (name == null || account == null || region == null || version == null || network == null
                || cluster == null) {
            return null;
        }
        return new EnvironmentConfig(name, account, region, zones, version, tags, network, cluster, karpenter,
                buildkit, metrics, namespaces, replacements, y.file(), y.lineOf("name"));
    }

    /** False, with a problem reported, when the value is present and does not match {@code pattern}. */
    private static boolean matches(YamlObject y, Optional<Scalar> value, Pattern pattern, String what, String fix) {
        if (value.isPresent() && !pattern.matcher(value.get().value()).matches()) {
            y.problem(value.get().line(), value.get().field(), "'" + value.get().value() + "' is not " + what, fix);
            return false;
        }
        return true;
    }

    static String check(YamlObject y, Scalar s, boolean ok, String problem, String fix) {
        if (!ok) {
            y.problem(s.line(), s.field(), problem, fix);
            return null;
        }
        return s.value();
    }

    /** Refuses a range that overlaps one listed before it: one of them is redundant or a typo. */
    private static void overlappingCidrs(YamlObject y, List<Scalar> listed) {
        Cidrs.firstOverlap(listed.stream().map(Scalar::value).toList()).ifPresent(pair -> {
            Scalar later = listed.get(pair[0]);
            Scalar earlier = listed.get(pair[1]);
            y.problem(later.line(), later.field(), "'" + later.value() + "' overlaps " + earlier.value() + ", listed "
                    + "before it", "keep the wider range and remove the other, or fix the typo");
        });
    }

    /** EC2 instance categories: the letters before an instance family's generation (m7g, inf2, hpc7g, u7i). */
    static final Set<String> INSTANCE_CATEGORIES = Set.of("a", "c", "d", "dl", "f", "g", "gr", "h", "hpc", "i", "im",
            "inf", "is", "m", "mac", "p", "r", "t", "trn", "u", "vt", "x", "z");
    /** The newest EC2 instance generation (c8g, m8i, r8gd); raise it when EC2 launches a newer one. */
    static final int NEWEST_GENERATION = 8;
    private static final Pattern FAMILY_PARTS = Pattern.compile("([a-z]+)(\\d+)([a-z-]*)");

    /** Refuses an instance family with an unknown category or a generation EC2 does not have. */
    private static void familyExists(YamlObject p, String family) {
        Matcher m = FAMILY_PARTS.matcher(family);
        if (!m.matches()) {
            return;
        }
        if (!INSTANCE_CATEGORIES.contains(m.group(1))) {
            p.problem(p.lineOf("families"), p.field("families"), "instance family " + family + " does not exist: "
                    + "'" + m.group(1) + "' is not an EC2 instance category (" + String.join(", ",
                            new TreeSet<>(INSTANCE_CATEGORIES)) + ")", "use a family such as m7g, c7i or "
                    + "r8g; 'aws ec2 describe-instance-types' lists them");
        } else if (m.group(2).length() > 2 || Integer.parseInt(m.group(2)) > NEWEST_GENERATION) {
            p.problem(p.lineOf("families"), p.field("families"), "instance family " + family + " does not exist: "
                    + "the newest EC2 generation is " + NEWEST_GENERATION, "use a family such as m8g or c7i");
        }
    }

    /** A CloudFormation logical id, or a Kubernetes object as {@code <Kind>/<namespace>/<name>}. */
    static final Pattern LOGICAL_ID = Pattern.compile(
            "[A-Za-z0-9]{1,255}|[A-Z][A-Za-z]*/[a-z0-9-]{1,63}/[a-z0-9.-]{1,253}");

    private static List<AcknowledgedReplacement> replacements(List<YamlObject> list) {
        List<AcknowledgedReplacement> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlObject r : list) {
            Optional<Scalar> id = r.string("logicalId", "VpcSubnetNodes1A2B3C4D (from the snapshot test's list)");
            Optional<Scalar> reason = r.string("reason", "\"renumbered the VPC; the cluster is rebuilt\"");
            r.finish();
            if (id.isEmpty() || reason.isEmpty()) {
                continue;
            }
            if (!LOGICAL_ID.matcher(id.get().value()).matches()) {
                r.problem(id.get().line(), id.get().field(), "'" + id.get().value() + "' is not a CloudFormation "
                        + "logical id (letters and digits)", "copy the id from the snapshot test's list of "
                        + "replacements");
            } else if (!seen.add(id.get().value())) {
                r.problem(id.get().line(), id.get().field(), "'" + id.get().value() + "' is acknowledged twice",
                        "list each replacement once");
            } else if (reason.get().value().isBlank() || reason.get().value().startsWith("TODO")) {
                r.problem(reason.get().line(), reason.get().field(), reason.get().value().isBlank() ? "the reason "
                        + "is empty" : "the reason is still the snapshot test's placeholder", "say why replacing "
                        + id.get().value() + " is acceptable");
            } else {
                out.add(new AcknowledgedReplacement(id.get().value(), reason.get().value(), id.get().line()));
            }
        }
        return out;
    }

    /**
     * How to treat the environment's committed context: checked against it when it is there and sound, checked
     * without it (warnings) when there is none, and unchecked when it is broken or recorded for another account or
     * region, after a problem that says so.
     */
    private static ContextRules.View context(YamlObject y, String name, String account, String region) {
        Path file = contextPath(y, name);
        if (!Files.isRegularFile(file)) {
            return new ContextRules.View(true, Optional.empty(), display(file));
        }
        try {
            EnvironmentContext ctx = ContextFile.read(file);
            return ContextRules.checkBelongs(y, name, account, region, ctx, display(file))
                    ? new ContextRules.View(true, Optional.of(ctx), display(file)) : ContextRules.View.UNCHECKED;
        } catch (ConfigException e) {
            e.errors().forEach(y.problems()::add);
            return ContextRules.View.UNCHECKED;
        }
    }

    private static Path contextPath(YamlObject y, String name) {
        return Path.of(y.file()).resolveSibling(ContextFile.DIRECTORY).resolve(name + ".json");
    }

    private static List<String> zones(YamlObject y, List<Scalar> list, String region, String name,
            ContextRules.View ctx) {
        Set<String> seen = new LinkedHashSet<>();
        for (Scalar zone : list) {
            boolean id = ContextRules.ZONE_ID.matcher(zone.value()).matches();
            if (region != null && !id && !zone.value().matches(Pattern.quote(region) + "[a-z]")) {
                y.problem(zone.line(), zone.field(), "'" + zone.value() + "' is not a zone of region " + region,
                        "use zone names of the region, e.g. " + region + "a, or zone ids such as use1-az4");
                continue;
            }
            String resolved = ContextRules.zone(y, zone, name, ctx);
            if (resolved != null && !seen.add(resolved)) {
                y.problem(zone.line(), zone.field(), "zone '" + zone.value() + "' is listed twice"
                        + (id ? " (it is " + resolved + " in this account)" : ""), "list each zone once");
            }
        }
        if (list.size() < 2) {
            y.problem(list.isEmpty() ? y.line() : list.get(0).line(), y.field("availabilityZones"),
                    "EKS needs at least 2 availability zones, got " + list.size(),
                    "list 2 or more zones of the region (3 recommended)");
        }
        return List.copyOf(seen);
    }

    private static Map<String, String> tags(YamlObject y, Map<Scalar, Scalar> map) {
        Map<String, String> out = new LinkedHashMap<>();
        if (map.size() > MAX_USER_TAGS) {
            y.problem(y.line(), y.field("tags"), map.size() + " tags given, at most " + MAX_USER_TAGS + " allowed "
                    + "(AWS allows 50 per resource and the platform adds its own)", "drop some tags");
        }
        for (Map.Entry<Scalar, Scalar> e : map.entrySet()) {
            String key = e.getKey().value();
            String value = e.getValue().value();
            if (key.length() > 128 || !TAG_CHARS.matcher(key).matches()) {
                y.problem(e.getKey().line(), e.getKey().field(), "tag key '" + key + "' is not a valid AWS tag key "
                        + "(1-128 letters, digits, spaces and _.:/=+-@)", "rename the tag key");
            } else if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                y.problem(e.getKey().line(), e.getKey().field(), "tag keys starting with 'aws:' are reserved by AWS",
                        "rename the tag key");
            } else if (key.startsWith(TAG_PREFIX)) {
                y.problem(e.getKey().line(), e.getKey().field(), "tag keys starting with '" + TAG_PREFIX
                        + "' are set by the platform", "rename the tag key");
            }
            if (value.length() > 256 || !TAG_CHARS.matcher(value).matches()) {
                y.problem(e.getValue().line(), e.getValue().field(), "tag value '" + value + "' is not a valid AWS "
                        + "tag value (0-256 letters, digits, spaces and _.:/=+-@)", "change the value");
            }
            out.put(key, value);
        }
        return out;
    }

    /** CloudWatch Logs retention periods, in days. */
    public static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
            731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private static NetworkSpec network(YamlObject n, int zoneCount) {
        Integer vpc = n.integer("vpcPrefixLength", "20").map(v -> {
            if (v < 16 || v > 28) {
                n.problem(n.lineOf("vpcPrefixLength"), n.field("vpcPrefixLength"), "/" + v + " is not a valid VPC size; AWS allows /16 "
                        + "to /28", "set vpcPrefixLength between 16 and 28 (20 gives 4,096 addresses)");
                return null;
            }
            return v.intValue();
        }).orElse(null);
        NatGatewayMode nat = n.string("natGateways", null).map(s -> {
            for (NatGatewayMode m : NatGatewayMode.values()) {
                if (m.label().equals(s.value())) {
                    return m;
                }
            }
            n.problem(s.line(), s.field(), "'" + s.value() + "' is not a NAT gateway layout; allowed: perZone, single",
                    "use perZone (one per availability zone) or single (one per VPC)");
            return null;
        }).orElse(NatGatewayMode.PER_ZONE);
        int retention = retentionDays(n, "flowLogRetentionDays", NetworkSpec.DEFAULT_FLOW_LOG_RETENTION_DAYS);
        Optional<String> ipam = n.string("ipv6IpamPoolId", null).map(s -> check(n, s,
                s.value().matches("ipam-pool-[0-9a-f]{8,32}"), "'" + s.value() + "' is not an IPAM pool id",
                "write the pool id, e.g. ipam-pool-0123456789abcdef0, or remove the key for an Amazon-provided /56"));
        Map<SubnetTier, Integer> tiers = new EnumMap<>(SubnetTier.class);
        Map<SubnetTier, Integer> tierLines = new EnumMap<>(SubnetTier.class);
        n.object("subnets", "{public: {prefixLength: 26}, nodes: {prefixLength: 22}}").ifPresent(sub -> {
            for (SubnetTier tier : SubnetTier.values()) {
                String example = tier == SubnetTier.INTRA ? null : "{prefixLength: 24}";
                sub.object(tier.label(), example).flatMap(t -> {
                    tierLines.put(tier, sub.lineOf(tier.label()));
                    return tierPrefix(t, tier, vpc);
                }).ifPresent(p -> tiers.put(tier, p));
            }
            sub.finish();
            // whether the subnets fit is the planner's question: a grown VPC takes secondary blocks
        });
        Optional<TransitGateway> tgw = n.object("transitGateway", null).flatMap(EnvironmentLoader::transitGateway);
        n.finish();
        if (vpc == null || !tiers.containsKey(SubnetTier.PUBLIC) || !tiers.containsKey(SubnetTier.NODES)
                || (n.has("transitGateway") && tgw.isEmpty())) {
            return null;
        }
        return new NetworkSpec(vpc, nat, retention, tiers, ipam, n.line(), tierLines, tgw);
    }

    private static Optional<TransitGateway> transitGateway(YamlObject t) {
        Optional<String> id = t.string("id", "tgw-0123456789abcdef0").map(s -> check(t, s,
                TransitGateway.ID.matcher(s.value()).matches(), "'" + s.value() + "' is not a transit gateway id",
                "write the id of the transit gateway shared with this account, e.g. tgw-0123456789abcdef0"));
        List<String> routes = new ArrayList<>();
        Optional<List<Scalar>> listed = t.stringList("routes", "[10.0.0.0/12]");
        listed.ifPresent(list -> {
            if (list.isEmpty()) {
                t.problem(t.lineOf("routes"), t.field("routes"), "no routes listed: nothing would be sent to the "
                        + "transit gateway", "list the ranges behind it, e.g. [10.0.0.0/12]");
            }
            routes.addAll(cidrs(t, list, "10.0.0.0/12 or fd00::/8"));
        });
        t.finish();
        if (id.isEmpty() || id.get() == null || listed.isEmpty() || routes.isEmpty()
                || routes.size() != listed.get().size()) {
            return Optional.empty();
        }
        return Optional.of(new TransitGateway(id.get(), routes, t.line()));
    }

    /** A tier's prefix length from {@code prefixLength} or {@code hosts}, checked against AWS and EKS rules. */
    private static Optional<Integer> tierPrefix(YamlObject t, SubnetTier tier, Integer vpc) {
        boolean byPrefix = t.has("prefixLength");
        boolean byHosts = t.has("hosts");
        Optional<Integer> prefix = Optional.empty();
        if (byPrefix == byHosts) {
            t.problem(t.line(), t.path(), "give exactly one of 'prefixLength' or 'hosts'",
                    "write e.g. {prefixLength: 24} or {hosts: 200}");
            t.integer("prefixLength", null);
            t.integer("hosts", null);
        } else if (byPrefix) {
            prefix = t.integer("prefixLength", null).map(Long::intValue);
        } else {
            prefix = t.integer("hosts", null).map(h -> {
                if (h < 1) {
                    t.problem(t.line(), t.field("hosts"), h + " hosts is not a subnet size", "ask for 1 or more");
                    return null;
                }
                // the smallest subnet that leaves that many, but never below AWS's /28 or, for EKS, /27
                return Math.min(Ipv4Cidr.prefixForHosts(h), tier.clusterSubnet() ? 27 : 28);
            });
        }
        t.finish();
        String field = t.field(byPrefix ? "prefixLength" : "hosts");
        return prefix.flatMap(p -> {
            if (p < 16 || p > 28) {
                t.problem(t.line(), field, "a /" + p + " subnet is outside what AWS allows (/16 to /28)",
                        "choose a size between /16 and /28");
                return Optional.empty();
            }
            long usable = Ipv4Cidr.blockSize(p) - Ipv4Cidr.AWS_RESERVED_PER_SUBNET;
            if (tier.clusterSubnet() && usable < SubnetTier.EKS_MIN_FREE_ADDRESSES) {
                t.problem(t.line(), field, "a /" + p + " subnet leaves " + usable + " usable addresses; EKS needs at "
                        + "least " + SubnetTier.EKS_MIN_FREE_ADDRESSES + " free in each cluster subnet ('"
                        + tier.label() + "')", "use /27 or larger");
                return Optional.empty();
            }
            if (vpc != null && p < vpc) {
                t.problem(t.line(), field, "a /" + p + " subnet does not fit in the /" + vpc + " VPC",
                        "make the subnet smaller or the VPC larger");
                return Optional.empty();
            }
            return Optional.of(p);
        });
    }

    static final Pattern PRINCIPAL_ARN = Pattern.compile("arn:aws(-[a-z]+)*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]{1,512}");
    static final Pattern ADDON_VERSION = Pattern.compile("v(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})-eksbuild\\.\\d{1,9}");
    /** A Graviton instance type: a family with a generation followed by 'g' (m7g, c7gn, r8gd, t4g, im4gn). */
    public static final Pattern GRAVITON_TYPE = Pattern.compile("[a-z]+\\d+g[a-z]*\\.[a-z0-9]+");
    static final int MAX_PUBLIC_ACCESS_CIDRS = 40;

    private static ClusterSpec cluster(YamlObject c, KubernetesVersion version, String environment,
            ContextRules.View ctx) {
        List<String> cidrs = new ArrayList<>();
        List<String> privateCidrs = new ArrayList<>();
        Optional<String> reason = Optional.empty();
        Optional<YamlObject> endpoint = c.object("endpoint", null);
        if (endpoint.isPresent()) {
            YamlObject e = endpoint.get();
            List<Scalar> privateListed = e.stringList("privateAccessCidrs", null).orElse(List.of());
            privateCidrs.addAll(cidrs(e, privateListed, "10.0.0.0/8 or fd00::/8"));
            List<Scalar> listed = e.stringList("publicAccessCidrs", null).orElse(List.of());
            cidrs.addAll(cidrs(e, listed, "198.51.100.0/24 or 2001:db8::/48"));
            reason = e.string("publicAccessReason", null).map(Scalar::value);
            boolean world = Cidrs.coversEverything(cidrs);
            if (listed.size() > MAX_PUBLIC_ACCESS_CIDRS) {
                e.problem(e.lineOf("publicAccessCidrs"), e.field("publicAccessCidrs"), listed.size() + " CIDRs "
                        + "given; EKS allows " + MAX_PUBLIC_ACCESS_CIDRS, "merge ranges or use the private endpoint");
            }
            if (world && reason.map(String::isBlank).orElse(true)) {
                e.problem(e.lineOf("publicAccessCidrs"), e.field("publicAccessCidrs"), "the public endpoint would be "
                        + "open to the whole internet", "list your own ranges instead, or acknowledge it with "
                        + "publicAccessReason: \"<why>\"");
            }
            if (!world && reason.isPresent()) {
                e.problem(e.lineOf("publicAccessReason"), e.field("publicAccessReason"), "publicAccessReason is only "
                        + "for a public endpoint open to the whole internet (0.0.0.0/0, ::/0 or ranges that add up to "
                        + "them)", "remove it");
            }
            e.finish();
        }
        List<String> admins = principals(c, "admins", "[\"arn:aws:iam::111111111111:role/platform-admins\"]");
        List<String> viewers = principals(c, "viewers", null);
        if (cidrs.isEmpty() && privateCidrs.isEmpty() && (!admins.isEmpty() || !viewers.isEmpty())
                && (endpoint.isEmpty() || !endpoint.get().has("publicAccessCidrs"))) {
            c.problem(endpoint.map(e -> e.line()).orElse(c.line()), c.field("endpoint"), "the cluster's API "
                    + "endpoint is private and no privateAccessCidrs are listed, so the admins and viewers have no "
                    + "network path to it: only the cluster's own security group (its nodes, the kubectl provider) "
                    + "reaches a private endpoint", "list the networks they connect from (a VPN, a transit gateway, "
                    + "Direct Connect) in cluster.endpoint.privateAccessCidrs, or allow their egress ranges in "
                    + "cluster.endpoint.publicAccessCidrs");
        }
        Set<String> seenPrincipals = new HashSet<>();
        for (String arn : concat(admins, viewers)) {
            if (!seenPrincipals.add(arn)) {
                c.problem(c.lineOf(viewers.contains(arn) ? "viewers" : "admins"), c.field("viewers"), "'" + arn
                        + "' is listed twice; EKS allows one access entry per principal",
                        "list each principal once (an admin can already view)");
            }
        }
        Map<String, String> addons = new LinkedHashMap<>();
        c.object("addons", "{vpc-cni: v1.20.4-eksbuild.1, coredns: ..., kube-proxy: ..., eks-pod-identity-agent: ...}")
                .ifPresent(a -> {
                    for (String addon : ClusterSpec.CORE_ADDONS) {
                        a.string(addon, "v1.0.0-eksbuild.1 (the refresh step lists the versions for your cluster)")
                                .ifPresent(v -> addonVersion(a, addon, v, environment, version, ctx)
                                        .ifPresent(ok -> addons.put(addon, ok)));
                    }
                    for (String addon : List.of(ClusterSpec.EBS_CSI_ADDON, ClusterSpec.METRICS_SERVER_ADDON)) {
                        a.string(addon, null).ifPresent(v -> addonVersion(a, addon, v, environment, version, ctx)
                                .ifPresent(ok -> addons.put(addon, ok)));
                    }
                    a.finish();
                });
        ClusterSpec.SystemNodesSpec nodes = c.object("systemNodes", "{instanceTypes: [m7g.large]}")
                .map(EnvironmentLoader::systemNodes).orElse(null);
        KubernetesDelivery delivery = c.string("delivery", null).map(d -> {
            for (KubernetesDelivery k : KubernetesDelivery.values()) {
                if (k.label().equals(d.value())) {
                    return k;
                }
            }
            c.problem(d.line(), d.field(), "'" + d.value() + "' is not a delivery; allowed: kubectl, gitops",
                    "use kubectl (cdk deploy applies the charts) or gitops (a GitOps tool applies dist/)");
            return null;
        }).orElse(c.has("delivery") ? null : KubernetesDelivery.KUBECTL);
        SupportType supportType = c.string("supportType", null).map(t -> {
            SupportType found = SupportType.fromLabel(t.value());
            if (found == null) {
                c.problem(t.line(), t.field(), "'" + t.value() + "' is not a support type; allowed: STANDARD, "
                        + "EXTENDED", "use STANDARD (upgraded at the end of standard support) or EXTENDED (billed "
                        + "extended support)");
            }
            return found;
        }).orElse(c.has("supportType") ? null : SupportType.STANDARD);
        if (supportType == SupportType.STANDARD && version != null) {
            ContextRules.standardSupport(c, environment, version, ctx);
        }
        int logRetention = retentionDays(c, "logRetentionDays", ClusterSpec.DEFAULT_LOG_RETENTION_DAYS);
        c.finish();
        if (admins.isEmpty() || !addons.keySet().containsAll(ClusterSpec.CORE_ADDONS) || nodes == null
                || delivery == null || supportType == null) {
            return null;
        }
        return new ClusterSpec(cidrs, reason, privateCidrs, admins, viewers, addons, nodes, delivery, c.line(),
                supportType, logRetention);
    }

    /** A log group's retention under {@code key}: one of CloudWatch Logs' periods, or {@code fallback}. */
    private static int retentionDays(YamlObject y, String key, int fallback) {
        return y.integer(key, null).map(d -> {
            if (!RETENTION_DAYS.contains(d.intValue())) {
                y.problem(y.lineOf(key), y.field(key), d + " is not a CloudWatch Logs retention period; allowed: "
                        + RETENTION_DAYS, "pick one of the allowed values, e.g. 90");
                return fallback;
            }
            return d.intValue();
        }).orElse(fallback);
    }

    /** The valid CIDR blocks of {@code listed}; each invalid one, and a block overlapping another, is a problem. */
    private static List<String> cidrs(YamlObject y, List<Scalar> listed, String example) {
        List<String> out = new ArrayList<>();
        for (Scalar cidr : listed) {
            if (!isCidr(cidr.value())) {
                y.problem(cidr.line(), cidr.field(), "'" + cidr.value() + "' is not an IPv4 or IPv6 CIDR block",
                        "write e.g. " + example);
            } else {
                out.add(cidr.value());
            }
        }
        overlappingCidrs(y, listed);
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> principals(YamlObject c, String key, String example) {
        List<String> out = new ArrayList<>();
        c.stringList(key, example).ifPresent(list -> {
            if (list.isEmpty() && example != null) {
                c.problem(c.lineOf(key), c.field(key), "no " + key + " listed: nobody could manage the cluster",
                        "list the IAM roles of the platform team");
            }
            for (Scalar arn : list) {
                if (!PRINCIPAL_ARN.matcher(arn.value()).matches()) {
                    c.problem(arn.line(), arn.field(), "'" + arn.value() + "' is not an IAM role or user ARN",
                            "write e.g. arn:aws:iam::111111111111:role/platform-admins");
                } else {
                    out.add(arn.value());
                }
            }
        });
        return out;
    }

    private static Optional<String> addonVersion(YamlObject a, String addon, Scalar v, String environment,
            KubernetesVersion version, ContextRules.View ctx) {
        if (ContextRules.VERSION_WORDS.contains(v.value())) {
            return ContextRules.addonVersion(a, addon, v, environment, version, ctx);
        }
        Optional<String> pinned = addonVersion(a, addon, v, version);
        return pinned.isEmpty() ? pinned : ContextRules.addonVersion(a, addon, v, environment, version, ctx);
    }

    private static Optional<String> addonVersion(YamlObject a, String addon, Scalar v, KubernetesVersion version) {
        Matcher m = ADDON_VERSION.matcher(v.value());
        if (!m.matches()) {
            a.problem(v.line(), v.field(), "'" + v.value() + "' is not an EKS add-on version (vMAJOR.MINOR.PATCH-"
                    + "eksbuild.N)", "copy the version from 'aws eks describe-addon-versions --addon-name " + addon
                    + "' or from the refresh step");
            return Optional.empty();
        }
        if (addon.equals("vpc-cni") && compare(m, 1, 10, 1) < 0) {
            a.problem(v.line(), v.field(), "vpc-cni " + v.value() + " predates IPv6 support (v1.10.1)",
                    "use a current vpc-cni version, e.g. v1.20.4-eksbuild.1");
            return Optional.empty();
        }
        if (addon.equals("kube-proxy") && version != null && (!m.group(1).equals("1")
                || Integer.parseInt(m.group(2)) != version.minor())) {
            a.problem(v.line(), v.field(), "kube-proxy " + v.value() + " does not match the cluster's Kubernetes "
                    + version, "use a kube-proxy v" + version + ".x-eksbuild.N version");
            return Optional.empty();
        }
        return Optional.of(v.value());
    }

    private static int compare(Matcher m, int major, int minor, int patch) {
        int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        int[] w = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (v[i] != w[i]) {
                return Integer.compare(v[i], w[i]);
            }
        }
        return 0;
    }

    private static ClusterSpec.SystemNodesSpec systemNodes(YamlObject n) {
        List<String> types = new ArrayList<>();
        n.stringList("instanceTypes", "[m7g.large]").ifPresent(list -> {
            if (list.isEmpty()) {
                n.problem(n.lineOf("instanceTypes"), n.field("instanceTypes"), "no instance type listed",
                        "list one or more Graviton types, e.g. [m7g.large, m8g.large]");
            }
            for (Scalar t : list) {
                if (!GRAVITON_TYPE.matcher(t.value()).matches()) {
                    n.problem(t.line(), t.field(), "'" + t.value() + "' is not a Graviton (arm64) instance type; "
                            + "the system nodes run AL2023 arm64", "use a Graviton type such as m7g.large or c8g.large");
                } else {
                    types.add(t.value());
                }
            }
        });
        int min = n.integer("minSize", null).map(Long::intValue).orElse(2);
        int max = n.integer("maxSize", null).map(Long::intValue).orElse(Math.max(3, min));
        int desired = n.integer("desiredSize", null).map(Long::intValue).orElse(min);
        n.finish();
        boolean ok = !types.isEmpty();
        if (min < 1 || max < min || desired < min || desired > max || max > 100) {
            n.problem(n.line(), n.path(), "sizes min " + min + ", desired " + desired + ", max " + max + " are "
                    + "impossible", "use 1 <= minSize <= desiredSize <= maxSize <= 100 (cluster-critical pods need at "
                    + "least one node, two for availability)");
            ok = false;
        }
        return ok ? new ClusterSpec.SystemNodesSpec(types, min, max, desired) : null;
    }

    static boolean isCidr(String text) {
        if (!text.contains(":")) {
            try {
                Ipv4Cidr.parse(text);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        int slash = text.indexOf('/');
        // a literal IPv6 address only: anything else could make InetAddress resolve a name
        if (slash < 0 || !text.substring(0, slash).contains(":") || !text.substring(0, slash).matches("[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            int prefix = Integer.parseInt(text.substring(slash + 1));
            InetAddress.getByName(text.substring(0, slash));
            return prefix >= 0 && prefix <= 128;
        } catch (NumberFormatException | UnknownHostException e) {
            return false;
        }
    }

    /** As Karpenter names AMI releases: AL2023 by date, Bottlerocket by version. */
    static final Pattern AMI_ALIAS = Pattern.compile(
            "al2023@(v\\d{8}|latest)|bottlerocket@(v\\d+\\.\\d+\\.\\d+|latest)");
    static final Pattern DURATION = Pattern.compile("(\\d+[smh])+|Never");
    static final Pattern GRACE_PERIOD = Pattern.compile("(\\d+[smh])+");
    static final Pattern TAINT = Pattern.compile("([^=:]+)(=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)");
    static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?");
    /** The NodePool CRD's patterns for a disruption budget. */
    static final Pattern BUDGET_NODES = Pattern.compile("(100|[0-9]{1,2})%|[0-9]+");
    static final Pattern BUDGET_DURATION = Pattern.compile("([0-9]+h)?[0-9]+m|[0-9]+h");
    static final Pattern CRON = Pattern.compile("@(annually|yearly|monthly|weekly|daily|midnight|hourly)"
            + "|[0-9A-Za-z*/,?-]+( [0-9A-Za-z*/,?-]+){4}");

    private static KarpenterSpec karpenter(YamlObject k, KubernetesVersion version, String environment,
            ContextRules.View ctx) {
        Optional<Scalar> aliasValue = k.string("amiAlias", "al2023@v20251016");
        String alias = aliasValue.map(a -> check(k, a, AMI_ALIAS.matcher(a.value())
                .matches(), "'" + a.value() + "' is not a pinned AMI alias (al2023@vYYYYMMDD, bottlerocket@vX.Y.Z)",
                "pin an AMI release, e.g. al2023@v20251016")).orElse(null);
        boolean allowLatest = k.bool("allowLatestAmi", null).orElse(false);
        if (alias != null && alias.endsWith("@latest") && !allowLatest) {
            k.problem(k.lineOf("amiAlias"), k.field("amiAlias"), "'" + alias + "' drifts every node on each AMI "
                    + "release", "pin a release (al2023@vYYYYMMDD), or set allowLatestAmi: true");
        }
        int maxPods = k.integer("maxPods", null).map(Long::intValue).orElse(110);
        if (maxPods < 1 || maxPods > 737) {
            k.problem(k.lineOf("maxPods"), k.field("maxPods"), maxPods + " is outside 1..737",
                    "use 110 (EKS's usual ceiling) unless your instance types need more");
        }
        int root = k.integer("rootVolumeGiB", null).map(Long::intValue).orElse(KarpenterSpec.DEFAULT_ROOT_VOLUME_GIB);
        if (root < 20 || root > 16384) {
            k.problem(k.lineOf("rootVolumeGiB"), k.field("rootVolumeGiB"), root + " GiB is outside 20..16384",
                    "use at least 20 GiB (50 is the default)");
        }
        List<KarpenterSpec.Pool> pools = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        k.objectList("pools", "[{name: graviton, architecture: arm64, limits: {cpu: \"1000\"}}]").ifPresent(items -> {
            if (items.isEmpty()) {
                k.problem(k.lineOf("pools"), k.field("pools"), "no pools listed", "list at least one pool");
            }
            for (YamlObject p : items) {
                pool(p, names).ifPresent(pools::add);
            }
        });
        if (alias != null && version != null) {
            ContextRules.amiRelease(k, aliasValue.get(), environment, version, KarpenterSpec.architectures(pools),
                    ctx);
        }
        k.finish();
        return alias == null ? null : new KarpenterSpec(alias, allowLatest, maxPods, root, pools, k.line());
    }

    private static Optional<KarpenterSpec.Pool> pool(YamlObject p, Set<String> names) {
        String name = p.string("name", "graviton").map(n -> {
            if (!DNS_LABEL.matcher(n.value()).matches()) {
                p.problem(n.line(), n.field(), "'" + n.value() + "' is not a valid pool name (DNS label)",
                        "use lowercase letters, digits and '-'");
                return null;
            }
            if (!names.add(n.value())) {
                p.problem(n.line(), n.field(), "pool '" + n.value() + "' is listed twice", "give each pool a unique "
                        + "name");
                return null;
            }
            return n.value();
        }).orElse(null);
        String arch = p.string("architecture", "arm64").map(a -> check(p, a, a.value().equals("arm64")
                || a.value().equals("amd64"), "'" + a.value() + "' is not an architecture; allowed: arm64, amd64",
                "use arm64 (Graviton) or amd64 (x86)")).orElse(null);
        List<String> categories = strings(p, "categories", "[a-z]{1,3}", "an instance category such as c, m or r");
        List<String> families = strings(p, "families", "[a-z]+\\d+[a-z-]*", "an instance family such as m7g or c7i");
        families.forEach(f -> familyExists(p, f));
        if (arch != null) {
            for (String f : families) {
                boolean graviton = GRAVITON_TYPE.matcher(f + ".x").matches() || f.equals("a1");
                if (graviton != arch.equals("arm64")) {
                    p.problem(p.lineOf("families"), p.field("families"), "instance family " + f + " is "
                            + (graviton ? "Graviton (arm64)" : "x86 (amd64)") + " but the pool's architecture is "
                            + arch, "remove " + f + " or change the architecture");
                }
            }
        }
        int minGeneration = p.integer("minGeneration", null).map(Long::intValue).orElse(0);
        if (minGeneration < 0 || minGeneration > 99) {
            p.problem(p.lineOf("minGeneration"), p.field("minGeneration"), minGeneration + " is not an instance "
                    + "generation", "use e.g. 7 for c7g/m7i and newer");
        } else if (minGeneration > NEWEST_GENERATION) {
            p.problem(p.lineOf("minGeneration"), p.field("minGeneration"), "no instance type could join the pool: "
                    + "the newest EC2 generation is " + NEWEST_GENERATION + ", below minGeneration " + minGeneration,
                    "use " + NEWEST_GENERATION + " or lower, e.g. 7 for c7g/m7i and newer");
        }
        List<String> capacity = new ArrayList<>();
        Optional<List<Scalar>> capacityTypes = p.stringList("capacityTypes", null);
        capacityTypes.filter(List::isEmpty).ifPresent(empty -> p.problem(
                p.lineOf("capacityTypes"), p.field("capacityTypes"), "no capacity type, so no node could be launched",
                "list spot and/or on-demand, or leave capacityTypes out for on-demand"));
        capacityTypes.ifPresent(list -> list.forEach(c -> {
            if (c.value().equals("reserved")) {
                p.problem(c.line(), c.field(), "capacity type 'reserved' needs capacity reservations selected in the "
                        + "EC2NodeClass, which the platform does not configure", "use spot or on-demand");
            } else if (!c.value().equals("spot") && !c.value().equals("on-demand")) {
                p.problem(c.line(), c.field(), "'" + c.value() + "' is not a capacity type", "use spot or on-demand");
            } else {
                capacity.add(c.value());
            }
        }));
        Optional<Integer> weight = p.integer("weight", null).map(w -> {
            if (w < 0 || w > 100) {
                p.problem(p.lineOf("weight"), p.field("weight"), w + " is outside 0..100", "use 0 to 100; higher "
                        + "pools are tried first");
                return null;
            }
            return w.intValue();
        });
        Map<String, String> limits = new LinkedHashMap<>();
        Optional<Map<Scalar, Scalar>> limitMap = p.stringMap("limits", "{cpu: \"1000\", memory: 4000Gi}");
        limitMap.ifPresent(map -> map.forEach((key, value) -> {
            if (!key.value().equals("cpu") && !key.value().equals("memory")) {
                p.problem(key.line(), key.field(), "unknown limit '" + key.value() + "'", "limit cpu and memory");
            } else if (!QUANTITY.matcher(value.value()).matches()) {
                p.problem(value.line(), value.field(), "'" + value.value() + "' is not a Kubernetes quantity",
                        "write e.g. \"1000\" (cores) or 4000Gi");
            } else if (value.value().matches("0+(\\.0*)?[a-zA-Z]*")) {
                p.problem(value.line(), value.field(), "a " + key.value() + " limit of " + value.value() + " lets "
                        + "the pool launch no node at all", "set a positive limit, or remove the pool");
            } else {
                limits.put(key.value(), value.value());
            }
        }));
        // a cpu key with a wrong value is already reported; only a missing one means "no cpu limit"
        if (limitMap.isPresent() && !p.object("limits", null).map(o -> o.has("cpu")).orElse(false)) {
            p.problem(p.lineOf("limits"), p.field("limits"), "no cpu limit, so the pool could grow without bound",
                    "set limits.cpu, e.g. cpu: \"1000\"");
        }
        Map<String, String> labels = p.stringMap("labels", null).map(m -> nodeLabels(p, m)).orElse(Map.of());
        List<String> taints = new ArrayList<>();
        p.stringList("taints", null).ifPresent(list -> list.forEach(t -> {
            Matcher m = TAINT.matcher(t.value());
            if (!m.matches()) {
                p.problem(t.line(), t.field(), "'" + t.value() + "' is not a taint", "write key=value:NoSchedule "
                        + "(or PreferNoSchedule, NoExecute)");
            } else if (!isLabelKey(m.group(1))) {
                p.problem(t.line(), t.field(), "taint key '" + m.group(1) + "' is not a valid key", "use "
                        + "[prefix/]name, the name at most 63 letters, digits, '-', '_' and '.'");
            } else if (m.group(3) != null && !LABEL_VALUE.matcher(m.group(3)).matches()) {
                p.problem(t.line(), t.field(), "taint value '" + m.group(3) + "' is not valid", "at most 63 "
                        + "letters, digits, '-', '_' and '.'");
            } else {
                taints.add(t.value());
            }
        }));
        String consolidateAfter = duration(p, "consolidateAfter", "1m");
        String expireAfter = duration(p, "expireAfter", "720h");
        Optional<String> gracePeriod = p.string("terminationGracePeriod", null).map(g -> check(p, g,
                GRACE_PERIOD.matcher(g.value()).matches(), "'" + g.value() + "' is not a duration",
                "write e.g. 2h or 90m")).map(v -> withinGo(p, "terminationGracePeriod", v));
        List<KarpenterSpec.Budget> budgets = new ArrayList<>();
        p.objectList("budgets", null).ifPresent(items -> items.forEach(b -> {
            Optional<Scalar> nodes = b.string("nodes", "\"10%\"");
            Optional<Scalar> schedule = b.string("schedule", null);
            Optional<Scalar> duration = b.string("duration", null);
            b.finish();
            boolean valid = nodes.isPresent();
            if (schedule.isPresent() != duration.isPresent()) {
                b.problem(b.line(), b.path(), "a budget needs both schedule and duration, or neither",
                        "add the missing one, e.g. schedule: \"0 9 * * mon-fri\", duration: 8h");
                valid = false;
            }
            valid &= matches(b, nodes, BUDGET_NODES, "a node count or percentage",
                    "write e.g. \"10%\" or \"2\" (\"0\" stops disruption)");
            if (schedule.isPresent() && schedule.get().value().matches("(CRON_)?TZ=.*")) {
                b.problem(schedule.get().line(), schedule.get().field(), "'" + schedule.get().value() + "' names a "
                        + "time zone, but Karpenter evaluates budget schedules in UTC and accepts none",
                        "write the window's start in UTC, widened to cover daylight saving time, e.g. 08:00-18:00 "
                                + "New York time is schedule: \"0 12 * * mon-fri\", duration: 11h");
                valid = false;
            } else {
                valid &= matches(b, schedule, CRON, "a cron schedule (in UTC)", "write five fields (minute hour day "
                        + "month weekday) in UTC, e.g. \"0 9 * * mon-fri\", or @daily");
            }
            valid &= matches(b, duration, BUDGET_DURATION, "a budget duration", "write hours and minutes, e.g. 8h, "
                    + "90m or 1h30m");
            valid &= duration.map(d -> withinGo(b, "duration", d.value()) != null).orElse(true);
            if (valid) {
                nodes.ifPresent(n -> budgets.add(new KarpenterSpec.Budget(n.value(), schedule.map(Scalar::value),
                        duration.map(Scalar::value))));
            }
        }));
        p.finish();
        if (name == null || arch == null || !limits.containsKey("cpu")) {
            return Optional.empty();
        }
        return Optional.of(new KarpenterSpec.Pool(name, arch, categories, families, minGeneration,
                capacity.isEmpty() ? List.of("on-demand") : capacity, weight, limits, labels, taints,
                consolidateAfter, expireAfter, budgets.isEmpty() ? List.of(new KarpenterSpec.Budget("10%",
                        Optional.empty(), Optional.empty())) : budgets, gracePeriod, p.line()));
    }

    /** Node labels: not in the domains Karpenter and Kubernetes own, and not the platform's pool label. */
    private static Map<String, String> nodeLabels(YamlObject y, Map<Scalar, Scalar> map) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<Scalar, Scalar> e : map.entrySet()) {
            String key = e.getKey().value();
            if (!isLabelKey(key)) {
                y.problem(e.getKey().line(), e.getKey().field(), "'" + key + "' is not a valid label key",
                        "use [prefix/]name, the name at most 63 characters");
            } else if (NodeLabels.isReserved(key) || key.equals("v6-platform.dev/pool")) {
                y.problem(e.getKey().line(), e.getKey().field(), "label '" + key + "' is set by Karpenter, Kubernetes "
                        + "or the platform", "use another key, e.g. v6-platform.dev/workload, your own prefix or "
                        + "node-restriction.kubernetes.io/");
            } else if (!LABEL_VALUE.matcher(e.getValue().value()).matches()) {
                y.problem(e.getValue().line(), e.getValue().field(), "'" + e.getValue().value() + "' is not a valid "
                        + "label value", "at most 63 letters, digits, '-', '_' and '.'");
            } else {
                out.put(key, e.getValue().value());
            }
        }
        return out;
    }

    private static List<String> strings(YamlObject y, String key, String pattern, String what) {
        List<String> out = new ArrayList<>();
        y.stringList(key, null).ifPresent(list -> list.forEach(v -> {
            if (!v.value().matches(pattern)) {
                y.problem(v.line(), v.field(), "'" + v.value() + "' is not " + what, "fix or remove it");
            } else {
                out.add(v.value());
            }
        }));
        return out;
    }

    private static String duration(YamlObject y, String key, String defaultValue) {
        return y.string(key, null).map(d -> check(y, d, DURATION.matcher(d.value()).matches(), "'" + d.value()
                + "' is not a duration", "write e.g. 30s, 5m, 720h or Never")).map(v -> withinGo(y, key, v))
                .orElse(defaultValue);
    }

    /** The longest duration Go (and so Karpenter) parses: 2562047h47m16s. */
    static final long GO_MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    /** A duration Karpenter could not parse is refused here, not at apply time. */
    private static String withinGo(YamlObject y, String key, String value) {
        if (!value.equals("Never") && BuildkitSection.seconds(value) > GO_MAX_SECONDS) {
            y.problem(y.lineOf(key), y.field(key), "'" + value + "' is longer than Kubernetes can hold (about 292 "
                    + "years)", "write a shorter duration, or Never");
            return null;
        }
        return value;
    }

    private static List<NamespaceConfig> namespaces(List<YamlObject> items) {
        Set<String> reserved = new LinkedHashSet<>(List.of("default", "kube-system", "kube-public", "kube-node-lease"));
        for (PlatformNamespace ns : PlatformNamespace.values()) {
            reserved.add(ns.namespaceName());
        }
        List<NamespaceConfig> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (YamlObject item : items) {
            String name = item.string("name", "ci").map(s -> {
                if (!DNS_LABEL.matcher(s.value()).matches()) {
                    item.problem(s.line(), s.field(), "'" + s.value() + "' is not a valid namespace name "
                            + "(DNS-1123 label: at most 63 lowercase letters, digits and '-')", "rename it, e.g. 'ci'");
                    return null;
                }
                if (reserved.contains(s.value())) {
                    item.problem(s.line(), s.field(), "namespace '" + s.value() + "' is created by Kubernetes or "
                            + "the platform", "choose another name; reserved: " + String.join(", ", reserved));
                    return null;
                }
                if (!seen.add(s.value())) {
                    item.problem(s.line(), s.field(), "namespace '" + s.value() + "' is listed twice",
                            "list each namespace once");
                    return null;
                }
                return s.value();
            }).orElse(null);
            String allowed = Arrays.stream(PodSecurityLevel.values()).map(PodSecurityLevel::label)
                    .collect(Collectors.joining(", "));
            PodSecurityLevel level = item.string("podSecurity", "restricted").map(s -> {
                for (PodSecurityLevel l : PodSecurityLevel.values()) {
                    if (l.label().equals(s.value())) {
                        return l;
                    }
                }
                item.problem(s.line(), s.field(), "'" + s.value() + "' is not a Pod Security level; allowed: "
                        + allowed, "use 'restricted' unless the workloads need more");
                return null;
            }).orElse(null);
            Map<String, String> labels = item.stringMap("labels", null).map(map -> labels(item, map))
                    .orElse(Map.of());
            item.finish();
            if (name != null && level != null) {
                out.add(new NamespaceConfig(name, level, labels));
            }
        }
        return out;
    }

    private static Map<String, String> labels(YamlObject y, Map<Scalar, Scalar> map) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<Scalar, Scalar> e : map.entrySet()) {
            String key = e.getKey().value();
            if (!isLabelKey(key)) {
                y.problem(e.getKey().line(), e.getKey().field(), "'" + key + "' is not a valid label key "
                        + "([prefix/]name, name at most 63 characters)", "rename the label");
                continue;
            }
            if (RESERVED_LABEL_PREFIXES.stream().anyMatch(key::startsWith)) {
                y.problem(e.getKey().line(), e.getKey().field(), "label '" + key + "' is set by the platform or "
                        + "Kubernetes", "remove it; reserved prefixes: " + String.join(", ", RESERVED_LABEL_PREFIXES));
                continue;
            }
            String value = e.getValue().value();
            if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
                y.problem(e.getValue().line(), e.getValue().field(), "'" + value + "' is not a valid label value "
                        + "(at most 63 letters, digits, '-', '_' and '.', starting and ending alphanumeric)",
                        "change the value");
                continue;
            }
            out.put(key, value);
        }
        return out;
    }

    static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
            return false;
        }
        return name.length() <= 63 && LABEL_NAME.matcher(name).matches();
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // duplicates are reported with both lines by YamlObject
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(1 << 20);
        options.setAllowRecursiveKeys(false);
        return new Yaml(options);
    }

    /** The path as users see it: relative to the working directory when it is inside it. */
    public static String display(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }
}
