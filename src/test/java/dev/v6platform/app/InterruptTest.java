package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C during a synth: the terminal sends SIGINT to the whole process group (the JVM and jsii's node processes),
 * and the app says so in one line, with no Java or JavaScript stack trace, and leaves earlier output alone.
 */
class InterruptTest {
    @Test
    void ctrl_c_prints_one_line_and_no_stack_trace_and_keeps_the_output() throws Exception {
        Path dir = FixtureSynthesis.fresh("interrupt");
        Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dir.resolve("dist/earlier.txt"), "kept");
        String jsiiNode = "node --require " + Path.of("scripts/jsii-node-ignore-sigint.js").toAbsolutePath();
        // setsid: a process group of its own, as a terminal's foreground job has; env --default-signal: SIGINT as a
        // terminal's job gets it, even when this build runs in the background of a script (which ignores SIGINT,
        // and the ignored disposition would pass to the app)
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT", "setsid", "java", "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(), "--stacks", FixtureSynthesis.STACKS.toString(), "--dist",
                dir.resolve("dist").toString(), "--out", dir.resolve("cdk.out").toString())
                .redirectErrorStream(true);
        pb.environment().put("JSII_NODE", jsiiNode);
        pb.environment().put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        lines.add(out.readLine());   // the first warning: the stacks are read, jsii is starting
        Thread.sleep(2500);
        new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).inheritIO().start().waitFor();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(String.join("\n", lines)).isEqualTo(130);
        assertThat(lines).contains("v6-platform: interrupted; cdk.out/, dist/ and the lock are as they were")
                .noneMatch(l -> l.startsWith("\tat ") || l.trim().startsWith("at ") || l.contains("Exception")
                        || l.contains("node:events") || l.startsWith("error:"));
        assertThat(FixtureSynthesis.files(dir.resolve("dist")).keySet()).containsExactly("earlier.txt");
    }
}
