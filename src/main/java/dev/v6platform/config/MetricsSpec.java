package dev.v6platform.config;

import java.util.List;

/**
 * An environment's {@code metrics:} section: its Amazon Managed Service for Prometheus workspace and alerting.
 *
 * <pre>{@code
 * metrics:
 *   retentionDays: 150                 # how long AMP keeps samples, 1..1095; default 150
 *   alertEmails: [oncall@example.com]  # subscribed to the alert topic (each confirms by mail)
 * }</pre>
 *
 * @param retentionDays days AMP keeps samples
 * @param alertEmails   addresses subscribed to the alert topic
 * @param line          line of the {@code metrics:} key
 */
public record MetricsSpec(int retentionDays, List<String> alertEmails, int line) {
    public MetricsSpec {
        alertEmails = List.copyOf(alertEmails);
    }
}
