package dev.v6platform.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refresh command end to end: the samples' us-east-1 environments against a local EC2 endpoint. */
class RefreshTest {
    static Path stacks(String name) throws IOException {
        Path dir = FixtureSynthesis.fresh(name);
        for (String f : List.of("dev-use1.yaml", "prod-use1.yaml", "network.yaml", "address-plan.lock.yaml")) {
            Files.copy(FixtureSynthesis.STACKS.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    /**
     * The replies one environment's refresh reads: whose credentials, zones, one page of offerings, types, VPCs,
     * add-on versions, cluster versions, the AMI release's images.
     */
    static FakeAws answerOneEnvironment(FakeAws aws) {
        return aws.sts("314159265358").xml(200, Ec2LookupsTest.ZONES).xml(200, Ec2LookupsTest.OFFERINGS_PAGE_2)
                .xml(200, Ec2LookupsTest.TYPES).xml(200, Ec2LookupsTest.VPCS).json(200, EksLookupsTest.PAGE_2)
                .json(200, EksLookupsTest.VERSIONS_PAGE_2).xml(200, Ec2LookupsTest.IMAGES);
    }

    static int run(FakeAws aws, Path stacks, ByteArrayOutputStream err, String... names) {
        String[] args = new String[names.length + 2];
        args[0] = "--stacks";
        args[1] = stacks.toString();
        System.arraycopy(names, 0, args, 2, names.length);
        return Refresh.run(args, aws.endpoint(), FakeAws.credentials(), new PrintStream(err, true,
                StandardCharsets.UTF_8));
    }

    @Test
    void help_prints_the_usage_and_asks_aws_nothing_and_an_unknown_flag_is_refused() throws Exception {
        Path stacks = stacks("refresh-help");
        try (FakeAws aws = new FakeAws()) {
            ByteArrayOutputStream help = new ByteArrayOutputStream();
            ByteArrayOutputStream bad = new ByteArrayOutputStream();

            assertThat(run(aws, stacks, help, "--help")).isZero();
            assertThat(run(aws, stacks, bad, "--profile")).isEqualTo(2);

            assertThat(help.toString(StandardCharsets.UTF_8)).startsWith("usage: scripts/refresh.sh [--stacks DIR] "
                    + "[ENVIRONMENT...]").contains("V6_AWS_ENDPOINT");
            assertThat(bad.toString(StandardCharsets.UTF_8)).startsWith("error: unknown or incomplete argument "
                    + "'--profile'\nusage: scripts/refresh.sh");
            assertThat(stacks.resolve("context")).doesNotExist();
        }
    }

    @Test
    void writes_one_sorted_context_file_per_environment_and_the_same_bytes_when_nothing_changed() throws Exception {
        Path stacks = stacks("refresh-ok");
        try (FakeAws aws = new FakeAws()) {
            for (int i = 0; i < 4; i++) {
                answerOneEnvironment(aws);
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(run(aws, stacks, err)).isZero();
            String first = Files.readString(stacks.resolve("context/prod-use1.json"));
            assertThat(first).isEqualTo("""
                    {
                      "account" : "314159265358",
                      "addonVersions" : {
                        "addons" : {
                          "coredns" : {
                            "compatible" : [ "v1.12.4-eksbuild.1" ],
                            "default" : "v1.12.4-eksbuild.1",
                            "latest" : "v1.12.4-eksbuild.1"
                          }
                        },
                        "kubernetesVersion" : "1.33"
                      },
                      "amiReleases" : [ {
                        "alias" : "al2023@v20251016",
                        "architecture" : "amd64",
                        "imageId" : "",
                        "imageName" : "amazon-eks-node-al2023-x86_64-standard-1.33-v20251016",
                        "kubernetesVersion" : "1.33"
                      }, {
                        "alias" : "al2023@v20251016",
                        "architecture" : "arm64",
                        "imageId" : "ami-0arm64release",
                        "imageName" : "amazon-eks-node-al2023-arm64-standard-1.33-v20251016",
                        "kubernetesVersion" : "1.33"
                      } ],
                      "availabilityZones" : [ {
                        "id" : "use1-az4",
                        "name" : "us-east-1a",
                        "state" : "available"
                      }, {
                        "id" : "use1-az6",
                        "name" : "us-east-1b",
                        "state" : "available"
                      } ],
                      "clusterVersions" : [ {
                        "default" : true,
                        "endOfExtendedSupport" : "",
                        "endOfStandardSupport" : "",
                        "status" : "STANDARD_SUPPORT",
                        "version" : "1.34"
                      } ],
                      "environment" : "prod-use1",
                      "instanceTypes" : [ {
                        "architecture" : "amd64",
                        "hypervisor" : "nitro",
                        "ipv6AddressesPerInterface" : 15,
                        "maxNetworkInterfaces" : 4,
                        "memoryMiB" : 8192,
                        "name" : "c7i.xlarge",
                        "vcpus" : 4,
                        "zones" : [ "us-east-1a" ]
                      } ],
                      "region" : "us-east-1",
                      "vpcIpv4Blocks" : [ {
                        "cidr" : "10.0.0.0/20",
                        "managedByPlatform" : true,
                        "vpcId" : "vpc-ours"
                      }, {
                        "cidr" : "10.16.0.0/16",
                        "managedByPlatform" : false,
                        "vpcId" : "vpc-legacy"
                      } ]
                    }
                    """);
            assertThat(stacks.resolve("context/dev-use1.json")).exists();
            assertThat(run(aws, stacks, err)).isZero();
            assertThat(Files.readString(stacks.resolve("context/prod-use1.json"))).isEqualTo(first);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("refreshed 2 environment(s)");
        }
    }

    @Test
    void a_failed_call_writes_nothing_and_leaves_the_committed_context_as_it_was() throws Exception {
        Path stacks = stacks("refresh-denied");
        Files.createDirectories(stacks.resolve("context"));
        Files.writeString(stacks.resolve("context/dev-use1.json"), "committed\n");
        try (FakeAws aws = answerOneEnvironment(new FakeAws()).sts("314159265358").ec2Error(403,
                "UnauthorizedOperation",
                "You are not authorized to perform this operation.")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            assertThat(run(aws, stacks, err)).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: prod-use1: "
                    + "ec2:DescribeAvailabilityZones failed: UnauthorizedOperation: You are not authorized to perform "
                    + "this operation.; nothing was written");
            assertThat(Files.readString(stacks.resolve("context/dev-use1.json"))).isEqualTo("committed\n");
            assertThat(stacks.resolve("context/prod-use1.json")).doesNotExist();
            try (var files = Files.list(stacks.resolve("context"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("dev-use1.json");
            }
        }
    }

    @Test
    void credentials_of_another_account_are_refused_before_anything_is_asked_or_written() throws Exception {
        Path stacks = stacks("refresh-wrong-account");
        try (FakeAws aws = new FakeAws().sts("999999999999")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            assertThat(run(aws, stacks, err, "prod-use1")).isEqualTo(1);

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: prod-use1: sts:GetCallerIdentity failed: "
                    + "the credentials belong to account 999999999999, but prod-use1 is in account 314159265358");
            assertThat(aws.requests).hasSize(1);
            assertThat(stacks.resolve("context")).doesNotExist();
        }
    }

    @Test
    void one_environment_can_be_refreshed_and_an_unknown_one_is_refused() throws Exception {
        Path stacks = stacks("refresh-one");
        try (FakeAws aws = answerOneEnvironment(new FakeAws())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(run(aws, stacks, err, "prod-use1")).isZero();
            assertThat(stacks.resolve("context/prod-use1.json")).exists();
            assertThat(stacks.resolve("context/dev-use1.json")).doesNotExist();

            assertThat(run(aws, stacks, err, "prod-euw9")).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("no environment 'prod-euw9'");
        }
    }
}
