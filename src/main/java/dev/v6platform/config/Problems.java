package dev.v6platform.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects located configuration problems so that one run reports all of them, not just the first. */
public final class Problems {
    private final List<ConfigError> errors = new ArrayList<>();

    public void add(String file, int line, String field, String problem, String fix) {
        errors.add(new ConfigError(file, line, field, problem, fix));
    }

    public void add(ConfigError error) {
        errors.add(error);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public int size() {
        return errors.size();
    }

    /** Throws a {@link ConfigException} with every problem, sorted by file and line, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparing(ConfigError::file).thenComparingInt(ConfigError::line));
            throw new ConfigException(sorted);
        }
    }
}
