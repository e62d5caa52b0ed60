package dev.v6platform.config;

import java.util.Locale;

/**
 * Pod Security Standards level enforced on a namespace by Pod Security admission.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/security/pod-security-standards/">Pod Security Standards</a>
 */
public enum PodSecurityLevel {
    /** Unrestricted: only for workloads that need it, such as rootless BuildKit (unconfined seccomp). */
    PRIVILEGED,
    /** Prevents known privilege escalations. */
    BASELINE,
    /** Hardened pods: non-root, no capabilities, RuntimeDefault seccomp. */
    RESTRICTED;

    /** The value used in the {@code pod-security.kubernetes.io/*} labels and in {@code stacks/}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
