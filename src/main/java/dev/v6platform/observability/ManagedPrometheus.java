package dev.v6platform.observability;

import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.config.MetricsSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.aps.CfnRuleGroupsNamespace;
import software.amazon.awscdk.services.aps.CfnWorkspace;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.ICluster;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Subscription;
import software.amazon.awscdk.services.sns.SubscriptionProtocol;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * An environment's Amazon Managed Service for Prometheus workspace ({@code v6-<environment>}): encrypted with the
 * environment's key, keeping samples {@code retentionDays}, logging rule and alert manager errors to CloudWatch
 * Logs; the platform's rules ({@link PlatformRules}, checked by {@link RuleFiles}) in rule groups namespace
 * {@code platform}; and an alert manager that sends to an encrypted SNS topic, grouped by alert and severity.
 *
 * <p>AMP publishes to the topic as {@code aps.amazonaws.com}: the topic policy and the key policy allow it for this
 * account and workspace only.
 */
public final class ManagedPrometheus extends Construct {
    /** The rule groups namespace of the platform's rules. */
    public static final String RULES_NAMESPACE = "platform";

    private final CfnWorkspace workspace;
    private final Topic alerts;
    private CollectorAccess access;

    public ManagedPrometheus(Construct scope, String id, String environment, MetricsSpec spec, List<RuleGroup> rules,
            IKey key, ICluster cluster) {
        this(scope, id, environment, spec, rules, key, new TreeMap<>(Map.of(environment,
                spec.seriesBudget())));
        this.access = new CollectorAccess(this, "Collector", environment, workspace.getAttrArn(), cluster);
    }

    /**
     * A workspace shared by several environments ({@code metrics.workspace: region}): named after what it serves,
     * with one label-set limit per environment. Each environment's collector gets its own {@link CollectorAccess}.
     *
     * @param name    {@code <environment>}, or {@code shared-<region>} for a regional workspace
     * @param budgets series budget per environment writing to it
     */
    public ManagedPrometheus(Construct scope, String id, String name, MetricsSpec spec, List<RuleGroup> rules,
            IKey key, Map<String, Long> budgets) {
        super(scope, id);
        String environment = name;
        List<String> problems = RuleFiles.check(rules);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the Prometheus rules of " + environment + " are invalid:\n  "
                    + String.join("\n  ", problems));
        }
        Stack stack = Stack.of(this);
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/v6-platform/" + environment + "/prometheus")
                .retention(RetentionDays.THREE_MONTHS)
                .encryptionKey(key)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.alerts = Topic.Builder.create(this, "Alerts")
                .topicName("v6-" + environment + "-alerts")
                .displayName("v6-platform " + environment + " alerts")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        spec.alertEmails().forEach(email -> Subscription.Builder.create(this, "Email-" + email)
                .topic(alerts)
                .protocol(SubscriptionProtocol.EMAIL)
                .endpoint(email)
                .build());
        this.workspace = CfnWorkspace.Builder.create(this, "Workspace")
                .alias("v6-" + environment)
                .kmsKeyArn(key.getKeyArn())
                .loggingConfiguration(CfnWorkspace.LoggingConfigurationProperty.builder()
                        .logGroupArn(logs.getLogGroupArn()).build())
                .workspaceConfiguration(CfnWorkspace.WorkspaceConfigurationProperty.builder()
                        .retentionPeriodInDays(spec.retentionDays())
                        // the collector labels every series with the environment: cap them at the budget
                        .limitsPerLabelSets(budgets.entrySet().stream().map(b -> (Object)
                                CfnWorkspace.LimitsPerLabelSetProperty.builder()
                                        .labelSet(List.of(CfnWorkspace.LabelProperty.builder().name("environment")
                                                .value(b.getKey()).build()))
                                        .limits(CfnWorkspace.LimitsPerLabelSetEntryProperty.builder()
                                                .maxSeries(b.getValue()).build())
                                        .build()).toList())
                        .build())
                .alertManagerDefinition(alertManager(environment, alerts.getTopicArn(), stack.getRegion()))
                .build();
        // metrics and alert routing outlive the stack that holds them (a shared workspace serves other stacks)
        workspace.applyRemovalPolicy(RemovalPolicy.RETAIN);
        alerts.applyRemovalPolicy(RemovalPolicy.RETAIN);
        workspace.getNode().addDependency(logs);
        String workspaceArn = workspace.getAttrArn();
        alerts.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("ManagedPrometheusPublishes")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("aps.amazonaws.com")))
                .actions(List.of("sns:Publish", "sns:GetTopicAttributes"))
                .resources(List.of(alerts.getTopicArn()))
                .conditions(new TreeMap<>(Map.of("StringEquals", Map.of("aws:SourceAccount",
                        stack.getAccount()), "ArnEquals", Map.of("aws:SourceArn", workspaceArn))))
                .build());
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("ManagedPrometheusEncryptsAlerts")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("aps.amazonaws.com")))
                .actions(List.of("kms:GenerateDataKey*", "kms:Decrypt"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))
                .build());
        CfnRuleGroupsNamespace.Builder.create(this, "Rules")
                .workspace(workspaceArn)
                .name(RULES_NAMESPACE)
                .data(RuleFiles.render(rules))
                .build();
        CfnOutput.Builder.create(this, "RemoteWriteUrl")
                .description("Remote write URL of " + environment + "'s workspace (dual-stack endpoint)")
                .value(remoteWriteUrl(stack.getRegion(), workspace.getAttrWorkspaceId()))
                .build();
    }

    /** The alert manager definition: everything to the SNS topic, grouped by alert name and severity. */
    static String alertManager(String environment, String topicArn, String region) {
        return "alertmanager_config: |\n"
                + "  route:\n"
                + "    receiver: sns\n"
                + "    group_by: [alertname, severity, environment]\n"
                + "    group_wait: 30s\n"
                + "    group_interval: 5m\n"
                + "    repeat_interval: 4h\n"
                + "  receivers:\n"
                + "    - name: sns\n"
                + "      sns_configs:\n"
                + "        - topic_arn: " + topicArn + "\n"
                + "          sigv4:\n"
                + "            region: " + region + "\n"
                + "          subject: '[{{ .CommonLabels.environment }}] {{ .CommonLabels.alertname }}'\n"
                + "          attributes:\n"
                + "            severity: '{{ .CommonLabels.severity }}'\n";
    }

    /** The remote write URL on the dual-stack endpoint, which IPv6 pods reach. */
    public static String remoteWriteUrl(String region, String workspaceId) {
        return "https://aps-workspaces." + region + ".api.aws/workspaces/" + workspaceId + "/api/v1/remote_write";
    }

    /** The remote write URL, resolved at deploy. */
    public String remoteWriteUrl() {
        return remoteWriteUrl(Stack.of(this).getRegion(), workspace.getAttrWorkspaceId());
    }

    /** This environment's collector access, when the workspace is its own. */
    public Optional<CollectorAccess> access() {
        return Optional.ofNullable(access);
    }

    public CfnWorkspace workspace() {
        return workspace;
    }

    public Topic alerts() {
        return alerts;
    }
}
