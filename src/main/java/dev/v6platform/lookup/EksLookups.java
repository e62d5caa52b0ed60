package dev.v6platform.lookup;

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
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.DescribeAddonVersionsRequest;

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
                    if (compatible && (latest == null || NEWEST_LAST.compare(v.addonVersion(), latest) > 0)) {
                        latest = v.addonVersion();
                    }
                }
                if (latest != null) {
                    out.add(new AddonFacts(addon.addonName(), def == null ? latest : def, latest));
                }
            }
        } catch (AwsServiceException | SdkClientException e) {
            throw LookupException.of(environment, "eks:DescribeAddonVersions", e);
        }
        out.sort(Comparator.comparing(AddonFacts::name));
        return out;
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
