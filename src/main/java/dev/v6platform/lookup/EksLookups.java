package dev.v6platform.lookup;

import dev.v6platform.config.AddonFacts;
import dev.v6platform.config.ClusterVersionFacts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.AddonInfo;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.ClusterVersionInformation;
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.DescribeAddonVersionsRequest;
import software.amazon.awssdk.services.eks.model.DescribeClusterVersionsRequest;

/** What the refresh step asks EKS; failures name the environment, the API and AWS's error. */
public final class EksLookups {
    static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)-eksbuild\\.(\\d+)");
    static final Comparator<String> NEWEST_LAST = Comparator.comparing(EksLookups::key);

    private final EksClient eks;
    private final String environment;

    public EksLookups(EksClient eks, String environment) {
        this.eks = eks;
        this.environment = environment;
    }

    /**
     * For each of {@code names}, its default and newest versions compatible with Kubernetes {@code version}, sorted
     * by add-on name; every page is read.
     */
    public List<AddonFacts> addonVersions(String version, Set<String> names) {
        List<AddonFacts> out = new ArrayList<>();
        try {
            for (AddonInfo addon : eks.describeAddonVersionsPaginator(DescribeAddonVersionsRequest.builder()
                    .kubernetesVersion(version).build()).addons()) {
                if (!names.contains(addon.addonName())) {
                    continue;
                }
                String def = null;
                String latest = null;
                List<String> compatibleVersions = new ArrayList<>();
                for (AddonVersionInfo v : addon.addonVersions()) {
                    boolean compatible = false;
                    for (Compatibility c : v.compatibilities()) {
                        if (version.equals(c.clusterVersion())) {
                            compatible = true;
                            if (Boolean.TRUE.equals(c.defaultVersion())) {
                                def = v.addonVersion();
                            }
                        }
                    }
                    if (compatible) {
                        compatibleVersions.add(v.addonVersion());
                    }
                    if (compatible && (latest == null || NEWEST_LAST.compare(v.addonVersion(), latest) > 0)) {
                        latest = v.addonVersion();
                    }
                }
                if (latest != null) {
                    compatibleVersions.sort(NEWEST_LAST.reversed());
                    out.add(new AddonFacts(addon.addonName(), def == null ? latest : def, latest,
                            compatibleVersions));
                }
            }
        } catch (AwsServiceException | SdkClientException e) {
            throw LookupException.of(environment, "eks:DescribeAddonVersions", e);
        }
        out.sort(Comparator.comparing(AddonFacts::name));
        return out;
    }

    /**
     * The Kubernetes versions EKS offers for new and existing clusters in the region (standard and extended support),
     * newest first; every page is read.
     */
    public List<ClusterVersionFacts> clusterVersions() {
        List<ClusterVersionFacts> out = new ArrayList<>();
        try {
            for (ClusterVersionInformation v : eks.describeClusterVersionsPaginator(DescribeClusterVersionsRequest
                    .builder().clusterType("eks").build()).clusterVersions()) {
                String status = status(v.versionStatusAsString() != null ? v.versionStatusAsString()
                        : v.statusAsString());
                out.add(new ClusterVersionFacts(v.clusterVersion(), status, Boolean.TRUE.equals(v.defaultVersion()),
                        date(v.endOfStandardSupportDate()), date(v.endOfExtendedSupportDate())));
            }
        } catch (AwsServiceException | SdkClientException e) {
            throw LookupException.of(environment, "eks:DescribeClusterVersions", e);
        }
        out.sort(Comparator.comparing((ClusterVersionFacts v) -> minorKey(v.version())).reversed());
        return out;
    }

    /**
     * The support status in one spelling: {@code versionStatus} is STANDARD_SUPPORT, the older {@code status} is
     * standard-support; an absent one is UNKNOWN.
     */
    static String status(String raw) {
        return raw == null || raw.isBlank() ? "UNKNOWN" : raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static String date(Instant instant) {
        return instant == null ? "" : instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static String minorKey(String version) {
        String[] parts = version.split("\\.");
        try {
            return String.format(Locale.ROOT, "%06d.%06d", Integer.parseInt(parts[0]),
                    parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            return version;
        }
    }

    /** Sortable key of vMAJOR.MINOR.PATCH-eksbuild.N; unknown shapes sort first. */
    static String key(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            return "";
        }
        return String.format(Locale.ROOT, "%06d.%06d.%06d.%06d", Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }
}
