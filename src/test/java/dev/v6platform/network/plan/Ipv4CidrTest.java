package dev.v6platform.network.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv4CidrTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"10.0.0.0/8, 16777216", "10.32.0.0/20, 4096", "192.168.1.128/25, 128", "0.0.0.0/0, 4294967296",
        "255.255.255.255/32, 1"})
    void parses_and_prints_aligned_blocks(String text, long size) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(text);

        assertThat(cidr).hasToString(text);
        assertThat(cidr.size()).isEqualTo(size);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10.1.0.0/8      | '10.1.0.0/8' has host bits set; did you mean 10.0.0.0/8?
            10.0.0.0        | '10.0.0.0' is not a CIDR block: write it as address/prefix, e.g. 10.0.0.0/16
            10.0.0.256/24   | '10.0.0.256/24' has an octet above 255
            10.0.0/24       | '10.0.0/24' is not an IPv4 CIDR block (expected 4 dotted numbers)
            10.0.0.0/33     | '10.0.0.0/33' has prefix length 33; IPv4 allows 0 to 32
            10.0.0.0/x      | '10.0.0.0/x' has no valid prefix length after '/'
            """)
    void refuses_bad_blocks_saying_why(String text, String message) {
        assertThatThrownBy(() -> Ipv4Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void knows_containment_overlap_and_usable_subnet_addresses() {
        Ipv4Cidr vpc = Ipv4Cidr.parse("10.32.0.0/20");

        assertThat(vpc.contains(Ipv4Cidr.parse("10.32.15.0/24"))).isTrue();
        assertThat(vpc.contains(Ipv4Cidr.parse("10.32.16.0/24"))).isFalse();
        assertThat(vpc.overlaps(Ipv4Cidr.parse("10.32.0.0/16"))).isTrue();
        assertThat(Ipv4Cidr.parse("10.0.0.0/28").usableInSubnet()).isEqualTo(11);
    }

    @ParameterizedTest(name = "{0} hosts -> /{1}")
    @CsvSource({"11, 28", "12, 27", "27, 27", "28, 26", "1500, 21", "251, 24", "252, 23"})
    void picks_the_smallest_subnet_that_leaves_the_hosts_after_aws_takes_five(long hosts, int prefix) {
        assertThat(Ipv4Cidr.prefixForHosts(hosts)).isEqualTo(prefix);
    }
}
