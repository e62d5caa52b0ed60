package dev.v6platform.config;

import java.util.Locale;

/**
 * What EKS does when the cluster's Kubernetes version leaves standard support: {@code AWS::EKS::Cluster}
 * {@code UpgradePolicy.SupportType}. Left unset, EKS applies {@link #EXTENDED}, which bills extended support.
 *
 * @see <a href="https://docs.aws.amazon.com/eks/latest/userguide/enable-disable-extended-support.html">Extended
 *     support</a>
 */
public enum SupportType {
    /** The cluster is upgraded automatically at the end of standard support; no extended-support charge. */
    STANDARD,
    /** The cluster stays on its version through extended support, billed per cluster hour. */
    EXTENDED;

    /** The name in stacks/ and in CloudFormation: {@code STANDARD}, {@code EXTENDED}. */
    public String label() {
        return name();
    }

    /** The type a stacks/ value names, ignoring case; null when none does. */
    public static SupportType fromLabel(String label) {
        for (SupportType t : values()) {
            if (t.name().equals(label.toUpperCase(Locale.ROOT))) {
                return t;
            }
        }
        return null;
    }
}
