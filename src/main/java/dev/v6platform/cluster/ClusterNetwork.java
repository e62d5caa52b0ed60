package dev.v6platform.cluster;

import dev.v6platform.network.DualStackVpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetAttributes;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.constructs.Construct;

/**
 * Where a cluster lives: its VPC, the subnets for the control plane's network interfaces and the subnets for
 * nodes. Build it from a {@link DualStackVpc}, or from IDs for a VPC that another stack or account owns.
 *
 * @param vpc                 the VPC
 * @param controlPlaneSubnets subnets for the EKS control plane's network interfaces; they need a route out when the
 *                            cluster has a kubectl provider
 * @param nodeSubnets         subnets for nodes (dual-stack, IPv6 auto-assigned, NAT and egress-only routes)
 */
public record ClusterNetwork(IVpc vpc, List<ISubnet> controlPlaneSubnets, List<ISubnet> nodeSubnets) {
    public ClusterNetwork {
        Objects.requireNonNull(vpc, "vpc");
        controlPlaneSubnets = List.copyOf(controlPlaneSubnets);
        nodeSubnets = List.copyOf(nodeSubnets);
        if (controlPlaneSubnets.size() < 2 || nodeSubnets.size() < 2) {
            throw new IllegalArgumentException("EKS needs subnets in at least two availability zones, got "
                    + controlPlaneSubnets.size() + " control-plane and " + nodeSubnets.size() + " node subnets");
        }
    }

    /**
     * The platform VPC: control-plane interfaces and nodes in the node subnets. The node subnets, not the intra
     * subnets, because the cluster's kubectl provider runs in the cluster's subnets and needs a route out (STS,
     * Helm repositories); intra subnets have none.
     */
    public static ClusterNetwork of(DualStackVpc vpc) {
        IVpc imported = vpc.asVpc();
        List<ISubnet> nodes = imported.getPrivateSubnets();
        return new ClusterNetwork(imported, nodes, nodes);
    }

    /**
     * A VPC owned elsewhere, by IDs (for example from another account's outputs). The subnet lists are zone by
     * zone, in the order of {@code zones}.
     */
    public static ClusterNetwork fromIds(Construct scope, String id, String vpcId, List<String> zones,
            List<String> nodeSubnetIds, List<String> controlPlaneSubnetIds) {
        IVpc vpc = Vpc.fromVpcAttributes(scope, id, VpcAttributes.builder()
                .vpcId(vpcId).availabilityZones(zones).privateSubnetIds(nodeSubnetIds).build());
        List<ISubnet> controlPlane = subnets(scope, id + "ControlPlane", controlPlaneSubnetIds, zones);
        List<software.constructs.IConstruct> imported = new ArrayList<>(List.of(vpc));
        imported.addAll(controlPlane);
        for (software.constructs.IConstruct c : imported) {
            Validations.of(c).acknowledge(Acknowledgment.builder()
                    .id("Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId")
                    .reason("The cluster constructs never read the route tables of imported subnets").build());
        }
        return new ClusterNetwork(vpc, controlPlane, vpc.getPrivateSubnets());
    }

    private static List<ISubnet> subnets(Construct scope, String id, List<String> ids, List<String> zones) {
        List<ISubnet> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            out.add(Subnet.fromSubnetAttributes(scope, id + i, SubnetAttributes.builder().subnetId(ids.get(i))
                    .availabilityZone(zones.get(i % zones.size())).build()));
        }
        return out;
    }

    SubnetSelection controlPlaneSelection() {
        return SubnetSelection.builder().subnets(controlPlaneSubnets).build();
    }

    SubnetSelection nodeSelection() {
        return SubnetSelection.builder().subnets(nodeSubnets).build();
    }
}
