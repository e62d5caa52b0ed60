package dev.v6platform.app;

import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.jsii.JsiiException;

/**
 * The CDK app: {@code cdk.json} runs it. Reads every environment in {@code stacks/}, synthesizes CloudFormation to
 * the CLI's output directory ({@code cdk.out}) and Kubernetes YAML to {@code dist/<environment>/}.
 *
 * <pre>
 * usage: Main [--stacks DIR] [--dist DIR] [--out DIR]
 *   --stacks  environment files (default: stacks)
 *   --dist    Kubernetes output (default: dist)
 *   --out     cloud assembly (default: $CDK_OUTDIR as set by the CDK CLI, else cdk.out)
 * </pre>
 *
 * <p>Exit codes: 0 success, 2 invalid configuration or usage, 1 synthesis or validation failure. Errors are printed
 * as located one-line messages, never as stack traces, and leave earlier output untouched.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        // jsii keeps a node child process; exit explicitly so the JVM does not wait on it.
        System.exit(code);
    }

    /** Runs the app; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, result -> { });
    }

    /** Runs the app with {@code extend} applied to the built trees before synth (see {@link PlatformSynthesis}). */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<PlatformSynthesis.Result> extend) {
        Path stacks = Path.of("stacks");
        Path dist = Path.of("dist");
        String envOut = System.getenv("CDK_OUTDIR");
        Path cdkOut = Path.of(envOut != null && !envOut.isBlank() ? envOut : "cdk.out");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length || !List.of("--stacks", "--dist", "--out").contains(flag)) {
                err.println("error: unknown or incomplete argument '" + flag + "'; usage: [--stacks DIR] "
                        + "[--dist DIR] [--out DIR]");
                return 2;
            }
            Path value = Path.of(args[++i]);
            switch (flag) {
                case "--stacks" -> stacks = value;
                case "--dist" -> dist = value;
                default -> cdkOut = value;
            }
        }
        try {
            List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(stacks);
            PlatformSynthesis.run(envs, cdkOut, dist, extend);
            err.println("v6-platform: synthesized " + envs.size() + " environment(s) ("
                    + String.join(", ", envs.stream().map(EnvironmentConfig::name).toList()) + "): CloudFormation in "
                    + cdkOut + ", Kubernetes YAML in " + dist + "/<environment>/");
            return 0;
        } catch (ConfigException e) {
            err.println("error: invalid configuration (" + e.errors().size() + " problem"
                    + (e.errors().size() == 1 ? "" : "s") + "); nothing was written:");
            e.errors().forEach(problem -> err.println("  " + problem.format()));
            return 2;
        } catch (SynthesisException e) {
            err.println("error: synthesis failed; nothing was written: " + e.getMessage());
            return 1;
        } catch (JsiiException e) {
            err.println("error: synthesis failed; nothing was written: " + firstLines(e.getMessage()));
            return 1;
        } catch (UncheckedIOException e) {
            err.println("error: cannot write output: " + e.getMessage());
            return 1;
        }
    }

    /** A jsii error message without the JavaScript stack trace that follows it. */
    static String firstLines(String message) {
        if (message == null) {
            return "(no message)";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\n")) {
            if (line.strip().startsWith("at ") || line.strip().startsWith("--- resolve")) {
                break;
            }
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(line);
        }
        return sb.toString().strip();
    }
}
