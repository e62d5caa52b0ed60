package dev.v6platform.cluster;

/** Ids of the platform's own validation rules, as used in acknowledgements. */
public final class PlatformRuleIds {
    /** The plugin name that prefixes acknowledgement ids. */
    public static final String PLUGIN = "v6-platform";
    /** A cluster's public endpoint open to 0.0.0.0/0 or ::/0. */
    public static final String PUBLIC_ENDPOINT_OPEN = PLUGIN + "::V6-EKS-PUBLIC-ENDPOINT";

    private PlatformRuleIds() {
    }
}
