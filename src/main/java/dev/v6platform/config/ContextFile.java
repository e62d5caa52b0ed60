package dev.v6platform.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.v6platform.network.plan.Ipv4Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The committed facts of one environment, {@code stacks/context/<environment>.json}: keys sorted and lists in a
 * stable order, so a refresh that learns nothing new changes nothing and a review sees only real changes.
 */
public final class ContextFile {
    /** The command that writes context files, for messages. */
    public static final String REFRESH_COMMAND = "scripts/refresh.sh";
    /** The directory below {@code stacks/}. */
    public static final String DIRECTORY = "context";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Files already read in this JVM (synth reads each context once for the loader, the planner and Karpenter). */
    private static final Map<String, EnvironmentContext> READ = new ConcurrentHashMap<>();

    private ContextFile() {
    }

    /** The file's text: every map key-sorted, every list in a stable order. */
    public static String render(EnvironmentContext facts) {
        Map<String, Object> doc = new TreeMap<>();
        doc.put("account", facts.account());
        doc.put("environment", facts.environment());
        doc.put("region", facts.region());
        doc.put("availabilityZones", facts.zones().stream().map(z -> entries("name", z.name(), "id", z.id(),
                "state", z.state())).toList());
        doc.put("instanceTypes", facts.instanceTypes().stream().map(t -> {
            Map<String, Object> m = entries("name", t.name(), "architecture", t.architecture(), "hypervisor",
                    t.hypervisor());
            m.put("vcpus", t.vcpus());
            m.put("memoryMiB", t.memoryMiB());
            m.put("maxNetworkInterfaces", t.maxNetworkInterfaces());
            m.put("ipv6AddressesPerInterface", t.ipv6PerInterface());
            m.put("zones", t.zones());
            return m;
        }).toList());
        Map<String, Object> addonDoc = new TreeMap<>();
        facts.addons().forEach(a -> {
            Map<String, Object> m = entries("default", a.defaultVersion(), "latest", a.latestVersion());
            m.put("compatible", a.compatible());
            addonDoc.put(a.name(), m);
        });
        Map<String, Object> addonVersions = entries("kubernetesVersion", facts.kubernetesVersion());
        addonVersions.put("addons", addonDoc);
        doc.put("addonVersions", addonVersions);
        doc.put("clusterVersions", facts.clusterVersions().stream().map(v -> {
            Map<String, Object> m = entries("version", v.version(), "status", v.status(), "endOfStandardSupport",
                    v.endOfStandardSupport(), "endOfExtendedSupport", v.endOfExtendedSupport());
            m.put("default", v.defaultVersion());
            return m;
        }).toList());
        doc.put("amiReleases", facts.amis().stream().map(a -> entries("alias", a.alias(), "kubernetesVersion",
                a.kubernetesVersion(), "architecture", a.architecture(), "imageName", a.imageName(), "imageId",
                a.imageId())).toList());
        doc.put("vpcIpv4Blocks", facts.vpcRanges().stream().map(r -> {
            Map<String, Object> m = entries("cidr", r.cidr(), "vpcId", r.vpcId());
            m.put("managedByPlatform", r.managed());
            return m;
        }).toList());
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> entries(String... keysAndValues) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** An environment's context file, beside its stacks file: {@code stacks/context/<environment>.json}. */
    public static Path of(EnvironmentConfig env) {
        return Path.of(env.source()).resolveSibling(DIRECTORY).resolve(env.name() + ".json");
    }

    /**
     * The context of {@code env}, if the refresh step has written it.
     *
     * @throws ConfigException naming the file when it exists but cannot be read
     */
    public static Optional<EnvironmentContext> find(EnvironmentConfig env) {
        return find(Path.of(env.source()), env.name());
    }

    /** The context file beside {@code stacksFile} for environment {@code name}, if there is one. */
    static Optional<EnvironmentContext> find(Path stacksFile, String name) {
        Path file = stacksFile.resolveSibling(DIRECTORY).resolve(name + ".json");
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /**
     * Reads a context file.
     *
     * @throws ConfigException naming the file, the field and the fix when it is not what the refresh step writes
     */
    public static EnvironmentContext read(Path file) {
        String key;
        try {
            key = file.toAbsolutePath().normalize() + "|" + Files.getLastModifiedTime(file).toMillis() + "|"
                    + Files.size(file);
        } catch (IOException e) {
            return parse(file);
        }
        EnvironmentContext cached = READ.get(key);
        if (cached == null) {
            cached = parse(file);
            READ.put(key, cached);
        }
        return cached;
    }

    private static EnvironmentContext parse(Path file) {
        String field = "";
        try {
            JsonNode doc = JSON.readTree(file.toFile());
            if (doc == null || !doc.isObject()) {
                throw new IOException("not a JSON object");
            }
            field = "availabilityZones";
            List<ZoneFacts> zones = new ArrayList<>();
            for (JsonNode z : list(doc, field)) {
                zones.add(new ZoneFacts(text(z, "name"), text(z, "id"), text(z, "state")));
            }
            field = "instanceTypes";
            List<InstanceTypeFacts> types = new ArrayList<>();
            for (JsonNode t : list(doc, field)) {
                List<String> typeZones = new ArrayList<>();
                list(t, "zones").forEach(n -> typeZones.add(n.asText()));
                String name = text(t, "name");
                if (!INSTANCE_TYPE.matcher(name).matches()) {
                    throw new IOException("'" + name + "' is not an instance type name such as m7g.large");
                }
                String architecture = text(t, "architecture");
                if (!architecture.equals("arm64") && !architecture.equals("amd64")) {
                    throw new IOException(name + " has architecture '" + architecture + "'; expected arm64 or amd64");
                }
                types.add(new InstanceTypeFacts(name, architecture, t.path("hypervisor").asText(""),
                        positive(t, "vcpus", name), t.path("memoryMiB").asLong(),
                        t.path("maxNetworkInterfaces").asInt(), t.path("ipv6AddressesPerInterface").asInt(),
                        typeZones));
            }
            field = "addonVersions";
            JsonNode addonVersions = doc.path(field);
            List<AddonFacts> addons = new ArrayList<>();
            for (Map.Entry<String, JsonNode> a : addonVersions.path("addons").properties()) {
                List<String> compatible = new ArrayList<>();
                list(a.getValue(), "compatible").forEach(n -> compatible.add(n.asText()));
                addons.add(new AddonFacts(a.getKey(), text(a.getValue(), "default"), text(a.getValue(), "latest"),
                        compatible));
            }
            field = "clusterVersions";
            List<ClusterVersionFacts> versions = new ArrayList<>();
            for (JsonNode v : list(doc, field)) {
                versions.add(new ClusterVersionFacts(text(v, "version"), text(v, "status"),
                        v.path("default").asBoolean(), v.path("endOfStandardSupport").asText(""),
                        v.path("endOfExtendedSupport").asText("")));
            }
            field = "vpcIpv4Blocks";
            List<UsedRange> ranges = new ArrayList<>();
            for (JsonNode r : list(doc, field)) {
                String cidr = text(r, "cidr");
                try {
                    Ipv4Cidr.parse(cidr);
                } catch (IllegalArgumentException e) {
                    throw new IOException("'" + cidr + "' is not an IPv4 CIDR: " + e.getMessage(), e);
                }
                ranges.add(new UsedRange(cidr, text(r, "vpcId"), r.path("managedByPlatform").asBoolean()));
            }
            field = "amiReleases";
            List<AmiFacts> amis = new ArrayList<>();
            // absent from contexts written before the refresh step checked AMI releases
            for (JsonNode a : doc.has(field) ? list(doc, field) : JSON.createArrayNode()) {
                String architecture = text(a, "architecture");
                if (!architecture.equals("arm64") && !architecture.equals("amd64")) {
                    throw new IOException("AMI release " + a.path("alias").asText() + " has architecture '"
                            + architecture + "'; expected arm64 or amd64");
                }
                amis.add(new AmiFacts(text(a, "alias"), text(a, "kubernetesVersion"), architecture,
                        text(a, "imageName"), a.path("imageId").asText("")));
            }
            field = "";
            return new EnvironmentContext(text(doc, "environment"), text(doc, "account"), text(doc, "region"),
                    zones, types, ranges, text(addonVersions, "kubernetesVersion"), addons, versions, amis);
        } catch (IOException e) {
            throw new ConfigException(new ConfigError(EnvironmentLoader.display(file), 0, field,
                    "the context file cannot be read: " + e.getMessage(), "run " + REFRESH_COMMAND
                            + " for this environment again, review the diff and commit it"));
        }
    }

    private static final Pattern INSTANCE_TYPE = Pattern.compile(
            "[a-z0-9-]+\\.[a-z0-9-]+");

    private static int positive(JsonNode parent, String field, String what) throws IOException {
        JsonNode n = parent.get(field);
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new IOException(what + " has no positive '" + field + "'");
        }
        return n.asInt();
    }

    private static JsonNode list(JsonNode parent, String field) throws IOException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isArray()) {
            throw new IOException("'" + field + "' is not a list");
        }
        return n;
    }

    private static String text(JsonNode parent, String field) throws IOException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw new IOException("'" + field + "' is missing or not a string");
        }
        return n.asText();
    }

    /**
     * Writes every file or none: each goes to a temporary file beside its target first, and the targets are replaced
     * only once all temporary files are written.
     */
    public static void writeAll(Map<Path, String> files) {
        Map<Path, Path> staged = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, String> e : files.entrySet()) {
                Files.createDirectories(e.getKey().getParent());
                Path tmp = e.getKey().resolveSibling("." + e.getKey().getFileName() + ".tmp");
                Files.writeString(tmp, e.getValue());
                staged.put(tmp, e.getKey());
            }
            for (Map.Entry<Path, Path> e : staged.entrySet()) {
                Files.move(e.getKey(), e.getValue(), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            for (Path tmp : staged.keySet()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the real files are untouched either way
                }
            }
            throw new UncheckedIOException(e);
        }
    }
}
