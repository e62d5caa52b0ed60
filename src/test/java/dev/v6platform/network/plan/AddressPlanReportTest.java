package dev.v6platform.network.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.SubnetTier;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class AddressPlanReportTest {
    static final AddressPlan PLAN = FixtureSynthesis.plan(
            EnvironmentLoader.loadDirectory(FixtureSynthesis.STACKS));

    @Test
    void the_report_lists_supernets_ranges_pools_and_every_subnet() {
        String md = AddressPlanReport.markdown(PLAN);

        assertThat(md).contains("| 10.0.0.0/8 | 16,777,216 | 1,638,400 | 328,704 |")
                .contains("| 10.200.0.0/13 | 524,288 | reserved | carrier integrations (MPLS interconnects")
                .contains("| eu-west-1 | 10.48.0.0/12 | 1,048,576 |")
                .contains("## Account 271828182845", "## Account 314159265358", "#### VPC prod-use1");
        for (VpcAllocation v : PLAN.lock().vpcs().values()) {
            for (SubnetAllocation s : v.subnets()) {
                assertThat(md).contains("| " + s.zone() + " | " + s.tier().label() + " | " + s.cidr() + " | "
                        + AddressPlanner.count(s.cidr().usableInSubnet()) + " | #" + s.ipv6Index() + " | planned |");
            }
        }
    }

    @Test
    void utilization_free_blocks_and_headroom_add_up() {
        String md = AddressPlanReport.markdown(PLAN);
        VpcAllocation dev = PLAN.vpc("dev-use1");
        long used = dev.subnets().stream().mapToLong(s -> s.cidr().size()).sum();

        assertThat(md).contains("- IPv4 blocks: " + dev.primary() + " (primary); 4,096 addresses, "
                + AddressPlanner.count(used) + " in subnets (" + AddressPlanReport.percent(used, 4096) + ")");
        FreeSpace free = new FreeSpace(Ipv4Cidr.parse("10.0.0.0/16"), FreeSpaceTest.cidrs("10.0.0.0/20"));
        assertThat(AddressPlanReport.headroom(free, 20)).isEqualTo(15);
        assertThat(AddressPlanReport.covered(Ipv4Cidr.parse("10.0.0.0/16"),
                FreeSpaceTest.cidrs("10.0.0.0/17 10.0.64.0/18"))).isEqualTo(32768);
    }

    @Test
    void subnets_of_removed_zones_are_marked_kept_and_nothing_claims_to_be_deployed() {
        EnvironmentConfig full = PLAN.environments().get("dev-use1");
        EnvironmentConfig fewer = new EnvironmentConfig(full.name(),
                full.account(), full.region(), full.availabilityZones().subList(0, 2), full.kubernetesVersion(),
                full.tags(), full.network(), full.cluster(), full.karpenter(), full.buildkit(), full.metrics(), full.namespaces(), full.source(),
                full.line());
        List<EnvironmentConfig> envs = new ArrayList<>(
                PLAN.environments().values());
        envs.replaceAll(e -> e.name().equals("dev-use1") ? fewer : e);

        String md = AddressPlanReport.markdown(FixtureSynthesis.plan(envs));

        SubnetAllocation gone = PLAN.vpc("dev-use1").subnet("us-east-1c", SubnetTier.NODES)
                .orElseThrow();
        assertThat(md).contains("| us-east-1c | nodes | " + gone.cidr() + " | 507 | #" + gone.ipv6Index()
                + " | kept, not in the stacks |");
        assertThat(md).contains("- headroom (each size alone, without a new block): ").doesNotContain("deployed");
    }

    @Test
    void subnets_this_synth_allocates_are_new_until_the_lock_is_committed() {
        List<EnvironmentConfig> envs = new ArrayList<>(PLAN.environments().values());
        EnvironmentConfig dev = PLAN.environments().get("dev-use1");
        envs.add(new EnvironmentConfig("staging-use1", dev.account(), dev.region(), dev.availabilityZones(),
                dev.kubernetesVersion(), dev.tags(), dev.network(), dev.cluster(), dev.karpenter(), dev.buildkit(),
                dev.metrics(), dev.namespaces(), dev.source(), dev.line()));

        AddressPlan grown = FixtureSynthesis.plan(envs);
        String md = AddressPlanReport.markdown(grown);

        SubnetAllocation added = grown.vpc("staging-use1").subnets().get(0);
        assertThat(md).contains("| " + added.zone() + " | " + added.tier().label() + " | " + added.cidr() + " | "
                + AddressPlanner.count(added.cidr().usableInSubnet()) + " | #" + added.ipv6Index()
                + " | new in this plan: commit the lock |");
        assertThat(md).contains(" | planned |");
    }

    @Test
    void the_picture_is_well_formed_svg_naming_every_vpc_and_range() throws Exception {
        String svg = AddressPlanSvg.render(PLAN);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThan(100);
        assertThat(svg).contains("dev-euw1", "prod-use1", "10.200.0.0/13  carrier integrations",
                "eu-west-1 pool 10.48.0.0/12", "nodes us-east-1a 10.208.32.0/21 (IPv6 /64 #0)");
        assertThat(AddressPlanSvg.render(PLAN)).isEqualTo(svg);
    }

    @Test
    void a_regions_colour_depends_on_its_name_alone() {
        List<EnvironmentConfig> usOnly = PLAN.environments().values().stream()
                .filter(e -> e.region().equals("us-east-1")).toList();
        String both = AddressPlanSvg.render(PLAN);
        String one = AddressPlanSvg.render(FixtureSynthesis.plan(usOnly));
        String colour = AddressPlanSvg.colour("us-east-1");

        assertThat(colour).matches("#[0-9a-f]{6}").isNotEqualTo(AddressPlanSvg.colour("eu-west-1"))
                .isNotEqualTo(AddressPlanSvg.colour("us-east-2"));
        assertThat(AddressPlanSvg.colour("ap-future-9")).isEqualTo(AddressPlanSvg.colour("ap-future-9"));
        for (String svg : List.of(both, one)) {
            assertThat(svg).contains("fill=\"" + colour + "\">us-east-1: 10.208.0.0/18");
        }
    }

    @Test
    void the_zoomed_view_outlines_every_vpc_block_and_labels_the_subnets_that_have_room() {
        String svg = AddressPlanSvg.render(PLAN);
        String zoom = svg.substring(svg.indexOf("Each region's VPCs, zoomed"), svg.indexOf("VPCs and their subnets"));

        for (VpcAllocation v : PLAN.lock().vpcs().values()) {
            assertThat(zoom).as(v.environment()).contains("fill=\"none\" stroke=\""
                    + AddressPlanSvg.colour(v.region()) + "\" stroke-width=\"2\"");
        }
        assertThat(zoom.split("fill=\"none\" stroke=\"#", -1)).hasSize(PLAN.lock().vpcs().values().stream()
                .mapToInt(v -> v.blocks().size()).sum() + 1);
        assertThat(zoom).contains(">nodes a</text>", ">nodes d</text>", ">public c</text>");
    }

    @Test
    void hilbert_cells_of_an_aligned_quarter_form_a_square() {
        assertThat(AddressPlanSvg.hilbert(4, 0)).containsExactly(0, 0);
        assertThat(AddressPlanSvg.hilbert(4, 1)).containsExactly(1, 0);
        assertThat(AddressPlanSvg.hilbert(4, 3)).containsExactly(0, 1);
        assertThat(AddressPlanSvg.hilbert(4, 8)).containsExactly(2, 2);
        assertThat(AddressPlanSvg.hilbert(4, 15)).containsExactly(3, 0);
        for (int quarter = 0; quarter < 4; quarter++) {
            int[] first = AddressPlanSvg.hilbert(4, quarter * 4L);
            for (int i = 1; i < 4; i++) {
                int[] cell = AddressPlanSvg.hilbert(4, quarter * 4L + i);
                assertThat(cell[0] / 2).isEqualTo(first[0] / 2);
                assertThat(cell[1] / 2).isEqualTo(first[1] / 2);
            }
        }
    }

    @Test
    void the_lock_file_round_trips_byte_for_byte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("address-plan.lock.yaml");
        Files.writeString(file, LockFile.write(PLAN.lock()));

        AddressLock read = LockFile.read(file);

        assertThat(read).isEqualTo(PLAN.lock());
        assertThat(LockFile.write(read)).isEqualTo(Files.readString(FixtureSynthesis.STACKS.resolve("address-plan.lock.yaml")));
    }

    @Test
    void a_damaged_lock_is_a_located_error(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("address-plan.lock.yaml");
        Files.writeString(file, Files.readString(FixtureSynthesis.STACKS.resolve("address-plan.lock.yaml"))
                .replaceFirst("ipv6Index: 3", "ipv6Index: three"));

        assertThatThrownBy(() -> LockFile.read(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("address-plan.lock.yaml:15: vpcs.dev-euw1.subnets[0].ipv6Index: expected a "
                        + "whole number, got the string three");
    }

    @Test
    void a_hand_edited_lock_with_overlapping_vpcs_is_refused(@TempDir Path dir) throws IOException {
        String lock = Files.readString(FixtureSynthesis.STACKS.resolve("address-plan.lock.yaml"));
        String prodBlock = PLAN.vpc("prod-euw1").primary().toString();
        String devBlock = PLAN.vpc("dev-euw1").primary().toString();
        AddressLock damaged = LockFile.read(write(dir, lock.replace("blocks: [" + prodBlock + "]",
                "blocks: [" + devBlock + "]")));

        assertThatThrownBy(() -> AddressPlanner.plan(PLAN.network(), List.copyOf(
                PLAN.environments().values()), damaged, "stacks/address-plan.lock.yaml", Set.of()))
                .hasMessageContaining("prod-euw1's VPC block " + devBlock + " overlaps " + devBlock
                        + " of dev-euw1; restore the lock from version control");
    }

    private static Path write(Path dir, String text) throws IOException {
        Path file = dir.resolve("address-plan.lock.yaml");
        Files.writeString(file, text);
        return file;
    }
}
