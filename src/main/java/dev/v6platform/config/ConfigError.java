package dev.v6platform.config;

import java.util.Objects;

/**
 * One located problem in a configuration file: where it is, which field, what is wrong and how to fix it.
 *
 * <p>Rendered as {@code stacks/dev-use1.yaml:4: region: 'us-east-9' is not an AWS region name; use a
 * region such as 'us-east-1'}.
 *
 * @param file  the file as the user names it (relative to the working directory where possible)
 * @param line  1-based line, or 0 when the problem concerns the whole file
 * @param field dotted path of the field ({@code tags.team}, {@code namespaces[1].name}), or empty for the file
 * @param problem what is wrong, naming the value received and what is allowed
 * @param fix   how to fix it, as an instruction
 */
public record ConfigError(String file, int line, String field, String problem, String fix) {

    public ConfigError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, got " + line);
        }
    }

    /** The one-line form printed to users. */
    public String format() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!field.isEmpty()) {
            sb.append(field).append(": ");
        }
        sb.append(problem);
        if (!fix.isEmpty()) {
            sb.append("; ").append(fix);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
