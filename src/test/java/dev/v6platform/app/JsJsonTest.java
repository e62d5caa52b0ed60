package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JsJson against node's own JSON.stringify, and the cloud assembly files the CDK wrote, read and written back. */
class JsJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Strings with every escape JSON.stringify makes and characters it leaves alone, numbers, nesting. */
    private static final String TRICKY = "{\"s\":\"quote \\\" back \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f "
            + "nul \\u0000 us \\u001f del \\u007f e \\u00e9 ls \\u2028 emoji \\ud83d\\ude00 lone \\ud800 x "
            + "\\udc00\",\"n\":[0,-1,3,1.5,-0.25,1e21,1e-7,1.5e-8,0.000001,123456789,0.1],\"e\":{},\"a\":[],"
            + "\"nested\":{\"b\":true,\"f\":false,\"z\":null,\"l\":[[],{},[1,[2]]]}}";

    @ParameterizedTest
    @CsvSource({"0", "2"})
    void writes_what_nodes_json_stringify_writes(int indent) throws Exception {
        JsonNode node = JSON.readTree(TRICKY);

        assertThat(JsJson.stringify(node, indent)).isEqualTo(node(TRICKY, indent));
    }

    @Test
    void the_cdks_assembly_files_read_and_written_again_are_the_same_bytes() throws IOException {
        Path out = FixtureSynthesis.get().cdkOut();
        for (String name : new String[] {"manifest.json", "validation-report.json", "v6-dev-use1.assets.json"}) {
            String text = Files.readString(out.resolve(name));
            assertThat(JsJson.stringify(JSON.readTree(text), 2)).as(name).isEqualTo(text);
        }
        String tree = Files.readString(out.resolve("tree.json"));
        assertThat(JsJson.stringify(JSON.readTree(tree), 0)).isEqualTo(tree);
    }

    @Test
    void an_assembly_composed_from_parts_is_the_cdks_own_bytes() {
        // two regions: the CloudFormation Validate plugin words a rule's entries after the first template's finding
        List<EnvironmentConfig> envs = FixtureSynthesis.environments().stream().filter(e -> e.name().startsWith("dev-"))
                .toList();
        Path dir = FixtureSynthesis.fresh("composed-vs-native");
        PlatformSynthesis.Result nativeBuild = PlatformSynthesis.build(envs, FixtureSynthesis.plan(),
                dir.resolve("native"), dir.resolve("native-dist"));
        nativeBuild.app().synth();
        PlatformSynthesis.Result composed = PlatformSynthesis.run(envs, FixtureSynthesis.plan(),
                dir.resolve("composed"), dir.resolve("composed-dist"));

        Map<String, byte[]> cdk = FixtureSynthesis.files(dir.resolve("native"));
        Map<String, byte[]> ours = FixtureSynthesis.files(composed.cdkOut());
        assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(cdk.keySet());
        cdk.forEach((name, bytes) -> {
            if (name.endsWith(".json")) {
                assertThat(new String(ours.get(name), StandardCharsets.UTF_8)).as(name)
                        .isEqualTo(new String(bytes, StandardCharsets.UTF_8));
            } else {
                assertThat(java.util.Arrays.equals(ours.get(name), bytes)).as(name).isTrue();
            }
        });
    }

    /** What node prints for JSON.stringify(JSON.parse(json), undefined, indent). */
    static String node(String json, int indent) throws Exception {
        Process p = new ProcessBuilder("node", "-e", "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>"
                + "process.stdout.write(JSON.stringify(JSON.parse(s),undefined," + indent + ")))")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
