package dev.v6platform.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.validation.ReplacementGuard.Replacement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replacement guard on small templates, with the real resource database. */
class ReplacementGuardTest {
    static final ReplacementSpec SPEC = ReplacementSpec.load();
    static final ObjectMapper JSON = new ObjectMapper();

    static final String TEMPLATE = """
            {"Resources": {
              "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/20",
                "Tags": [{"Key": "Name", "Value": "dev"}]}},
              "SubnetA": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.0.0/23", "AvailabilityZone": "us-east-1a"}},
              "SubnetB": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.2.0/23", "AvailabilityZone": "us-east-1b"}},
              "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
              "Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {"Name": "dev",
                "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                "ResourcesVpcConfig": {"SubnetIds": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
                  "PublicAccessCidrs": ["198.51.100.0/24"]},
                "KubernetesNetworkConfig": {"IpFamily": "ipv6"}}},
              "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "dev-queue"}}
            }}
            """;

    static JsonNode template(String... replacements) throws IOException {
        String text = TEMPLATE;
        for (int i = 0; i < replacements.length; i += 2) {
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        return JSON.readTree(text);
    }

    /** What the guard adds to a replacement CloudFormation cannot perform because a name or key collides. */
    static String collides(String created, String key, String old) {
        return "; CLOUDFORMATION CANNOT DO THIS: " + created + " would have the same " + key + " while " + old
                + " still exists, so the deploy fails and rolls back; change the name (or key) too, or remove the "
                + "resource in one deploy and add it back in the next";
    }

    static List<Replacement> compare(String... replacements) throws IOException {
        return ReplacementGuard.compare(template(), template(replacements), SPEC);
    }

    @Test
    void a_new_vpc_cidr_replaces_the_vpc_its_subnets_and_the_cluster_in_them() throws IOException {
        List<Replacement> r = compare("\"CidrBlock\": \"10.0.0.0/20\"", "\"CidrBlock\": \"10.1.0.0/20\"",
                "10.0.0.0/23", "10.1.0.0/23", "10.0.2.0/23", "10.1.2.0/23");

        assertThat(r).extracting(Replacement::format).containsExactly(
                "Cluster (AWS::EKS::Cluster): ResourcesVpcConfig.SubnetIds refers to SubnetA, which is replaced"
                        + collides("its replacement", "Name \"dev\"", "Cluster"),
                "SubnetA (AWS::EC2::Subnet): CidrBlock changed: \"10.0.0.0/23\" -> \"10.1.0.0/23\"",
                "SubnetB (AWS::EC2::Subnet): CidrBlock changed: \"10.0.2.0/23\" -> \"10.1.2.0/23\"",
                "Vpc (AWS::EC2::VPC): CidrBlock changed: \"10.0.0.0/20\" -> \"10.1.0.0/20\"");
    }

    @Test
    void a_replaced_vpc_alone_takes_its_subnets_and_cluster_with_it_through_references() throws IOException {
        List<Replacement> r = compare("\"CidrBlock\": \"10.0.0.0/20\"", "\"CidrBlock\": \"10.1.0.0/20\"");

        assertThat(r).extracting(Replacement::logicalId).containsExactly("Cluster", "SubnetA", "SubnetB", "Vpc");
        assertThat(r.get(1).reason()).isEqualTo("VpcId refers to Vpc, which is replaced");
    }

    @Test
    void updates_in_place_replace_nothing() throws IOException {
        assertThat(compare("\"Value\": \"dev\"", "\"Value\": \"dev2\"", "198.51.100.0/24", "203.0.113.0/24"))
                .isEmpty();
        assertThat(compare()).isEmpty();
    }

    @Test
    void a_nested_property_that_replaces_is_found_below_one_that_does_not() throws IOException {
        assertThat(compare("\"IpFamily\": \"ipv6\"", "\"IpFamily\": \"ipv4\"")).singleElement()
                .extracting(Replacement::format).isEqualTo("Cluster (AWS::EKS::Cluster): KubernetesNetworkConfig "
                        + "changed: {\"IpFamily\":\"ipv6\"} -> {\"IpFamily\":\"ipv4\"}"
                        + collides("its replacement", "Name \"dev\"", "Cluster"));
        assertThat(compare("{\"Ref\": \"SubnetB\"}]", "{\"Ref\": \"SubnetA\"}]")).singleElement()
                .extracting(Replacement::logicalId).isEqualTo("Cluster");
    }

    @Test
    void a_removed_or_renamed_logical_id_is_a_replacement_and_says_which() throws IOException {
        assertThat(compare("\"Queue\":", "\"QueueRenamed\":")).singleElement().extracting(Replacement::format)
                .isEqualTo("Queue (AWS::SQS::Queue): its logical id changed to QueueRenamed; CloudFormation creates "
                        + "the new one and deletes this one" + collides("QueueRenamed", "QueueName \"dev-queue\"",
                        "Queue"));
        assertThat(ReplacementGuard.compare(template(), JSON.readTree(TEMPLATE.replace(
                ",\n  \"Queue\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"QueueName\": \"dev-queue\"}}",
                "").replace(",\n      \"Queue\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"QueueName\": "
                + "\"dev-queue\"}}", "")), SPEC)).extracting(Replacement::format)
                .containsExactly("Queue (AWS::SQS::Queue): removed from the template; CloudFormation deletes it");
    }

    @Test
    void a_subnet_that_reads_the_vpcs_ipv6_blocks_may_be_replaced_when_the_block_it_depends_on_is() throws IOException {
        String template = """
                {"Resources": {
                  "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/20"}},
                  "Ipv6Block": {"Type": "AWS::EC2::VPCCidrBlock", "Properties": {"VpcId": {"Ref": "Vpc"},
                    "AmazonProvidedIpv6CidrBlock": true}},
                  "Subnet": {"Type": "AWS::EC2::Subnet", "DependsOn": ["Ipv6Block"], "Properties": {
                    "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/23",
                    "Ipv6CidrBlock": {"Fn::Select": [3, {"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAtt": ["Vpc",
                      "Ipv6CidrBlocks"]}]}, 256, "64"]}]}}}
                }}
                """;
        List<Replacement> r = ReplacementGuard.compare(JSON.readTree(template), JSON.readTree(template.replace(
                "\"AmazonProvidedIpv6CidrBlock\": true", "\"Ipv6IpamPoolId\": \"ipam-pool-0abc\"")), SPEC);

        assertThat(r).extracting(Replacement::format).containsExactly(
                "Ipv6Block (AWS::EC2::VPCCidrBlock): AmazonProvidedIpv6CidrBlock changed: true -> (none); "
                        + "Ipv6IpamPoolId changed: (none) -> \"ipam-pool-0abc\"",
                "Subnet (AWS::EC2::Subnet) may be replaced: Ipv6CidrBlock reads Vpc's attributes, which may change: "
                        + "it depends on Ipv6Block, which is replaced; if CloudFormation replaces it, the deploy "
                        + "fails: the new CIDR "
                        + "10.0.0.0/23 overlaps the old subnet (10.0.0.0/23), which still exists while the new subnet "
                        + "is created, so the deploy fails and rolls back; move the tier in two deploys (new subnets "
                        + "beside the old, then remove the old) or renumber the VPC");
    }

    @Test
    void a_subnet_moved_inside_its_vpc_cannot_overlap_or_reuse_the_ipv6_block_of_a_subnet_that_still_exists()
            throws IOException {
        String template = """
                {"Resources": {
                  "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/20"}},
                  "A": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24",
                    "AvailabilityZone": "us-east-1a", "Ipv6CidrBlock": {"Fn::Select": [1, "blocks"]}}},
                  "B": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24",
                    "AvailabilityZone": "us-east-1b", "Ipv6CidrBlock": {"Fn::Select": [2, "blocks"]}}}
                }}
                """;
        JsonNode before = JSON.readTree(template);
        List<Replacement> grown = ReplacementGuard.compare(before, JSON.readTree(template.replace("10.0.0.0/24",
                "10.0.0.0/23").replace("10.0.1.0/24", "10.0.2.0/23")), SPEC);
        List<Replacement> reused = ReplacementGuard.compare(before, JSON.readTree(template.replace("10.0.0.0/24",
                "10.0.4.0/24").replace("\"A\":", "\"A2\":")), SPEC);
        List<Replacement> moved = ReplacementGuard.compare(before, JSON.readTree(template.replace("10.0.0.0/24",
                "10.0.4.0/24").replace("[1, \"blocks\"]", "[3, \"blocks\"]")), SPEC);

        assertThat(grown).extracting(Replacement::logicalId, Replacement::impossible)
                .containsExactly(tuple("A", true), tuple("B", true));
        assertThat(grown.get(0).blocker()).startsWith("the new CIDR 10.0.0.0/23 overlaps the old subnet (10.0.0.0/24)");
        assertThat(grown.get(1).blocker()).startsWith("its new IPv6 /64 is the one the old subnet (10.0.1.0/24) holds");
        assertThat(reused).singleElement().satisfies(r -> assertThat(r.blocker()).startsWith("new subnet A2's IPv6 "
                + "/64 is the one the old subnet (10.0.0.0/24) holds"));
        assertThat(moved).singleElement().extracting(Replacement::impossible).isEqualTo(false);
    }

    @Test
    void a_new_lambda_layer_version_is_routine_but_what_it_replaces_through_references_is_listed() throws IOException {
        String template = """
                {"Resources": {
                  "Layer": {"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": {"S3Key": "a.zip"}}},
                  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Layers": [{"Ref": "Layer"}]}},
                  "Pinned": {"Type": "AWS::Lambda::LayerVersionPermission", "Properties": {
                    "LayerVersionArn": {"Ref": "Layer"}, "Action": "lambda:GetLayerVersion", "Principal": "*"}}
                }}
                """;
        List<Replacement> r = ReplacementGuard.compare(JSON.readTree(template), JSON.readTree(template.replace(
                "a.zip", "b.zip")), SPEC);

        assertThat(r).extracting(Replacement::format).containsExactly("Pinned (AWS::Lambda::LayerVersionPermission): "
                + "LayerVersionArn refers to Layer, which is replaced");
    }

    @Test
    void a_key_that_refers_to_a_replaced_resource_does_not_collide() throws IOException {
        String template = """
                {"Resources": {
                  "Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {"Name": "dev",
                    "KubernetesNetworkConfig": {"IpFamily": "ipv6"}}},
                  "Admin": {"Type": "AWS::EKS::AccessEntry", "Properties": {"ClusterName": {"Ref": "Cluster"},
                    "PrincipalArn": "arn:aws:iam::111111111111:role/admin"}}
                }}
                """;
        List<Replacement> r = ReplacementGuard.compare(JSON.readTree(template), JSON.readTree(template.replace(
                "\"Name\": \"dev\"", "\"Name\": \"dev2\"")), SPEC);

        assertThat(r).extracting(Replacement::logicalId, Replacement::impossible)
                .containsExactly(tuple("Admin", false), tuple("Cluster", false));
    }

    @Test
    void a_missing_database_names_itself_and_the_fix() {
        assertThatThrownBy(() -> ReplacementSpec.load(Path.of("target/no-such-db.json.gz")))
                .hasMessage("target/no-such-db.json.gz is missing; run 'npm ci' (package.json pins "
                        + "@aws-cdk/aws-service-spec)");
    }

    @Test
    void a_control_plane_log_group_eks_already_created_cannot_be_created_by_the_stack_until_imported()
            throws IOException {
        String cluster = "\"Cluster\": {\"Type\": \"AWS::EKS::Cluster\", \"Properties\": {\"Name\": \"v6-dev\", "
                + "\"Logging\": {\"ClusterLogging\": {\"EnabledTypes\": [{\"Type\": \"api\"}]}}}}";
        String group = "\"Logs\": {\"Type\": \"AWS::Logs::LogGroup\", \"Properties\": {\"LogGroupName\": "
                + "\"/aws/eks/v6-dev/cluster\", \"RetentionInDays\": 90}}";
        JsonNode before = JSON.readTree("{\"Resources\": {" + cluster + "}}");
        JsonNode after = JSON.readTree("{\"Resources\": {" + cluster + ", " + group + "}}");

        assertThat(ReplacementGuard.compare(before, after, SPEC)).extracting(Replacement::format).containsExactly(
                "Logs (AWS::Logs::LogGroup): new, but EKS created /aws/eks/v6-dev/cluster when the cluster's logging "
                        + "was turned on, so creating it fails; import the existing group into the stack first (cdk "
                        + "import) or delete it, then acknowledge");
        assertThat(ReplacementGuard.compare(after, after, SPEC)).isEmpty();
        JsonNode unlogged = JSON.readTree("{\"Resources\": {" + cluster.replace("[{\"Type\": \"api\"}]", "[]")
                + "}}");
        assertThat(ReplacementGuard.compare(unlogged, after, SPEC)).isEmpty();
    }
}
