package dev.v6platform.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.NatGatewayMode;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.network.plan.Ipv4Cidr;
import dev.v6platform.network.plan.SubnetAllocation;
import dev.v6platform.network.plan.VpcAllocation;
import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.kms.Key;

/** The VPCs of prod-use1 (a NAT gateway per zone) and dev-use1 (one NAT gateway), built from the committed plan. */
class DualStackVpcTest {
    static AddressPlan plan;
    static Template prod;
    static Template dev;

    @BeforeAll
    static void synth() {
        plan = FixtureSynthesis.usEast().plan();
        prod = FixtureSynthesis.usEast().prod();
        dev = FixtureSynthesis.usEast().dev();
    }

    @Test
    void the_vpc_has_the_planned_primary_block_and_an_amazon_provided_ipv6_block() {
        prod.hasResourceProperties("AWS::EC2::VPC", Map.of(
                "CidrBlock", plan.vpc("prod-use1").primary().toString(),
                "EnableDnsHostnames", true,
                "EnableDnsSupport", true));
        prod.hasResourceProperties("AWS::EC2::VPCCidrBlock", Map.of("AmazonProvidedIpv6CidrBlock", true));
        prod.resourceCountIs("AWS::EC2::VPCCidrBlock", 1);
    }

    @Test
    void every_planned_subnet_exists_at_its_cidr_with_its_ipv6_64_and_dns64_off() {
        prod.resourceCountIs("AWS::EC2::Subnet", 9);
        for (SubnetAllocation s : plan.activeSubnets("prod-use1")) {
            prod.hasResourceProperties("AWS::EC2::Subnet", Match.objectLike(Map.of(
                    "CidrBlock", s.cidr().toString(),
                    "AvailabilityZone", s.zone(),
                    "AssignIpv6AddressOnCreation", true,
                    "MapPublicIpOnLaunch", false,
                    "EnableDns64", false,
                    "Ipv6CidrBlock", Map.of("Fn::Select", List.of(s.ipv6Index(), Map.of("Fn::Cidr", List.of(
                            Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAtt", List.of(
                                    Match.stringLikeRegexp("^Vpc"), "Ipv6CidrBlocks")))),
                            256, "64")))))));
        }
    }

    @Test
    void subnets_wait_for_the_ipv6_block() {
        Map<String, Map<String, Object>> subnets = prod.findResources("AWS::EC2::Subnet");
        assertThat(subnets.values()).allSatisfy(subnet ->
                assertThat((List<?>) subnet.get("DependsOn")).anyMatch(d -> d.toString().startsWith("VpcIpv6Block")));
    }

    @Test
    void subnets_carry_load_balancer_and_karpenter_discovery_tags() {
        prod.hasResourceProperties("AWS::EC2::Subnet", Match.objectLike(Map.of(
                "CidrBlock", plan.vpc("prod-use1").subnet("us-east-1a", SubnetTier.PUBLIC).orElseThrow().cidr()
                        .toString(),
                "Tags", Match.arrayWith(List.of(Map.of("Key", DualStackVpc.ELB_TAG, "Value", "1"))))));
        prod.hasResourceProperties("AWS::EC2::Subnet", Match.objectLike(Map.of(
                "CidrBlock", plan.vpc("prod-use1").subnet("us-east-1d", SubnetTier.NODES).orElseThrow().cidr()
                        .toString(),
                "Tags", Match.arrayWith(List.of(
                        Map.of("Key", DualStackVpc.DISCOVERY_TAG, "Value", "v6-prod-use1"),
                        Map.of("Key", DualStackVpc.INTERNAL_ELB_TAG, "Value", "1"))))));
    }

    @Test
    void public_routes_send_ipv4_and_ipv6_to_the_internet_gateway() {
        prod.hasResourceProperties("AWS::EC2::Route", Map.of("DestinationCidrBlock", "0.0.0.0/0",
                "GatewayId", Map.of("Ref", Match.stringLikeRegexp("^VpcInternetGateway")),
                "RouteTableId", Map.of("Ref", Match.stringLikeRegexp("^VpcPublicRouteTable"))));
        prod.hasResourceProperties("AWS::EC2::Route", Map.of("DestinationIpv6CidrBlock", "::/0",
                "GatewayId", Map.of("Ref", Match.stringLikeRegexp("^VpcInternetGateway")),
                "RouteTableId", Map.of("Ref", Match.stringLikeRegexp("^VpcPublicRouteTable"))));
    }

    @Test
    void node_routes_send_ipv4_through_nat_and_ipv6_through_the_egress_only_gateway() {
        prod.resourceCountIs("AWS::EC2::EgressOnlyInternetGateway", 1);
        prod.resourcePropertiesCountIs("AWS::EC2::Route", Map.of("DestinationIpv6CidrBlock", "::/0",
                "EgressOnlyInternetGatewayId", Match.anyValue()), 3);
        prod.resourcePropertiesCountIs("AWS::EC2::Route", Map.of("DestinationCidrBlock", "0.0.0.0/0",
                "NatGatewayId", Match.anyValue()), 3);
    }

    /** The logical id of the one resource of {@code type} whose Name tag is {@code name}. */
    static String named(Template t, String type, String name) {
        Map<String, Map<String, Object>> found = t.findResources(type, Map.of("Properties", Match.objectLike(Map.of(
                "Tags", Match.arrayWith(List.of(Map.of("Key", "Name", "Value", name)))))));
        assertThat(found).as(type + " named " + name).hasSize(1);
        return found.keySet().iterator().next();
    }

    @Test
    void each_zone_routes_ipv4_through_its_own_nat_gateway_in_its_own_public_subnet() {
        assertThat(plan.environments().get("prod-use1").network().natGateways()).isEqualTo(NatGatewayMode.PER_ZONE);
        prod.resourceCountIs("AWS::EC2::NatGateway", 3);
        prod.resourceCountIs("AWS::EC2::EIP", 3);
        for (String zone : List.of("us-east-1a", "us-east-1b", "us-east-1d")) {
            String nat = named(prod, "AWS::EC2::NatGateway", "prod-use1-" + zone);
            String table = named(prod, "AWS::EC2::RouteTable", "prod-use1-nodes-" + zone);
            String publicSubnet = named(prod, "AWS::EC2::Subnet", "prod-use1-public-" + zone);
            prod.hasResourceProperties("AWS::EC2::NatGateway", Match.objectLike(Map.of("SubnetId",
                    Map.of("Ref", publicSubnet), "Tags", Match.arrayWith(List.of(Map.of("Key", "Name",
                            "Value", "prod-use1-" + zone))))));
            prod.hasResourceProperties("AWS::EC2::Route", Map.of("DestinationCidrBlock", "0.0.0.0/0",
                    "NatGatewayId", Map.of("Ref", nat), "RouteTableId", Map.of("Ref", table)));
        }
    }

    @Test
    void a_single_nat_gateway_serves_every_zone_from_the_first_zone() {
        dev.resourceCountIs("AWS::EC2::NatGateway", 1);
        String nat = named(dev, "AWS::EC2::NatGateway", "dev-use1-us-east-1a");
        dev.resourcePropertiesCountIs("AWS::EC2::Route", Map.of("DestinationCidrBlock", "0.0.0.0/0",
                "NatGatewayId", Map.of("Ref", nat)), 3);
    }

    @Test
    void intra_subnets_have_no_route_out() {
        Map<String, Map<String, Object>> intraTables = prod.findResources("AWS::EC2::RouteTable",
                Map.of("Properties", Match.objectLike(Map.of("Tags", Match.arrayWith(List.of(Map.of("Key",
                        "Name", "Value", "prod-use1-intra")))))));
        assertThat(intraTables).hasSize(1);
        String table = intraTables.keySet().iterator().next();
        assertThat(prod.findResources("AWS::EC2::Route", Map.of("Properties", Match.objectLike(Map.of(
                "RouteTableId", Map.of("Ref", table)))))).isEmpty();
        prod.resourcePropertiesCountIs("AWS::EC2::SubnetRouteTableAssociation", Map.of(
                "RouteTableId", Map.of("Ref", table)), 3);
    }

    @Test
    void flow_logs_of_all_traffic_go_to_an_encrypted_retained_log_group() {
        prod.hasResourceProperties("AWS::EC2::FlowLog", Map.of("ResourceType", "VPC", "TrafficType", "ALL",
                "LogDestinationType", "cloud-watch-logs", "MaxAggregationInterval", 60));
        prod.hasResource("AWS::Logs::LogGroup", Map.of(
                "Properties", Match.objectLike(Map.of("RetentionInDays", 365,
                        "LogGroupName", "/v6-platform/prod-use1/vpc-flow-logs",
                        "KmsKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn")))),
                "DeletionPolicy", "Retain"));
        dev.hasResourceProperties("AWS::Logs::LogGroup", Match.objectLike(Map.of("RetentionInDays", 30)));
    }

    @Test
    void the_flow_log_role_is_assumed_only_by_the_flow_logs_service_of_the_account_and_delivers_the_log() {
        Map<String, Map<String, Object>> roles = prod.findResources("AWS::IAM::Role");
        String role = roles.keySet().stream().filter(k -> k.startsWith("VpcFlowLogRole")).findFirst().orElseThrow();
        prod.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of("AssumeRolePolicyDocument", Map.of(
                "Statement", List.of(Map.of("Action", "sts:AssumeRole", "Effect", "Allow",
                        "Principal", Map.of("Service", "vpc-flow-logs.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", "314159265358")))),
                "Version", "2012-10-17"))));
        prod.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Statement", List.of(Map.of("Action", List.of("logs:CreateLogStream", "logs:DescribeLogStreams",
                        "logs:PutLogEvents"), "Effect", "Allow", "Resource", Map.of("Fn::GetAtt", List.of(
                        Match.stringLikeRegexp("^VpcFlowLogGroup"), "Arn")))), "Version", "2012-10-17"))));
        prod.hasResource("AWS::EC2::FlowLog", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("DeliverLogsPermissionArn", Map.of("Fn::GetAtt",
                        List.of(role, "Arn")))),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("^VpcFlowLogRoleDefaultPolicy"))))));
    }

    @Test
    void the_key_lets_cloudwatch_logs_of_the_region_encrypt_the_platform_log_groups_only() {
        prod.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("KeyPolicy", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "CloudWatchLogsUseOfTheKey",
                        "Principal", Map.of("Service", "logs.us-east-1.amazonaws.com"),
                        "Condition", Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
                                "arn:aws:logs:us-east-1:314159265358:log-group:/v6-platform/*")))))))))));
    }

    @Test
    void a_secondary_block_becomes_a_vpc_cidr_block_that_its_subnets_wait_for() {
        VpcAllocation two = new VpcAllocation("grown", "111111111111", "us-east-1",
                List.of(Ipv4Cidr.parse("10.9.0.0/22"), Ipv4Cidr.parse("10.9.8.0/24")),
                List.of(new SubnetAllocation("us-east-1a", SubnetTier.PUBLIC, Ipv4Cidr.parse("10.9.0.0/26"), 0),
                        new SubnetAllocation("us-east-1a", SubnetTier.NODES, Ipv4Cidr.parse("10.9.8.0/24"), 1)));
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack(app, "Grown",
                software.amazon.awscdk.StackProps.builder().env(software.amazon.awscdk.Environment.builder()
                        .account("111111111111").region("us-east-1").build()).build());
        new DualStackVpc(stack, "Vpc", new DualStackVpcProps("grown", two, two.subnets(), NatGatewayMode.SINGLE, 30,
                new Key(stack, "Key"), "grown", Optional.empty()));
        Template t = Template.fromStack(stack);

        t.hasResourceProperties("AWS::EC2::VPCCidrBlock", Map.of("CidrBlock", "10.9.8.0/24",
                "VpcId", Map.of("Ref", Match.stringLikeRegexp("^Vpc"))));
        assertThat(t.findResources("AWS::EC2::Subnet").values()).allSatisfy(subnet ->
                assertThat((List<?>) subnet.get("DependsOn")).anyMatch(d -> d.toString().startsWith("VpcIpv4Block1")));
    }

    @Test
    void an_ipam_pool_can_provide_the_ipv6_56_instead_of_amazon() {
        VpcAllocation vpc = new VpcAllocation("ipam", "111111111111", "us-east-1",
                List.of(Ipv4Cidr.parse("10.9.0.0/22")),
                List.of(new SubnetAllocation("us-east-1a", SubnetTier.PUBLIC, Ipv4Cidr.parse("10.9.0.0/26"), 0)));
        software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack(new software.amazon.awscdk.App(), "Ipam");
        new DualStackVpc(stack, "Vpc", new DualStackVpcProps("ipam", vpc, vpc.subnets(), NatGatewayMode.SINGLE, 30,
                new Key(stack, "Key"), "ipam", Optional.of("ipam-pool-0123456789abcdef0")));

        Template.fromStack(stack).hasResourceProperties("AWS::EC2::VPCCidrBlock", Map.of(
                "Ipv6IpamPoolId", "ipam-pool-0123456789abcdef0", "Ipv6NetmaskLength", 56,
                "VpcId", Map.of("Ref", Match.stringLikeRegexp("^Vpc"))));
    }

    @Test
    void props_refuse_a_subnet_outside_the_vpc_blocks() {
        VpcAllocation vpc = new VpcAllocation("x", "111111111111", "us-east-1", List.of(Ipv4Cidr.parse("10.9.0.0/22")),
                List.of());
        SubnetAllocation outside = new SubnetAllocation("us-east-1a", SubnetTier.PUBLIC, Ipv4Cidr.parse("10.9.4.0/24"),
                0);

        assertThatThrownBy(() -> new DualStackVpcProps("x", vpc, List.of(outside), NatGatewayMode.SINGLE, 30,
                new Key(new software.amazon.awscdk.Stack(), "K"), "x", Optional.empty()))
                .hasMessage("subnet 10.9.4.0/24 (public, us-east-1a) lies outside the VPC's blocks [10.9.0.0/22]");
    }

    @Test
    void props_refuse_a_zone_with_nodes_but_no_public_subnet_for_its_nat_gateway() {
        VpcAllocation vpc = new VpcAllocation("x", "111111111111", "us-east-1", List.of(Ipv4Cidr.parse("10.9.0.0/22")),
                List.of());
        SubnetAllocation nodes = new SubnetAllocation("us-east-1b", SubnetTier.NODES, Ipv4Cidr.parse("10.9.1.0/24"), 0);

        assertThatThrownBy(() -> new DualStackVpcProps("x", vpc, List.of(nodes), NatGatewayMode.SINGLE, 30,
                new Key(new software.amazon.awscdk.Stack(), "K"), "x", Optional.empty()))
                .hasMessage("zone us-east-1b has a node subnet but no public subnet for its NAT gateway; plan a "
                        + "public subnet in every zone");
    }

    @Test
    void retention_days_map_to_the_matching_cdk_enum_value() {
        assertThat(DualStackVpc.retention(1).name()).isEqualTo("ONE_DAY");
        assertThat(DualStackVpc.retention(90).name()).isEqualTo("THREE_MONTHS");
        assertThat(DualStackVpc.retention(365).name()).isEqualTo("ONE_YEAR");
        assertThat(DualStackVpc.retention(3653).name()).isEqualTo("TEN_YEARS");
    }

    @Test
    void nodes_reach_s3_through_a_gateway_endpoint_on_every_node_route_table_not_through_nat() {
        Map<String, Map<String, Object>> tables = prod.findResources("AWS::EC2::RouteTable", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Tags", Match.arrayWith(List.of(Map.of("Key", "Name", "Value",
                        Match.stringLikeRegexp("^prod-use1-nodes-.*")))))))));
        assertThat(tables).hasSize(3);
        prod.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                "ServiceName", "com.amazonaws.us-east-1.s3", "VpcId", Map.of("Ref", Match.stringLikeRegexp("^Vpc")),
                "RouteTableIds", tables.keySet().stream().sorted().map(id -> Map.of("Ref", id)).toList()));
        prod.resourceCountIs("AWS::EC2::VPCEndpoint", 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_transit_gateway_is_attached_in_the_intra_subnets_and_its_ranges_routed_from_the_node_tables() {
        Map<String, Map<String, Object>> attachments = prod.findResources("AWS::EC2::TransitGatewayAttachment");
        assertThat(attachments).hasSize(1);
        Map<String, Object> attachment = (Map<String, Object>) attachments.values().iterator().next()
                .get("Properties");
        assertThat(attachment).containsEntry("TransitGatewayId", "tgw-0a1b2c3d4e5f67890")
                .doesNotContainKey("Options");
        assertThat(attachment.get("SubnetIds").toString()).contains("VpcIntraSubnet").doesNotContain("VpcNodes");
        Map<String, Map<String, Object>> routes = prod.findResources("AWS::EC2::Route", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("TransitGatewayId", "tgw-0a1b2c3d4e5f67890",
                        "DestinationCidrBlock", "10.0.0.0/12")))));
        // the three node route tables, each waiting for the attachment
        assertThat(routes).hasSize(3);
        routes.values().forEach(r -> assertThat(r.get("DependsOn").toString()).contains(attachments.keySet()
                .iterator().next()));
        assertThat(routes.values().stream().map(r -> ((Map<String, Object>) r.get("Properties")).get("RouteTableId")
                .toString()).toList()).allMatch(t -> t.contains("VpcNodesRouteTable"));
        dev.resourceCountIs("AWS::EC2::TransitGatewayAttachment", 0);
    }
}
