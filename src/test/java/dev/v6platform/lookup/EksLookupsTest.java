package dev.v6platform.lookup;

import dev.v6platform.config.AddonFacts;
import dev.v6platform.config.ClusterVersionFacts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The real EKS client against a local endpoint speaking EKS's REST/JSON protocol. */
class EksLookupsTest {
    static final String PAGE_1 = """
            {"addons": [
              {"addonName": "vpc-cni", "type": "networking", "addonVersions": [
                {"addonVersion": "v1.20.4-eksbuild.1", "architecture": ["amd64", "arm64"],
                 "compatibilities": [{"clusterVersion": "1.33", "platformVersions": ["*"], "defaultVersion": true}]},
                {"addonVersion": "v1.21.0-eksbuild.2", "architecture": ["amd64", "arm64"],
                 "compatibilities": [{"clusterVersion": "1.33", "platformVersions": ["*"], "defaultVersion": false}]},
                {"addonVersion": "v1.22.1-eksbuild.1", "architecture": ["amd64", "arm64"],
                 "compatibilities": [{"clusterVersion": "1.34", "platformVersions": ["*"], "defaultVersion": true}]}
              ]},
              {"addonName": "adot", "type": "observability", "addonVersions": [
                {"addonVersion": "v0.131.0-eksbuild.1", "architecture": ["amd64"],
                 "compatibilities": [{"clusterVersion": "1.33", "platformVersions": ["*"], "defaultVersion": true}]}
              ]}
            ], "nextToken": "page-2"}
            """;
    static final String PAGE_2 = """
            {"addons": [
              {"addonName": "coredns", "type": "networking", "addonVersions": [
                {"addonVersion": "v1.12.4-eksbuild.1", "architecture": ["amd64", "arm64"],
                 "compatibilities": [{"clusterVersion": "1.33", "platformVersions": ["*"], "defaultVersion": true}]}
              ]}
            ]}
            """;

    static final String VERSIONS_PAGE_1 = """
            {"clusterVersions": [
              {"clusterVersion": "1.33", "clusterType": "eks", "defaultPlatformVersion": "eks.9",
               "defaultVersion": false, "releaseDate": 1748476800, "endOfStandardSupportDate": 1785024000,
               "endOfExtendedSupportDate": 1816560000, "status": "STANDARD_SUPPORT",
               "versionStatus": "STANDARD_SUPPORT", "kubernetesPatchVersion": "1.33.5"},
              {"clusterVersion": "1.30", "clusterType": "eks", "defaultVersion": false,
               "endOfStandardSupportDate": 1753920000, "endOfExtendedSupportDate": 1785456000,
               "versionStatus": "EXTENDED_SUPPORT"}
            ], "nextToken": "v2"}
            """;
    static final String VERSIONS_PAGE_2 = """
            {"clusterVersions": [
              {"clusterVersion": "1.34", "clusterType": "eks", "defaultVersion": true,
               "versionStatus": "STANDARD_SUPPORT"}
            ]}
            """;

    static EksLookups lookups(FakeAws aws) {
        return new EksLookups(AwsClients.eks("us-east-1", aws.endpoint(), FakeAws.credentials()), "prod-use1");
    }

    @Test
    void default_and_newest_compatible_versions_of_the_platforms_addons_from_every_page() throws Exception {
        try (FakeAws aws = new FakeAws().json(200, PAGE_1).json(200, PAGE_2)) {
            assertThat(lookups(aws).addonVersions("1.33", Set.of("vpc-cni", "coredns", "kube-proxy")))
                    .containsExactly(new AddonFacts("coredns", "v1.12.4-eksbuild.1", "v1.12.4-eksbuild.1",
                                    List.of("v1.12.4-eksbuild.1")),
                            new AddonFacts("vpc-cni", "v1.20.4-eksbuild.1", "v1.21.0-eksbuild.2",
                                    List.of("v1.21.0-eksbuild.2", "v1.20.4-eksbuild.1")));
            assertThat(aws.requests).hasSize(2);
        }
    }

    @Test
    void access_denied_names_the_environment_the_api_and_aws_error() throws Exception {
        try (FakeAws aws = new FakeAws()) {
            aws.reply(403, "application/json", "{\"__type\": \"AccessDeniedException\", \"message\": \"User is not "
                    + "authorized to perform: eks:DescribeAddonVersions\"}");
            assertThatThrownBy(() -> lookups(aws).addonVersions("1.33", Set.of("vpc-cni")))
                    .isInstanceOf(LookupException.class)
                    .hasMessage("prod-use1: eks:DescribeAddonVersions failed: AccessDeniedException: User is not "
                            + "authorized to perform: eks:DescribeAddonVersions");
        }
    }

    @Test
    void cluster_versions_from_every_page_newest_first_with_their_support_dates() throws Exception {
        try (FakeAws aws = new FakeAws().json(200, VERSIONS_PAGE_1).json(200, VERSIONS_PAGE_2)) {
            assertThat(lookups(aws).clusterVersions()).containsExactly(
                    new ClusterVersionFacts("1.34", "STANDARD_SUPPORT", true, "", ""),
                    new ClusterVersionFacts("1.33", "STANDARD_SUPPORT", false, "2026-07-26", "2027-07-26"),
                    new ClusterVersionFacts("1.30", "EXTENDED_SUPPORT", false, "2025-07-31", "2026-07-31"));
            assertThat(aws.requests).hasSize(2);
            assertThat(aws.requests.get(1)).contains("nextToken=v2");
        }
    }

    @Test
    void a_throttled_eks_call_is_retried() throws Exception {
        try (FakeAws aws = new FakeAws()) {
            aws.reply(429, "application/json", "{\"__type\": \"TooManyRequestsException\", \"message\": \"Rate "
                    + "exceeded\"}");
            aws.json(200, VERSIONS_PAGE_2);
            assertThat(lookups(aws).clusterVersions()).extracting(ClusterVersionFacts::version).containsExactly("1.34");
            assertThat(aws.requests).hasSize(2);
        }
    }

    @Test
    void a_malformed_eks_response_is_an_error_naming_the_api_not_an_empty_answer() throws Exception {
        try (FakeAws aws = new FakeAws().json(200, "{\"clusterVersions\": [{\"clusterVersion\": ")) {
            assertThatThrownBy(() -> lookups(aws).clusterVersions()).isInstanceOf(LookupException.class)
                    .hasMessageStartingWith("prod-use1: eks:DescribeClusterVersions failed: ");
        }
    }

    @Test
    void both_spellings_of_the_support_status_become_one() {
        assertThat(EksLookups.status("extended-support")).isEqualTo("EXTENDED_SUPPORT");
        assertThat(EksLookups.status("STANDARD_SUPPORT")).isEqualTo("STANDARD_SUPPORT");
        assertThat(EksLookups.status(null)).isEqualTo("UNKNOWN");
    }

    @Test
    void versions_compare_numerically_not_as_text() {
        assertThat(EksLookups.NEWEST_LAST.compare("v1.10.0-eksbuild.1", "v1.9.9-eksbuild.9")).isPositive();
        assertThat(EksLookups.NEWEST_LAST.compare("v1.20.4-eksbuild.10", "v1.20.4-eksbuild.2")).isPositive();
    }
}
