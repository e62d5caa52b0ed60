package dev.v6platform.testing;

import dev.v6platform.config.AddonFacts;
import dev.v6platform.config.AmiFacts;
import dev.v6platform.config.ClusterVersionFacts;
import dev.v6platform.config.ContextFile;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentContext;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.InstanceTypeFacts;
import dev.v6platform.config.UsedRange;
import dev.v6platform.config.ZoneFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Context files for tests, in the refresh step's format: what an account like the samples' would report. Every
 * zone {@code <region>a..f} exists (with a stable id), the environment's pinned add-on versions are offered, and its
 * Kubernetes version is in standard support, and its AMI release exists for every pool's architecture.
 */
public final class Contexts {
    private Contexts() {
    }

    /** Zone ids for {@code <region>a} to {@code <region>f}, deliberately not in letter order (as in real accounts). */
    static final String[] IDS = {"az4", "az6", "az1", "az2", "az3", "az5"};

    /** A context for {@code env} offering {@code types} ({@code name:arch}) in every zone of the region. */
    public static EnvironmentContext of(EnvironmentConfig env, List<UsedRange> vpcs, String... types) {
        List<ZoneFacts> zones = new ArrayList<>();
        for (int i = 0; i < IDS.length; i++) {
            zones.add(new ZoneFacts(env.region() + (char) ('a' + i), zoneId(env.region(), i), "available"));
        }
        List<String> zoneNames = zones.stream().map(ZoneFacts::name).toList();
        List<InstanceTypeFacts> instanceTypes = new ArrayList<>();
        for (String t : types) {
            String[] p = t.split(":");
            instanceTypes.add(new InstanceTypeFacts(p[0], p[1], "nitro", 4, 16384, 4, 15, zoneNames));
        }
        List<AddonFacts> addons = new ArrayList<>();
        env.cluster().addonVersions().forEach((name, version) -> addons.add(new AddonFacts(name, version, version,
                List.of(version))));
        addons.sort((a, b) -> a.name().compareTo(b.name()));
        String version = env.kubernetesVersion().toString();
        List<AmiFacts> amis = new ArrayList<>();
        env.karpenter().ifPresent(k -> k.architectures().stream()
                .forEach(arch -> AmiFacts.imageName(k.amiAlias(), version, arch).ifPresent(name -> amis.add(
                        new AmiFacts(k.amiAlias(), version, arch, name, "ami-0" + arch + "release")))));
        return new EnvironmentContext(env.name(), env.account(), env.region(), zones, instanceTypes, vpcs,
                version, addons, List.of(new ClusterVersionFacts(version, "STANDARD_SUPPORT", true, "", "")), amis);
    }

    /** The id {@link #of} gives zone {@code <region><letter>}, e.g. {@code use1-az4} for us-east-1a. */
    public static String zoneId(String region, int letter) {
        String[] parts = region.split("-");
        return parts[0] + parts[1].charAt(0) + parts[2] + "-" + IDS[letter];
    }

    /** Writes {@code ctx} where synth looks for it, beside the environment files in {@code stacks}. */
    public static Path write(Path stacks, EnvironmentContext ctx) throws IOException {
        Path file = stacks.resolve(ContextFile.DIRECTORY).resolve(ctx.environment() + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, ContextFile.render(ctx));
        return file;
    }

    /** The fixture environment {@code name} as read from the fixture stacks without any context. */
    public static EnvironmentConfig sample(String name) {
        return EnvironmentLoader.loadDirectoryWithoutContext(FixtureSynthesis.STACKS).stream()
                .filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }
}
