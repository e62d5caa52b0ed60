package dev.v6platform.security;

import java.util.Objects;

/**
 * Properties of a {@link PlatformKey}.
 *
 * @param aliasName   alias, starting with {@code alias/}
 * @param description what the key protects
 */
public record PlatformKeyProps(String aliasName, String description) {
    public PlatformKeyProps {
        Objects.requireNonNull(aliasName, "aliasName");
        Objects.requireNonNull(description, "description");
        if (!aliasName.matches("alias/[a-zA-Z0-9/_-]{1,250}") || aliasName.startsWith("alias/aws/")) {
            throw new IllegalArgumentException("aliasName '" + aliasName + "' must start with 'alias/', not "
                    + "'alias/aws/', and use letters, digits, '/', '_' and '-'");
        }
    }
}
