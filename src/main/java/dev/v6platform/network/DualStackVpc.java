package dev.v6platform.network;

import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.NatGatewayMode;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.config.TransitGateway;
import dev.v6platform.network.plan.Ipv4Cidr;
import dev.v6platform.network.plan.SubnetAllocation;
import dev.v6platform.security.PlatformKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CfnTag;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.CfnEIP;
import software.amazon.awscdk.services.ec2.CfnEgressOnlyInternetGateway;
import software.amazon.awscdk.services.ec2.CfnFlowLog;
import software.amazon.awscdk.services.ec2.CfnInternetGateway;
import software.amazon.awscdk.services.ec2.CfnNatGateway;
import software.amazon.awscdk.services.ec2.CfnRoute;
import software.amazon.awscdk.services.ec2.CfnRouteTable;
import software.amazon.awscdk.services.ec2.CfnSubnet;
import software.amazon.awscdk.services.ec2.CfnSubnetRouteTableAssociation;
import software.amazon.awscdk.services.ec2.CfnTransitGatewayAttachment;
import software.amazon.awscdk.services.ec2.CfnVPCEndpoint;
import software.amazon.awscdk.services.ec2.CfnVPC;
import software.amazon.awscdk.services.ec2.CfnVPCCidrBlock;
import software.amazon.awscdk.services.ec2.CfnVPCGatewayAttachment;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * A dual-stack VPC built exactly from the address plan, with L1 resources because aws-cdk-lib's {@code Vpc}
 * computes subnet CIDRs itself and cannot take planned ones.
 *
 * <ul>
 *   <li>IPv4: the planned primary block and any secondary blocks; every subnet at its planned CIDR.</li>
 *   <li>IPv6: an Amazon-provided /56 (or one from an IPAM pool); each subnet gets the /64 whose number the plan
 *       gives ({@code Fn::Cidr} at deploy time, since the /56 is unknown at synth), and auto-assigns IPv6.</li>
 *   <li>Public subnets: IPv4 and IPv6 default routes to the internet gateway; no public IPv4 on launch.</li>
 *   <li>Node subnets: IPv4 through NAT gateways (one per zone or one per VPC), IPv6 through an egress-only
 *       internet gateway. DNS64 stays off: EKS pods reach IPv4 through the node's SNAT, not NAT64.</li>
 *   <li>Intra subnets: no route out of the VPC.</li>
 *   <li>Flow logs of all traffic to an encrypted CloudWatch log group that is retained.</li>
 *   <li>Tags: {@code kubernetes.io/role/elb} on public subnets, {@code kubernetes.io/role/internal-elb} and
 *       {@code karpenter.sh/discovery} on node subnets.</li>
 * </ul>
 *
 * <pre>{@code
 * DualStackVpc vpc = new DualStackVpc(stack, "Vpc", new DualStackVpcProps("dev-use1", plan.vpc("dev-use1"),
 *         plan.activeSubnets("dev-use1"), NatGatewayMode.PER_ZONE, 90, key, "v6-dev-use1", Optional.empty()));
 * }</pre>
 *
 * @see <a href="https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html">IPv6 addresses for EKS clusters</a>
 */
public final class DualStackVpc extends Construct {
    /** Tags that let the AWS Load Balancer Controller find subnets. */
    public static final String ELB_TAG = "kubernetes.io/role/elb";
    public static final String INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb";
    /** Tag Karpenter's EC2NodeClass selects node subnets by. */
    public static final String DISCOVERY_TAG = "karpenter.sh/discovery";

    private final CfnVPC vpc;
    /** The VPC's Ref and the /64s of its IPv6 block, each asked of jsii once, not once per subnet. */
    private final String vpcRef;
    private final List<String> ipv6Subnets;
    private final CfnVPCCidrBlock ipv6Block;
    private final Map<SubnetTier, Map<String, CfnSubnet>> subnets = new EnumMap<>(SubnetTier.class);
    private IVpc imported;
    private final Map<String, CfnRouteTable> routeTables = new LinkedHashMap<>();

    public DualStackVpc(Construct scope, String id, DualStackVpcProps props) {
        super(scope, id);
        String name = props.name();
        this.vpc = CfnVPC.Builder.create(this, "Resource")
                .cidrBlock(props.allocation().primary().toString())
                .enableDnsHostnames(true)
                .enableDnsSupport(true)
                .tags(List.of(tag("Name", name)))
                .build();
        this.vpcRef = vpc.getRef();
        this.ipv6Subnets = Fn.cidr(Fn.select(0, vpc.getAttrIpv6CidrBlocks()), 256, "64");
        List<CfnResource> ipv4Blocks = new ArrayList<>();
        List<Ipv4Cidr> blocks = props.allocation().blocks();
        for (int i = 1; i < blocks.size(); i++) {
            ipv4Blocks.add(CfnVPCCidrBlock.Builder.create(this, "Ipv4Block" + i)
                    .vpcId(vpcRef)
                    .cidrBlock(blocks.get(i).toString())
                    .build());
        }
        CfnVPCCidrBlock.Builder v6 = CfnVPCCidrBlock.Builder.create(this, "Ipv6Block").vpcId(vpcRef);
        if (props.ipv6IpamPoolId().isPresent()) {
            v6.ipv6IpamPoolId(props.ipv6IpamPoolId().get()).ipv6NetmaskLength(56);
        } else {
            v6.amazonProvidedIpv6CidrBlock(true);
        }
        this.ipv6Block = v6.build();

        CfnInternetGateway igw = CfnInternetGateway.Builder.create(this, "InternetGateway")
                .tags(List.of(tag("Name", name))).build();
        CfnVPCGatewayAttachment attachment = CfnVPCGatewayAttachment.Builder.create(this, "InternetGatewayAttachment")
                .vpcId(vpcRef).internetGatewayId(igw.getRef()).build();
        CfnEgressOnlyInternetGateway eigw = CfnEgressOnlyInternetGateway.Builder.create(this,
                "EgressOnlyInternetGateway").vpcId(vpcRef).build();

        Set<String> zones = new LinkedHashSet<>();
        for (SubnetAllocation s : props.subnets()) {
            zones.add(s.zone());
            CfnSubnet subnet = subnet(props, s);
            List<CfnResource> dependsOn = new ArrayList<>(ipv4Blocks);
            dependsOn.add(0, ipv6Block);
            subnet.getNode().addDependency(dependsOn.toArray(CfnResource[]::new));
            subnets.computeIfAbsent(s.tier(), t -> new LinkedHashMap<>()).put(s.zone(), subnet);
        }

        Map<String, CfnSubnet> publics = subnets.getOrDefault(SubnetTier.PUBLIC, Map.of());
        CfnRouteTable publicTable = routeTable("PublicRouteTable", name + "-public");
        route("PublicDefaultIpv4", publicTable).destinationCidrBlock("0.0.0.0/0")
                .gatewayId(igw.getRef()).build().getNode().addDependency(attachment);
        route("PublicDefaultIpv6", publicTable).destinationIpv6CidrBlock("::/0")
                .gatewayId(igw.getRef()).build().getNode().addDependency(attachment);
        publics.forEach((zone, subnet) -> associate("Public-" + zone, publicTable, subnet));

        Map<String, CfnNatGateway> nats = new LinkedHashMap<>();
        Map<String, CfnSubnet> nodes = subnets.getOrDefault(SubnetTier.NODES, Map.of());
        // a single NAT gateway sits in the alphabetically first zone, so reordering the zone list moves nothing
        String firstZone = new TreeSet<>(nodes.keySet()).stream().findFirst().orElse("");
        for (String zone : nodes.keySet()) {
            String natZone = props.natGateways() == NatGatewayMode.SINGLE ? firstZone : zone;
            CfnNatGateway nat = nats.computeIfAbsent(natZone, z -> natGateway(name, z, publics, attachment));
            CfnRouteTable table = routeTable("NodesRouteTable-" + zone, name + "-nodes-" + zone);
            CfnRoute v4 = route("NodesDefaultIpv4-" + zone, table).destinationCidrBlock("0.0.0.0/0")
                    .natGatewayId(nat.getRef()).build();
            v4.getNode().addDependency(nat);
            route("NodesDefaultIpv6-" + zone, table).destinationIpv6CidrBlock("::/0")
                    .egressOnlyInternetGatewayId(eigw.getRef()).build();
            associate("Nodes-" + zone, table, nodes.get(zone));
        }
        // image layers come from S3: without a gateway endpoint every pull crosses the NAT gateways, billed per GB
        List<String> nodeTables = new ArrayList<>();
        nodes.keySet().forEach(zone -> nodeTables.add(routeTables.get(SubnetTier.NODES + "/" + zone).getRef()));
        if (!nodeTables.isEmpty()) {
            CfnVPCEndpoint.Builder.create(this, "S3GatewayEndpoint")
                    .vpcId(vpcRef)
                    .serviceName("com.amazonaws." + Stack.of(this).getRegion() + ".s3")
                    .vpcEndpointType("Gateway")
                    .routeTableIds(nodeTables)
                    .build();
        }
        Map<String, CfnSubnet> intra = subnets.getOrDefault(SubnetTier.INTRA, Map.of());
        if (!intra.isEmpty()) {
            CfnRouteTable table = routeTable("IntraRouteTable", name + "-intra");
            intra.forEach((zone, subnet) -> associate("Intra-" + zone, table, subnet));
        }
        props.transitGateway().ifPresent(tgw -> transitGateway(props.name(), tgw, intra.isEmpty() ? nodes : intra));
        flowLogs(props);
        Validations.of(this).acknowledge(Acknowledgment.builder()
                .id("CloudFormation-Validate::W3010")
                .reason("Subnets are planned per availability zone and locked in stacks/address-plan.lock.yaml; the "
                        + "zones are named in stacks/<environment>.yaml and checked against the region. Fn::GetAZs "
                        + "would pick zones by position and could move a planned subnet to another zone.")
                .build());
    }

    private CfnSubnet subnet(DualStackVpcProps props, SubnetAllocation s) {
        List<CfnTag> tags = new ArrayList<>();
        tags.add(tag("Name", props.name() + "-" + s.tier().label() + "-" + s.zone()));
        tags.add(tag("v6-platform:tier", s.tier().label()));
        if (s.tier() == SubnetTier.PUBLIC) {
            tags.add(tag(ELB_TAG, "1"));
        } else if (s.tier() == SubnetTier.NODES) {
            tags.add(tag(INTERNAL_ELB_TAG, "1"));
            tags.add(tag(DISCOVERY_TAG, props.discoveryTag()));
        }
        return CfnSubnet.Builder.create(this, tierId(s.tier()) + "Subnet-" + s.zone())
                .vpcId(vpcRef)
                .availabilityZone(s.zone())
                .cidrBlock(s.cidr().toString())
                .ipv6CidrBlock(Fn.select(s.ipv6Index(), ipv6Subnets))
                .assignIpv6AddressOnCreation(true)
                .mapPublicIpOnLaunch(false)
                .enableDns64(false)
                .tags(tags)
                .build();
    }

    private CfnNatGateway natGateway(String name, String zone, Map<String, CfnSubnet> publics,
            CfnVPCGatewayAttachment attachment) {
        CfnSubnet publicSubnet = publics.get(zone);
        CfnEIP eip = CfnEIP.Builder.create(this, "NatAddress-" + zone).domain("vpc")
                .tags(List.of(tag("Name", name + "-nat-" + zone))).build();
        eip.getNode().addDependency(attachment);
        return CfnNatGateway.Builder.create(this, "NatGateway-" + zone)
                .subnetId(publicSubnet.getRef())
                .allocationId(eip.getAttrAllocationId())
                .tags(List.of(tag("Name", name + "-" + zone)))
                .build();
    }

    private CfnRouteTable routeTable(String id, String name) {
        return CfnRouteTable.Builder.create(this, id).vpcId(vpcRef).tags(List.of(tag("Name", name))).build();
    }

    private CfnRoute.Builder route(String id, CfnRouteTable table) {
        return CfnRoute.Builder.create(this, id).routeTableId(table.getRef());
    }

    private void associate(String id, CfnRouteTable table, CfnSubnet subnet) {
        for (SubnetTier tier : SubnetTier.values()) {
            subnets.getOrDefault(tier, Map.of()).forEach((zone, s) -> {
                if (s == subnet) {
                    routeTables.put(tier + "/" + zone, table);
                }
            });
        }
        CfnSubnetRouteTableAssociation.Builder.create(this, id + "RouteTableAssociation")
                .routeTableId(table.getRef()).subnetId(subnet.getRef()).build();
    }

    /**
     * Attaches the VPC to the transit gateway in {@code subnets} (one per zone) and routes its ranges there from
     * the node route tables: the cluster's private endpoint and the nodes answer through them.
     */
    private void transitGateway(String name, TransitGateway tgw, Map<String, CfnSubnet> subnets) {
        CfnTransitGatewayAttachment.Builder attachment = CfnTransitGatewayAttachment.Builder.create(this,
                        "TransitGatewayAttachment")
                .transitGatewayId(tgw.id())
                .vpcId(vpcRef)
                .subnetIds(subnets.values().stream().map(CfnSubnet::getRef).toList())
                .tags(List.of(tag("Name", name)));
        if (tgw.ipv6()) {
            attachment.options(Map.of("Ipv6Support", "enable"));
        }
        CfnTransitGatewayAttachment built = attachment.build();
        // the node route tables only: the endpoint's interfaces and the nodes answer from there; intra subnets
        // keep no route out of the VPC (traffic from the transit gateway into the VPC takes the local route)
        Map<String, CfnRouteTable> tables = new LinkedHashMap<>();
        routeTables.forEach((key, table) -> {
            if (key.startsWith(SubnetTier.NODES + "/")) {
                tables.putIfAbsent(table.getNode().getId(), table);
            }
        });
        // ids from the table and the range: adding a range or a zone leaves the other routes as they are
        for (CfnRouteTable table : tables.values()) {
            for (String cidr : tgw.routes()) {
                CfnRoute.Builder r = CfnRoute.Builder.create(this, table.getNode().getId() + "-Tgw-"
                                + cidr.replace('/', '_'))
                        .routeTableId(table.getRef()).transitGatewayId(tgw.id());
                if (cidr.contains(":")) {
                    r.destinationIpv6CidrBlock(cidr);
                } else {
                    r.destinationCidrBlock(cidr);
                }
                r.build().getNode().addDependency(built);
            }
        }
    }

    private void flowLogs(DualStackVpcProps props) {
        Stack stack = Stack.of(this);
        LogGroup group = LogGroup.Builder.create(this, "FlowLogGroup")
                .logGroupName("/v6-platform/" + props.name() + "/vpc-flow-logs")
                .retention(retention(props.flowLogRetentionDays()))
                .encryptionKey(props.flowLogKey())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        PlatformKey.allowLogs(props.flowLogKey(), "CloudWatchLogsUseOfTheKey", List.of("/v6-platform/*"));
        group.getNode().addDependency(props.flowLogKey());
        Role role = Role.Builder.create(this, "FlowLogRole")
                .assumedBy(new ServicePrincipal("vpc-flow-logs.amazonaws.com").withConditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", stack.getAccount()))))
                .description("Delivers the flow logs of " + props.name() + "'s VPC to CloudWatch Logs")
                .build();
        group.grantWrite(role);
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:DescribeLogStreams"))
                .resources(List.of(group.getLogGroupArn()))
                .build());
        CfnFlowLog flowLog = CfnFlowLog.Builder.create(this, "FlowLog")
                .resourceId(vpcRef)
                .resourceType("VPC")
                .trafficType("ALL")
                .logDestinationType("cloud-watch-logs")
                .logGroupName(group.getLogGroupName())
                .deliverLogsPermissionArn(role.getRoleArn())
                .maxAggregationInterval(60)
                .tags(List.of(tag("Name", props.name())))
                .build();
        // the role's policy must exist before the flow log starts delivering
        flowLog.getNode().addDependency(role);
    }

    /** Days to aws-cdk-lib's enum, which lists the CloudWatch Logs periods in ascending order (INFINITE last). */
    public static RetentionDays retention(int days) {
        int index = EnvironmentLoader.RETENTION_DAYS.indexOf(days);
        if (index < 0) {
            throw new IllegalArgumentException(days + " is not a CloudWatch Logs retention period; allowed: "
                    + EnvironmentLoader.RETENTION_DAYS);
        }
        return RetentionDays.values()[index];
    }

    private static String tierId(SubnetTier tier) {
        String label = tier.label();
        return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }

    private static CfnTag tag(String key, String value) {
        return CfnTag.builder().key(key).value(value).build();
    }

    public CfnVPC vpc() {
        return vpc;
    }

    /**
     * This VPC as an aws-cdk-lib {@link IVpc}, for constructs that take one (EKS, security groups): public subnets
     * as public, node subnets as private with egress, intra subnets as isolated. Creates no resources.
     */
    public IVpc asVpc() {
        if (imported == null) {
            List<String> zones = new ArrayList<>(subnets(SubnetTier.PUBLIC).keySet());
            VpcAttributes.Builder attributes = VpcAttributes.builder()
                    .vpcId(vpcRef)
                    .vpcCidrBlock(vpc.getCidrBlock())
                    .availabilityZones(zones)
                    .publicSubnetIds(refs(SubnetTier.PUBLIC, zones))
                    .publicSubnetRouteTableIds(tables(SubnetTier.PUBLIC, zones))
                    .privateSubnetIds(refs(SubnetTier.NODES, zones))
                    .privateSubnetRouteTableIds(tables(SubnetTier.NODES, zones));
            if (!subnets(SubnetTier.INTRA).isEmpty()) {
                attributes.isolatedSubnetIds(refs(SubnetTier.INTRA, zones))
                        .isolatedSubnetRouteTableIds(tables(SubnetTier.INTRA, zones));
            }
            imported = Vpc.fromVpcAttributes(this, "Imported", attributes.build());
        }
        return imported;
    }

    private List<String> tables(SubnetTier tier, List<String> zones) {
        List<String> out = new ArrayList<>();
        for (String zone : zones) {
            out.add(routeTables.get(tier + "/" + zone).getRef());
        }
        return out;
    }

    private List<String> refs(SubnetTier tier, List<String> zones) {
        List<String> out = new ArrayList<>();
        for (String zone : zones) {
            CfnSubnet subnet = subnets(tier).get(zone);
            if (subnet == null) {
                throw new IllegalStateException(tier.label() + " has no subnet in " + zone);
            }
            out.add(subnet.getRef());
        }
        return out;
    }

    /** The VPC's Amazon-provided (or IPAM) IPv6 block association; subnets depend on it. */
    public CfnVPCCidrBlock ipv6Block() {
        return ipv6Block;
    }

    /** The subnets of a tier, by zone, in plan order. */
    public Map<String, CfnSubnet> subnets(SubnetTier tier) {
        return Collections.unmodifiableMap(subnets.getOrDefault(tier, Map.of()));
    }
}
