package dev.v6platform.config;

import java.util.Objects;

/**
 * One availability zone of a region as an account sees it. Zone names map to different physical zones in
 * different accounts; zone ids do not, so plans across accounts compare ids.
 *
 * @param name  e.g. {@code us-east-1a} (this account's name for it)
 * @param id    e.g. {@code use1-az4} (the same in every account)
 * @param state e.g. {@code available}
 */
public record ZoneFacts(String name, String id, String state) {
    public ZoneFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }
}
