package dev.v6platform.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.AmiFacts;
import dev.v6platform.config.InstanceTypeFacts;
import dev.v6platform.config.UsedRange;
import dev.v6platform.config.ZoneFacts;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The real EC2 client against a local endpoint speaking EC2's Query/XML protocol. */
class Ec2LookupsTest {
    static final String ZONES = """
            <DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <availabilityZoneInfo>
                <item><zoneName>us-east-1b</zoneName><zoneId>use1-az6</zoneId><zoneState>available</zoneState>
                  <regionName>us-east-1</regionName><zoneType>availability-zone</zoneType></item>
                <item><zoneName>us-east-1a</zoneName><zoneId>use1-az4</zoneId><zoneState>available</zoneState>
                  <regionName>us-east-1</regionName><zoneType>availability-zone</zoneType></item>
              </availabilityZoneInfo>
            </DescribeAvailabilityZonesResponse>
            """;

    static final String OFFERINGS_PAGE_1 = """
            <DescribeInstanceTypeOfferingsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <instanceTypeOfferingSet>
                <item><instanceType>m7g.large</instanceType><locationType>availability-zone</locationType>
                  <location>us-east-1b</location></item>
                <item><instanceType>m7g.large</instanceType><locationType>availability-zone</locationType>
                  <location>us-east-1a</location></item>
              </instanceTypeOfferingSet>
              <nextToken>page-2</nextToken>
            </DescribeInstanceTypeOfferingsResponse>
            """;
    static final String OFFERINGS_PAGE_2 = """
            <DescribeInstanceTypeOfferingsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <instanceTypeOfferingSet>
                <item><instanceType>c7i.xlarge</instanceType><locationType>availability-zone</locationType>
                  <location>us-east-1a</location></item>
              </instanceTypeOfferingSet>
            </DescribeInstanceTypeOfferingsResponse>
            """;
    static final String TYPES = """
            <DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <instanceTypeSet>
                <item><instanceType>m7g.large</instanceType><hypervisor>nitro</hypervisor>
                  <processorInfo><supportedArchitectures><item>arm64</item></supportedArchitectures></processorInfo>
                  <vCpuInfo><defaultVCpus>2</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>8192</sizeInMiB></memoryInfo>
                  <networkInfo><maximumNetworkInterfaces>3</maximumNetworkInterfaces>
                    <ipv6AddressesPerInterface>15</ipv6AddressesPerInterface></networkInfo></item>
                <item><instanceType>c7i.xlarge</instanceType><hypervisor>nitro</hypervisor>
                  <processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures></processorInfo>
                  <vCpuInfo><defaultVCpus>4</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>8192</sizeInMiB></memoryInfo>
                  <networkInfo><maximumNetworkInterfaces>4</maximumNetworkInterfaces>
                    <ipv6AddressesPerInterface>15</ipv6AddressesPerInterface></networkInfo></item>
                <item><instanceType>u-12tb1.metal</instanceType>
                  <processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures></processorInfo>
                  <vCpuInfo><defaultVCpus>448</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>12582912</sizeInMiB>
                  </memoryInfo><networkInfo><maximumNetworkInterfaces>15</maximumNetworkInterfaces>
                    <ipv6AddressesPerInterface>50</ipv6AddressesPerInterface></networkInfo></item>
              </instanceTypeSet>
            </DescribeInstanceTypesResponse>
            """;

    static final String VPCS = """
            <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <vpcSet>
                <item><vpcId>vpc-legacy</vpcId><cidrBlock>10.16.0.0/16</cidrBlock>
                  <cidrBlockAssociationSet>
                    <item><cidrBlock>10.16.0.0/16</cidrBlock><associationId>a1</associationId>
                      <cidrBlockState><state>associated</state></cidrBlockState></item>
                    <item><cidrBlock>10.17.0.0/16</cidrBlock><associationId>a2</associationId>
                      <cidrBlockState><state>disassociated</state></cidrBlockState></item>
                  </cidrBlockAssociationSet></item>
                <item><vpcId>vpc-ours</vpcId><cidrBlock>10.0.0.0/20</cidrBlock>
                  <cidrBlockAssociationSet>
                    <item><cidrBlock>10.0.0.0/20</cidrBlock><associationId>a3</associationId>
                      <cidrBlockState><state>associated</state></cidrBlockState></item>
                  </cidrBlockAssociationSet>
                  <tagSet><item><key>v6-platform:managed-by</key><value>v6-platform</value></item></tagSet></item>
              </vpcSet>
            </DescribeVpcsResponse>
            """;

    /** AWS's answer for al2023@v20251016 on 1.33: the arm64 image exists (deprecated, still listed), x86_64 not. */
    static final String IMAGES = """
            <DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
              <requestId>test-request</requestId>
              <imagesSet>
                <item><imageId>ami-0arm64release</imageId>
                  <name>amazon-eks-node-al2023-arm64-standard-1.33-v20251016</name>
                  <creationDate>2025-10-16T01:02:03.000Z</creationDate>
                  <imageOwnerAlias>amazon</imageOwnerAlias><architecture>arm64</architecture></item>
              </imagesSet>
            </DescribeImagesResponse>
            """;

    static Ec2Lookups lookups(FakeAws aws) {
        Ec2Client ec2 = AwsClients.ec2("us-east-1", aws.endpoint(), FakeAws.credentials());
        return new Ec2Lookups(ec2, "prod-use1");
    }

    @Test
    void zones_come_back_sorted_by_name_with_their_ids_and_only_real_availability_zones_are_asked_for()
            throws Exception {
        try (FakeAws aws = new FakeAws().xml(200, ZONES)) {
            assertThat(lookups(aws).availabilityZones()).containsExactly(
                    new ZoneFacts("us-east-1a", "use1-az4", "available"),
                    new ZoneFacts("us-east-1b", "use1-az6", "available"));
            assertThat(aws.requests.get(0)).contains("Action=DescribeAvailabilityZones")
                    .contains("Filter.1.Name=zone-type").contains("Filter.1.Value.1=availability-zone");
        }
    }

    @Test
    void an_ami_release_is_looked_up_by_its_image_name_per_architecture_and_a_missing_one_is_recorded_empty()
            throws Exception {
        try (FakeAws aws = new FakeAws().xml(200, IMAGES)) {
            assertThat(lookups(aws).amiReleases("al2023@v20251016", "1.33", List.of("amd64", "arm64")))
                    .containsExactly(
                            new AmiFacts("al2023@v20251016", "1.33", "amd64",
                                    "amazon-eks-node-al2023-x86_64-standard-1.33-v20251016", ""),
                            new AmiFacts("al2023@v20251016", "1.33", "arm64",
                                    "amazon-eks-node-al2023-arm64-standard-1.33-v20251016", "ami-0arm64release"));
            assertThat(aws.requests).hasSize(1);
            assertThat(aws.requests.get(0)).contains("Action=DescribeImages", "Owner.1=amazon",
                    "IncludeDeprecated=true", "Filter.1.Name=name",
                    "Filter.1.Value.1=amazon-eks-node-al2023-arm64-standard-1.33-v20251016",
                    "Filter.1.Value.2=amazon-eks-node-al2023-x86_64-standard-1.33-v20251016");
        }
    }

    @Test
    void the_latest_alias_has_no_release_to_check_and_asks_aws_nothing() throws Exception {
        try (FakeAws aws = new FakeAws()) {
            assertThat(lookups(aws).amiReleases("al2023@latest", "1.33", List.of("arm64"))).isEmpty();
            assertThat(aws.requests).isEmpty();
        }
    }

    @Test
    void a_throttled_call_is_retried_with_backoff() throws Exception {
        try (FakeAws aws = new FakeAws().ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.")
                .ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.").xml(200, ZONES)) {
            assertThat(lookups(aws).availabilityZones()).hasSize(2);
            assertThat(aws.requests).hasSize(3);
        }
    }

    @Test
    void access_denied_names_the_environment_the_api_and_aws_error() throws Exception {
        try (FakeAws aws = new FakeAws().ec2Error(403, "UnauthorizedOperation",
                "You are not authorized to perform this operation.")) {
            assertThatThrownBy(() -> lookups(aws).availabilityZones()).isInstanceOf(LookupException.class)
                    .hasMessage("prod-use1: ec2:DescribeAvailabilityZones failed: UnauthorizedOperation: You are not "
                            + "authorized to perform this operation.");
            assertThat(aws.requests).hasSize(1);
        }
    }

    @Test
    void a_malformed_response_is_an_error_not_an_empty_answer() throws Exception {
        try (FakeAws aws = new FakeAws().xml(200, "<DescribeAvailabilityZonesResponse><availabilityZoneInfo><item>")) {
            assertThatThrownBy(() -> lookups(aws).availabilityZones()).isInstanceOf(LookupException.class)
                    .hasMessageStartingWith("prod-use1: ec2:DescribeAvailabilityZones failed: ");
        }
    }

    @Test
    void offerings_are_read_page_by_page_and_joined_with_each_types_attributes() throws Exception {
        try (FakeAws aws = new FakeAws().xml(200, OFFERINGS_PAGE_1).xml(200, OFFERINGS_PAGE_2).xml(200, TYPES)) {
            assertThat(lookups(aws).instanceTypes()).containsExactly(
                    new InstanceTypeFacts("c7i.xlarge", "amd64", "nitro", 4, 8192, 4, 15, List.of(
                            "us-east-1a")),
                    new InstanceTypeFacts("m7g.large", "arm64", "nitro", 2, 8192, 3, 15, List.of(
                            "us-east-1a", "us-east-1b")));
            assertThat(aws.requests.get(0)).contains("Action=DescribeInstanceTypeOfferings")
                    .contains("LocationType=availability-zone").doesNotContain("NextToken");
            assertThat(aws.requests.get(1)).contains("NextToken=page-2");
        }
    }

    @Test
    void vpc_blocks_in_use_are_recorded_with_the_platforms_own_marked_and_released_blocks_left_out()
            throws Exception {
        try (FakeAws aws = new FakeAws().xml(200, VPCS)) {
            assertThat(lookups(aws).vpcRanges()).containsExactly(
                    new UsedRange("10.0.0.0/20", "vpc-ours", true),
                    new UsedRange("10.16.0.0/16", "vpc-legacy", false));
        }
    }
}
