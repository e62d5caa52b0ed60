package dev.v6platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.v6platform.network.plan.Ipv4Cidr;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class NetworkLoaderTest {
    static final Path BAD = Path.of("src/test/resources/bad-network");
    /** Problems only the parser sees: values a pattern cannot judge, or relations between entries. */
    static final Set<String> PARSER_ONLY = Set.of("host-bits-set", "public-supernet", "overlapping-supernets",
            "reserved-outside-supernets", "bad-cidr");

    @Test
    void reads_the_sample_address_space() {
        NetworkConfig n = NetworkLoader.load(FixtureSynthesis.STACKS.resolve("network.yaml"));

        assertThat(n.supernets()).containsExactly(Ipv4Cidr.parse("10.0.0.0/8"));
        assertThat(n.reserved()).extracting(AddressRange::cidr).contains(Ipv4Cidr.parse("10.200.0.0/13"));
        assertThat(n.reserved().get(1).note()).startsWith("carrier integrations");
        assertThat(n.inUse()).hasSize(3);
        assertThat(n.regionPools()).isEqualTo(Map.of("eu-west-1", 12, "us-east-1", 12));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            host-bits-set              | 2 | supernets[0]      | '10.1.0.0/8' has host bits set; did you mean 10.0.0.0/8?
            public-supernet            | 2 | supernets[0]      | 8.8.0.0/16 is not a private range
            overlapping-supernets      | 3 | supernets[1]      | 10.64.0.0/10 overlaps another supernet
            reserved-without-reason    | 3 | reserved[0].reason | required field is missing
            reserved-outside-supernets | 3 | reserved[0].cidr  | 192.168.0.0/16 lies outside every supernet
            bad-cidr                   | 3 | inUse[0].cidr     | has an octet above 255
            unknown-key                | 2 | reserve           | unknown key 'reserve'; did you mean 'reserved'?
            pool-too-large             | 3 | regionPools.us-east-1.prefixLength | /6 is not a possible region pool
            pool-bad-region            | 3 | regionPools.us-east | 'us-east' is not an AWS region name
            no-supernets               | 1 | supernets         | required field is missing
            """)
    void rejects_a_bad_network_file_with_its_location(String name, int line, String field, String message)
            throws IOException {
        Path file = BAD.resolve(name + ".yaml");

        assertThatThrownBy(() -> NetworkLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    List<ConfigError> errors = ((ConfigException) e).errors();
                    ConfigError error = errors.stream().filter(x -> x.field().equals(field)).findFirst()
                            .orElseThrow(() -> new AssertionError("no error on " + field + " in " + errors));
                    assertThat(error.line()).isEqualTo(line);
                    assertThat(error.format()).contains(message);
                });
        if (!PARSER_ONLY.contains(name)) {
            assertThat(schemaErrors(file)).as("schema errors for " + name).isNotEmpty();
        }
    }

    @Test
    void the_schema_accepts_the_sample() throws IOException {
        assertThat(schemaErrors(FixtureSynthesis.STACKS.resolve("network.yaml"))).isEmpty();
    }

    @Test
    void a_missing_network_file_says_how_to_create_it() {
        assertThatThrownBy(() -> NetworkLoader.load(Path.of("no/such/network.yaml")))
                .hasMessageContaining("no/such/network.yaml: the address plan's input is missing; create it with at "
                        + "least 'supernets: [10.0.0.0/8]'");
    }

    private static List<String> schemaErrors(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(json.readTree(Path.of("stacks/network.schema.json").toFile()));
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        return schema.validate(json.valueToTree(doc)).stream().map(Object::toString).toList();
    }
}
