package dev.v6platform.reuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The README's consumer example ("Use the constructs from your own app") as a user would use it: extracted from the
 * README, compiled against the library's classpath alone, and run; its output must hold what it promises.
 */
class ReadmeExampleTest {
    /** A code block that follows {@code <!-- readme-example: File.java -->}. */
    static final Pattern EXAMPLE = Pattern.compile("<!-- readme-example: ([A-Za-z]+\\.java) -->\\n```java\\n(.*?)\\n```",
            Pattern.DOTALL);

    @Test
    void the_readme_example_compiles_and_synthesizes_karpenter_and_a_build_fleet() throws Exception {
        Matcher m = EXAMPLE.matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("README.md has a readme-example block").isTrue();
        Path dir = FixtureSynthesis.fresh("readme-example");
        Path source = dir.resolve("src/example").resolve(m.group(1));
        Files.createDirectories(source.getParent());
        Files.writeString(source, m.group(2) + "\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int code = javac.run(null, messages, messages, "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), "-Xlint:all", "-Werror", source.toString());
        assertThat(code).as(messages.toString(StandardCharsets.UTF_8)).isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> example = loader.loadClass("example." + m.group(1).replace(".java", ""));
            Method synth = example.getMethod("synth", Path.class);
            synth.invoke(null, dir.resolve("out"));
        }

        String template = Files.readString(dir.resolve("out/cdk.out/builders.template.json"));
        assertThat(template).contains("\"AWS::SQS::Queue\"", "\"QueueName\": \"shared-prod-karpenter\"",
                "\"AWS::EKS::PodIdentityAssociation\"");
        String yaml = read(dir.resolve("out/dist"));
        assertThat(yaml).contains("kind: EC2NodeClass", "name: graviton", "name: builders-arm64",
                "kind: StatefulSet", "name: buildkitd-arm64");
    }

    static String read(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }
}
