package dev.v6platform.config;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AWS regions this release knows (commercial, GovCloud, China, European Sovereign Cloud), so that a typo such as
 * {@code us-east-3} is refused before anything is planned for it. A region launched after this release is accepted
 * once the refresh step has recorded its zones in the environment's context.
 */
public final class AwsRegions {
    /** Every region code known to this release, sorted. */
    public static final Set<String> KNOWN = Set.copyOf(new TreeSet<>(List.of(
            "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
            "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1",
            "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
            "eu-west-2", "eu-west-3", "eusc-de-east-1", "il-central-1", "me-central-1", "me-south-1",
            "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1",
            "us-west-2")));

    private AwsRegions() {
    }

    /** Whether {@code region} is a known region code. */
    public static boolean known(String region) {
        return KNOWN.contains(region);
    }

    /** The known region closest in spelling to {@code region} (fewest edits), for a "did you mean". */
    public static String closest(String region) {
        return KNOWN.stream().min(Comparator.comparingInt((String k) -> YamlObject.distance(k, region))
                .thenComparing(Comparator.naturalOrder())).orElseThrow();
    }
}
