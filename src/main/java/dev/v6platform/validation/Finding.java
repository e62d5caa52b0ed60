package dev.v6platform.validation;

import java.util.Objects;

/**
 * One violation of a platform rule in a synthesized template.
 *
 * @param rule        rule id, e.g. {@code V6-EKS-IPV6}
 * @param description what is wrong, naming the values found
 * @param fix         how to fix it
 * @param logicalId   the offending resource's logical id
 */
public record Finding(String rule, String description, String fix, String logicalId) {
    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(logicalId, "logicalId");
    }
}
