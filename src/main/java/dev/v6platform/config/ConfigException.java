package dev.v6platform.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when one or more configuration files are invalid. Carries every problem found, each located.
 * The message is meant for users: one line per problem, no stack trace needed.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(render(errors), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public ConfigException(ConfigError error) {
        this(List.of(error));
    }

    /** Every problem found, in file and line order. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::format).collect(Collectors.joining("\n"));
    }
}
