package dev.v6platform.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.v6platform.config.ConfigError;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.karpenter.InstanceOfferings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The committed facts of one environment, {@code stacks/context/<environment>.json}: keys sorted and lists in a
 * stable order, so a refresh that learns nothing new changes nothing and a review sees only real changes.
 */
public final class ContextFile {
    /** The directory below {@code stacks/}. */
    public static final String DIRECTORY = "context";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ContextFile() {
    }

    /** The file's text for an environment's zones and instance types. */
    public static String render(String environment, String account, String region, List<ZoneFacts> zones,
            List<InstanceTypeFacts> instanceTypes, List<UsedRange> vpcRanges, String kubernetesVersion,
            List<AddonFacts> addons) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("account", account);
        doc.put("environment", environment);
        doc.put("region", region);
        doc.put("availabilityZones", zones.stream().map(z -> Map.of("name", z.name(), "id", z.id(),
                "state", z.state())).toList());
        doc.put("instanceTypes", instanceTypes.stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("architecture", t.architecture());
            m.put("hypervisor", t.hypervisor());
            m.put("vcpus", t.vcpus());
            m.put("memoryMiB", t.memoryMiB());
            m.put("maxNetworkInterfaces", t.maxNetworkInterfaces());
            m.put("ipv6AddressesPerInterface", t.ipv6PerInterface());
            m.put("zones", t.zones());
            return m;
        }).toList());
        Map<String, Object> addonDoc = new LinkedHashMap<>();
        addons.forEach(a -> addonDoc.put(a.name(), Map.of("default", a.defaultVersion(), "latest",
                a.latestVersion())));
        doc.put("addonVersions", Map.of("kubernetesVersion", kubernetesVersion, "addons", addonDoc));
        doc.put("vpcIpv4Blocks", vpcRanges.stream().map(r -> Map.of("cidr", r.cidr(), "vpcId", r.vpcId(),
                "managedByPlatform", r.managed())).toList());
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An environment's context file, beside its stacks file: {@code stacks/context/<environment>.json}. */
    public static Path of(EnvironmentConfig env) {
        return Path.of(env.source()).resolveSibling(DIRECTORY).resolve(env.name() + ".json");
    }

    /**
     * The instance types a context file records, as the Karpenter offerings check reads them.
     *
     * @throws dev.v6platform.config.ConfigException naming the file when it cannot be read
     */
    public static InstanceOfferings offerings(Path file) {
        try {
            JsonNode doc = JSON.readTree(file.toFile());
            Map<String, InstanceOfferings.InstanceType> types = new LinkedHashMap<>();
            Map<String, Set<String>> zones = new LinkedHashMap<>();
            JsonNode list = doc.get("instanceTypes");
            if (list == null || !list.isArray()) {
                throw new IOException("no instanceTypes list");
            }
            for (JsonNode t : list) {
                String name = t.path("name").asText(null);
                if (name == null || !t.path("zones").isArray()) {
                    throw new IOException("an instance type without name or zones");
                }
                types.put(name, new InstanceOfferings.InstanceType(name,
                        t.path("architecture").asText(), t.path("hypervisor").asText(), t.path("vcpus").asInt()));
                Set<String> z = new TreeSet<>();
                t.path("zones").forEach(n -> z.add(n.asText()));
                zones.put(name, z);
            }
            return new InstanceOfferings(types, zones);
        } catch (IOException e) {
            throw new ConfigException(new ConfigError(
                    file.toString(), 0, "instanceTypes", "the context file cannot be read: " + e.getMessage(),
                    "run scripts/refresh.sh for this environment again, and commit the result"));
        }
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
