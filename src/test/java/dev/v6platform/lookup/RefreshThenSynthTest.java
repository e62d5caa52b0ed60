package dev.v6platform.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.app.Main;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documented workflow end to end: the refresh command against a local endpoint writes the context, and synth,
 * which never calls AWS, takes zone names, add-on versions and VPC ranges in use from it.
 */
class RefreshThenSynthTest {
    /** us-east-1 as this account sees it: names and ids in different orders. */
    static final String ZONES = """
            <DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <availabilityZoneInfo>
                <item><zoneName>us-east-1a</zoneName><zoneId>use1-az4</zoneId><zoneState>available</zoneState>
                  <regionName>us-east-1</regionName><zoneType>availability-zone</zoneType></item>
                <item><zoneName>us-east-1b</zoneName><zoneId>use1-az6</zoneId><zoneState>available</zoneState>
                  <regionName>us-east-1</regionName><zoneType>availability-zone</zoneType></item>
                <item><zoneName>us-east-1c</zoneName><zoneId>use1-az1</zoneId><zoneState>available</zoneState>
                  <regionName>us-east-1</regionName><zoneType>availability-zone</zoneType></item>
                <item><zoneName>us-east-1d</zoneName><zoneId>use1-az2</zoneId><zoneState>available</zoneState>
                  <regionName>us-east-1</regionName><zoneType>availability-zone</zoneType></item>
              </availabilityZoneInfo>
            </DescribeAvailabilityZonesResponse>
            """;

    static String offerings() {
        StringBuilder items = new StringBuilder();
        for (String type : List.of("m7g.large", "c7i.xlarge")) {
            for (String zone : List.of("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d")) {
                items.append("<item><instanceType>").append(type).append("</instanceType><locationType>"
                        + "availability-zone</locationType><location>").append(zone).append("</location></item>\n");
            }
        }
        return "<DescribeInstanceTypeOfferingsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>test-request</requestId><instanceTypeOfferingSet>" + items
                + "</instanceTypeOfferingSet></DescribeInstanceTypeOfferingsResponse>";
    }

    static String vpcs(String legacyCidr) {
        return """
                <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                  <requestId>test-request</requestId>
                  <vpcSet>
                    <item><vpcId>vpc-0legacy</vpcId><cidrBlock>%1$s</cidrBlock>
                      <cidrBlockAssociationSet>
                        <item><cidrBlock>%1$s</cidrBlock><associationId>a1</associationId>
                          <cidrBlockState><state>associated</state></cidrBlockState></item>
                      </cidrBlockAssociationSet></item>
                  </vpcSet>
                </DescribeVpcsResponse>
                """.formatted(legacyCidr);
    }

    /** The AMI release dev-use1 pins, published for 1.34 on both architectures. */
    static final String IMAGES = """
            <DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <imagesSet>
                <item><imageId>ami-0arm</imageId><name>amazon-eks-node-al2023-arm64-standard-1.34-v20251016</name>
                  <creationDate>2025-10-16T00:00:00.000Z</creationDate></item>
                <item><imageId>ami-0x86</imageId><name>amazon-eks-node-al2023-x86_64-standard-1.34-v20251016</name>
                  <creationDate>2025-10-16T00:00:00.000Z</creationDate></item>
              </imagesSet>
            </DescribeImagesResponse>
            """;

    static final String ADDONS = """
            {"addons": [
              {"addonName": "vpc-cni", "addonVersions": [
                {"addonVersion": "v1.21.0-eksbuild.1",
                 "compatibilities": [{"clusterVersion": "1.34", "defaultVersion": false}]},
                {"addonVersion": "v1.20.4-eksbuild.1",
                 "compatibilities": [{"clusterVersion": "1.34", "defaultVersion": true}]}]},
              {"addonName": "coredns", "addonVersions": [
                {"addonVersion": "v1.12.4-eksbuild.1",
                 "compatibilities": [{"clusterVersion": "1.34", "defaultVersion": true}]}]}
            ]}
            """;

    /** The samples' us-east-1 environments, dev-use1 written with zone ids and add-on words. */
    static Path stacks(String name) throws IOException {
        Path stacks = FixtureSynthesis.fresh(name).resolve("stacks");
        Files.createDirectories(stacks);
        for (String f : List.of("prod-use1.yaml", "network.yaml", "address-plan.lock.yaml")) {
            Files.copy(FixtureSynthesis.STACKS.resolve(f), stacks.resolve(f));
        }
        Files.writeString(stacks.resolve("dev-use1.yaml"), Files.readString(FixtureSynthesis.STACKS.resolve("dev-use1.yaml"))
                .replace("availabilityZones: [us-east-1a, us-east-1b, us-east-1c]",
                        "availabilityZones: [use1-az4, use1-az6, use1-az1]   # us-east-1a, b, c in this account")
                .replace("vpc-cni: v1.20.4-eksbuild.1", "vpc-cni: default")
                .replace("coredns: v1.12.4-eksbuild.1", "coredns: latest"));
        return stacks;
    }

    static int refresh(Path stacks, String legacyCidr, ByteArrayOutputStream err) throws IOException {
        try (FakeAws aws = new FakeAws()) {
            aws.sts("314159265358").xml(200, ZONES).xml(200, offerings()).xml(200, Ec2LookupsTest.TYPES).xml(200, vpcs(legacyCidr))
                    .json(200, ADDONS).json(200, EksLookupsTest.VERSIONS_PAGE_2).xml(200, IMAGES);
            return Refresh.run(new String[] {"--stacks", stacks.toString(), "dev-use1"}, aws.endpoint(),
                    FakeAws.credentials(), new PrintStream(err, true, StandardCharsets.UTF_8));
        }
    }

    static int synth(Path stacks, ByteArrayOutputStream err) {
        Path dir = stacks.getParent();
        return Main.run(new String[] {"--stacks", stacks.toString(), "--frozen-plan", "--dist",
            dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void synth_from_a_refreshed_context_equals_the_fixture_written_with_zone_names_and_pinned_versions()
            throws IOException {
        Path stacks = stacks("refresh-then-synth");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(refresh(stacks, "10.16.0.0/16", err)).isZero();
        assertThat(stacks.resolve("context/dev-use1.json")).exists();

        assertThat(synth(stacks, err)).as(err.toString(StandardCharsets.UTF_8)).isZero();

        Path dir = stacks.getParent();
        assertThat(dir.resolve("cdk.out/v6-dev-use1.template.json")).hasSameBinaryContentAs(
                FixtureSynthesis.get().cdkOut().resolve("v6-dev-use1.template.json"));
        assertThat(dir.resolve("cdk.out/v6-prod-use1.template.json")).hasSameBinaryContentAs(
                FixtureSynthesis.get().cdkOut().resolve("v6-prod-use1.template.json"));
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("warning: prod-use1: no " + stacks.resolve("context/prod-use1.json").toString()
                        .replace('\\', '/'))
                .doesNotContain("warning: dev-use1");
    }

    @Test
    void a_vpc_found_in_the_account_that_overlaps_a_planned_vpc_stops_synth_naming_it() throws IOException {
        Path stacks = stacks("refresh-then-collide");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(refresh(stacks, "10.208.8.0/22", err)).isZero();

        assertThat(synth(stacks, err)).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("context/dev-use1.json: vpcIpv4Blocks: AWS "
                + "reports 10.208.8.0/22 in use (VPC vpc-0legacy of account 314159265358 in us-east-1), which "
                + "overlaps dev-use1's VPC block 10.208.0.0/20 in the lock").doesNotContain("\tat ");
        assertThat(stacks.getParent().resolve("cdk.out")).doesNotExist();
    }
}
