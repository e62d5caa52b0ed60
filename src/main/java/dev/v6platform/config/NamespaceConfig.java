package dev.v6platform.config;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A namespace the platform creates for the environment's users (for example the CI namespaces that may reach the
 * BuildKit fleet), besides the platform's own namespaces.
 *
 * @param name        DNS-1123 label
 * @param podSecurity the Pod Security level enforced on it
 * @param labels      extra labels, sorted by key; empty by default
 */
public record NamespaceConfig(String name, PodSecurityLevel podSecurity, Map<String, String> labels) {
    public NamespaceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(podSecurity, "podSecurity");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }
}
