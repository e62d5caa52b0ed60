package dev.v6platform.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CDK CLI command that runs the app, read from the command line of the CLI's process (an ancestor of this
 * JVM: {@code node .../aws-cdk/bin/cdk diff v6-dev-use1} runs {@code sh -c 'bash scripts/app.sh'}). The CLI tells
 * the app nothing of its command, but the app must know it: {@code cdk ls} and {@code cdk diff} must never write the
 * address plan's lock, and {@code cdk synth v6-dev-use1} need only build that environment.
 *
 * <pre>{@code
 * CdkInvocation.parse(List.of("node", "/x/node_modules/aws-cdk/bin/cdk", "diff", "-c", "a=b", "v6-dev-*"))
 *     // command "diff", selectors [v6-dev-*], writesLock() false
 * }</pre>
 *
 * @param command   the CLI's command ({@code synth}, {@code ls}, {@code diff}, ...), as typed
 * @param selectors the stack names or patterns given to it, as typed
 * @param all       whether {@code --all} was given
 */
public record CdkInvocation(String command, List<String> selectors, boolean all) {
    /** Commands that only read: they plan in memory and never write the lock. */
    static final Set<String> READ_ONLY = Set.of("ls", "list", "diff", "metadata", "context", "docs", "doc", "doctor",
            "notices", "acknowledge", "ack", "destroy", "drift", "refactor", "flags", "gc", "bootstrap");
    /** Commands that take stack names or patterns. */
    static final Set<String> TAKES_STACKS = Set.of("synth", "synthesize", "deploy", "diff", "ls", "list", "watch",
            "destroy", "import", "drift", "metadata");
    /** CLI options (global and per command) that take a value. */
    private static final Set<String> WITH_VALUE = Set.of("-a", "--app", "--build", "-c", "--context", "-p",
            "--plugin", "--proxy", "--ca-bundle-path", "-r", "--role-arn", "--toolkit-stack-name", "-o", "--output",
            "--profile", "--parameters", "-m", "--method", "--change-set-name", "-O", "--outputs-file",
            "--require-approval", "--concurrency", "--asset-parallelism", "--template", "--context-lines",
            "--notification-arns", "--tags", "-t", "--toolkit-bucket-name", "--bootstrap-kms-key-id", "--qualifier",
            "--custom-permissions-boundary", "--import-existing-resources",
            "--resource-mapping", "--record-resource-mapping", "--unstable", "--language", "-l");

    public CdkInvocation {
        selectors = List.copyOf(selectors);
    }

    /** Whether the command may write the lock: everything but the read-only commands. */
    public boolean writesLock() {
        return !READ_ONLY.contains(command);
    }

    /**
     * The CDK CLI's command line parsed, when {@code argv} is one: a program whose file name is {@code cdk}
     * (or {@code cdk.js}, or {@code aws-cdk/bin/cdk} run by node) followed by a command.
     */
    public static Optional<CdkInvocation> parse(List<String> argv) {
        int i = 0;
        while (i < argv.size() && !isCdk(argv.get(i))) {
            i++;
        }
        if (i >= argv.size()) {
            return Optional.empty();
        }
        String command = null;
        List<String> selectors = new ArrayList<>();
        boolean all = false;
        for (i++; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("--")) {
                continue;
            }
            if (arg.startsWith("-")) {
                all |= arg.equals("--all");
                if (WITH_VALUE.contains(arg) && !arg.contains("=")) {
                    i++;
                }
                continue;
            }
            if (command == null) {
                command = arg;
            } else if (TAKES_STACKS.contains(command)) {
                selectors.add(arg);
            }
        }
        return command == null ? Optional.empty() : Optional.of(new CdkInvocation(command, selectors, all));
    }

    private static boolean isCdk(String arg) {
        String name = arg.substring(arg.lastIndexOf('/') + 1);
        return name.equals("cdk") || name.equals("cdk.js");
    }

    /** The CDK CLI command among this process's ancestors, if the CLI runs it. */
    public static Optional<CdkInvocation> detect() {
        Optional<ProcessHandle> p = ProcessHandle.current().parent();
        for (int depth = 0; depth < 8 && p.isPresent(); depth++) {
            Optional<CdkInvocation> found = parse(commandLine(p.get()));
            if (found.isPresent()) {
                return found;
            }
            p = p.get().parent();
        }
        return Optional.empty();
    }

    /**
     * A process's command line: from {@code /proc} where there is one (the JDK gives up on long command lines, such
     * as an {@code --app} with a whole classpath), else as the JDK reports it.
     */
    private static List<String> commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                String text = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
                return List.of(text.split("\0"));
            }
        } catch (IOException e) {
            // the process ended, or is not ours: as the JDK reports it
        }
        List<String> argv = new ArrayList<>();
        process.info().command().ifPresent(argv::add);
        process.info().arguments().ifPresent(a -> argv.addAll(List.of(a)));
        return argv;
    }

    /** Whether {@code stack} is one of the selectors ({@code *} matches any characters), or all are selected. */
    public boolean selects(String stack) {
        if (all || selectors.isEmpty()) {
            return true;
        }
        for (String s : selectors) {
            if (stack.matches(("\\Q" + s + "\\E").replace("*", "\\E.*\\Q"))) {
                return true;
            }
        }
        return false;
    }
}
