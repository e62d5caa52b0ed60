package dev.v6platform.network.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreeSpaceTest {
    static List<Ipv4Cidr> cidrs(String spaceSeparated) {
        return spaceSeparated.isBlank() ? List.of()
                : Arrays.stream(spaceSeparated.trim().split("\\s+")).map(Ipv4Cidr::parse).toList();
    }

    static String allocations(FreeSpace space, String prefixes) {
        return Arrays.stream(prefixes.trim().split("\\s+"))
                .map(p -> space.allocate(Integer.parseInt(p)).map(Ipv4Cidr::toString).orElse("none"))
                .collect(Collectors.joining(" "));
    }

    @ParameterizedTest(name = "{0}: used [{1}], ask {2}")
    @CsvSource(delimiter = '|', textBlock = """
            empty parent, lowest address first  | 10.0.0.0/22 |                          | 24 24 24 24 24 | 10.0.0.0/24 10.0.1.0/24 10.0.2.0/24 10.0.3.0/24 none
            alignment: a /23 skips a used /24    | 10.0.0.0/22 | 10.0.0.0/24              | 23 24          | 10.0.2.0/23 10.0.1.0/24
            best fit keeps the larger block whole | 10.0.0.0/22 | 10.0.3.0/24              | 26 23          | 10.0.2.0/26 10.0.0.0/23
            fragmentation: small asks share a block | 10.0.0.0/24 |                        | 26 28 26 27    | 10.0.0.0/26 10.0.0.64/28 10.0.0.128/26 10.0.0.96/27
            exhaustion returns none              | 10.0.0.0/24 | 10.0.0.0/25              | 25 25          | 10.0.0.128/25 none
            reserved holes are never handed out  | 10.0.0.0/16 | 10.0.0.0/17 10.0.192.0/18 | 18 18 17      | 10.0.128.0/18 none none
            used ranges outside are clipped      | 10.1.0.0/16 | 10.0.0.0/15              | 24             | none
            a request larger than the parent     | 10.0.0.0/24 |                          | 23             | none
            """)
    void allocates_aligned_blocks_best_fit(String name, String parent, String used, String asks, String expected) {
        FreeSpace space = new FreeSpace(Ipv4Cidr.parse(parent), cidrs(used == null ? "" : used));

        assertThat(allocations(space, asks)).isEqualTo(expected);
    }

    @Test
    void releasing_merges_buddies_back_into_the_larger_block() {
        FreeSpace space = new FreeSpace(Ipv4Cidr.parse("10.0.0.0/24"), List.of());
        Ipv4Cidr a = space.allocate(26).orElseThrow();
        Ipv4Cidr b = space.allocate(26).orElseThrow();

        space.release(a);
        space.release(b);

        assertThat(space.freeBlocks()).containsExactly(Ipv4Cidr.parse("10.0.0.0/24"));
    }

    @Test
    void reports_the_largest_free_block_and_the_free_addresses() {
        FreeSpace space = new FreeSpace(Ipv4Cidr.parse("10.0.0.0/20"), cidrs("10.0.0.0/22 10.0.8.0/23"));

        assertThat(space.largestFree()).contains(Ipv4Cidr.parse("10.0.4.0/22"));
        assertThat(space.freeAddresses()).isEqualTo(4096 - 1024 - 512);
        assertThat(space.freeBlocks()).containsExactlyElementsOf(cidrs("10.0.4.0/22 10.0.10.0/23 10.0.12.0/22"));
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({
        "10.0.0.0, 10.0.1.0, 10.0.0.0/24",
        "10.0.0.64, 10.0.1.0, 10.0.0.64/26 10.0.0.128/25",
        "10.0.0.0, 10.0.0.3, 10.0.0.0/31 10.0.0.2/32",
        "0.0.0.0, 0.0.0.0, ''"})
    void decomposes_a_range_into_maximal_aligned_blocks(String from, String to, String expected) {
        long a = Ipv4Cidr.parse(from + "/32").start();
        long b = Ipv4Cidr.parse(to + "/32").start();

        assertThat(FreeSpace.blocksOf(a, b)).containsExactlyElementsOf(cidrs(expected));
    }

    @Test
    void refuses_to_release_a_block_outside_the_parent() {
        FreeSpace space = new FreeSpace(Ipv4Cidr.parse("10.0.0.0/24"), List.of());

        assertThatThrownBy(() -> space.release(Ipv4Cidr.parse("10.0.1.0/26")))
                .hasMessage("10.0.1.0/26 is not inside 10.0.0.0/24");
    }
}
