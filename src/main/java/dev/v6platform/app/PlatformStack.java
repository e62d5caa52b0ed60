package dev.v6platform.app;

import dev.v6platform.buildkit.BuildCache;
import dev.v6platform.cluster.ClusterNetwork;
import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.cluster.Ipv6ClusterProps;
import dev.v6platform.cluster.KubectlLayers;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.config.KubernetesDelivery;
import dev.v6platform.karpenter.KarpenterAws;
import dev.v6platform.network.DualStackVpc;
import dev.v6platform.network.DualStackVpcProps;
import dev.v6platform.network.plan.AddressPlan;
import dev.v6platform.observability.CollectorAccess;
import dev.v6platform.observability.ManagedPrometheus;
import dev.v6platform.observability.PlatformRules;
import dev.v6platform.security.PlatformKey;
import dev.v6platform.security.PlatformKeyProps;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

/**
 * Everything one environment runs on AWS, in one CloudFormation stack with an explicit account and region: its
 * KMS key and its dual-stack VPC, built from the address plan.
 * Every resource carries the environment's tags plus {@code v6-platform:environment} and
 * {@code v6-platform:managed-by}.
 */
public final class PlatformStack extends Stack {
    /**
     * System property naming the {@code node_modules} directory the kubectl layers are read from (default:
     * {@code node_modules} in the working directory, where {@code npm ci} puts them).
     */
    public static final String NODE_MODULES_PROPERTY = "v6.nodeModules";

    private final EnvironmentConfig environment;
    private final PlatformKey key;
    private final DualStackVpc vpc;
    private final Ipv6Cluster cluster;
    private final KarpenterAws karpenter;
    private final BuildCache buildCache;
    private final ManagedPrometheus prometheus;
    private final CollectorAccess collectorAccess;
    private final String remoteWriteUrl;

    public PlatformStack(Construct scope, String id, EnvironmentConfig env, AddressPlan plan) {
        this(scope, id, env, plan, List.of(env), new HashMap<>());
    }

    /**
     * An environment's stack among {@code all}: with {@code metrics.workspace: region}, the first environment of an
     * account and region (by name) creates the shared workspace and registers it in {@code regional}; the others
     * write to it through cross-stack references.
     */
    public PlatformStack(Construct scope, String id, EnvironmentConfig env, AddressPlan plan,
            List<EnvironmentConfig> all, Map<String, ManagedPrometheus> regional) {
        super(scope, id, StackProps.builder()
                .env(Environment.builder().account(env.account()).region(env.region()).build())
                .stackName(nameOf(env))
                .description("v6-platform environment " + env.name() + " (" + env.region() + ")")
                .terminationProtection(true)
                .build());
        this.environment = env;
        Tags tags = Tags.of(this);
        instanceTags(env).forEach(tags::add);
        this.key = new PlatformKey(this, "PlatformKey", new PlatformKeyProps(
                "alias/v6-platform/" + env.name(),
                "v6-platform " + env.name() + ": encrypts Kubernetes secrets, logs, queues and metrics"));
        this.vpc = new DualStackVpc(this, "Vpc", new DualStackVpcProps(
                env.name(),
                plan.vpc(env.name()),
                plan.activeSubnets(env.name()),
                env.network().natGateways(),
                env.network().flowLogRetentionDays(),
                key.key(),
                clusterName(env),
                env.network().ipv6IpamPoolId(),
                env.network().transitGateway()));
        this.cluster = new Ipv6Cluster(this, "Cluster", Ipv6ClusterProps.builder()
                .clusterName(clusterName(env))
                .version(env.kubernetesVersion())
                .network(ClusterNetwork.of(vpc))
                .secretsKey(key.key())
                .publicAccessCidrs(env.cluster().publicAccessCidrs())
                .publicAccessReason(env.cluster().publicAccessReason())
                .privateAccessCidrs(env.cluster().privateAccessCidrs())
                .admins(env.cluster().admins())
                .viewers(env.cluster().viewers())
                .addonVersions(env.cluster().addonVersions())
                .systemNodes(env.cluster().systemNodes())
                .kubectlLayer(env.cluster().delivery() == KubernetesDelivery.KUBECTL
                        ? Optional.of(KubectlLayers.forVersion(this, "KubectlLayer", env.kubernetesVersion(),
                                Path.of(System.getProperty(NODE_MODULES_PROPERTY, "node_modules"))))
                        : Optional.empty())
                .instanceTags(instanceTags(env))
                .supportType(env.cluster().supportType())
                .logRetentionDays(env.cluster().logRetentionDays())
                .build());
        // nodes bootstrap through the VPC's routes (NAT, egress-only gateway)
        cluster.systemNodes().getNode().addDependency(vpc);
        this.karpenter = env.karpenter().isPresent() ? new KarpenterAws(this, "Karpenter", cluster) : null;
        this.buildCache = env.buildkit().map(b -> new BuildCache(this, "BuildCache", env.name(), b, cluster,
                key.key())).orElse(null);
        if (env.metrics().isEmpty()) {
            this.prometheus = null;
            this.collectorAccess = null;
            this.remoteWriteUrl = null;
        } else if (!env.metrics().get().regional()) {
            this.prometheus = new ManagedPrometheus(this, "Prometheus", env.name(), env.metrics().get(),
                    PlatformRules.groups(List.of(PlatformRules.Scope.of(env))), key.key(),
                    cluster.cluster());
            this.collectorAccess = prometheus.access().orElseThrow();
            this.remoteWriteUrl = prometheus.remoteWriteUrl();
        } else {
            String shared = env.account() + "/" + env.region();
            ManagedPrometheus owner = regional.get(shared);
            if (owner == null) {
                List<EnvironmentConfig> members = all.stream().filter(e -> e.metrics().isPresent()
                        && e.metrics().get().regional() && (e.account() + "/" + e.region()).equals(shared)).toList();
                Map<String, Long> budgets = new TreeMap<>();
                members.forEach(e -> budgets.put(e.name(), e.metrics().get().seriesBudget()));
                owner = new ManagedPrometheus(this, "Prometheus", "shared-" + env.region(), env.metrics().get(),
                        PlatformRules.groups(members.stream().map(PlatformRules.Scope::of).toList()), key.key(),
                        budgets);
                regional.put(shared, owner);
                this.prometheus = owner;
            } else {
                this.prometheus = null;
            }
            // under a PrometheusCollector node: the ids (PrometheusCollector/Role, .../PodIdentity) stay as they were
            this.collectorAccess = new CollectorAccess(new Construct(this, "PrometheusCollector"), "", env.name(),
                    owner.workspace().getAttrArn(), cluster.cluster());
            this.remoteWriteUrl = owner.remoteWriteUrl();
        }
    }

    /** The collector's remote-write access, when the environment has a {@code metrics:} section. */
    public Optional<CollectorAccess> collectorAccess() {
        return Optional.ofNullable(collectorAccess);
    }

    /** Where the collector writes (its own or the shared workspace), when the environment has metrics. */
    public Optional<String> remoteWriteUrl() {
        return Optional.ofNullable(remoteWriteUrl);
    }

    /**
     * The managed Prometheus workspace this stack owns: its own, or the shared one of its account and region when
     * it is the first environment there.
     */
    public Optional<ManagedPrometheus> prometheus() {
        return Optional.ofNullable(prometheus);
    }

    /** The BuildKit registry cache, when the environment has a {@code buildkit:} section. */
    public Optional<BuildCache> buildCache() {
        return Optional.ofNullable(buildCache);
    }

    public Ipv6Cluster cluster() {
        return cluster;
    }

    /** Karpenter's AWS side, when the environment has a {@code karpenter:} section. */
    public Optional<KarpenterAws> karpenter() {
        return Optional.ofNullable(karpenter);
    }

    /** The tags of every resource of an environment: its own and the platform's. */
    public static Map<String, String> instanceTags(EnvironmentConfig env) {
        Map<String, String> tags = new TreeMap<>(env.tags());
        tags.put(EnvironmentLoader.TAG_PREFIX + "environment", env.name());
        tags.put(EnvironmentLoader.TAG_PREFIX + "managed-by", "v6-platform");
        return tags;
    }

    /** The EKS cluster name of an environment; also the Karpenter discovery tag value. */
    public static String clusterName(EnvironmentConfig env) {
        return "v6-" + env.name();
    }

    public DualStackVpc vpc() {
        return vpc;
    }

    /** The CloudFormation stack name of an environment. */
    public static String nameOf(EnvironmentConfig env) {
        return "v6-" + env.name();
    }

    /** The environment this stack was built from. */
    public EnvironmentConfig config() {
        return environment;
    }

    public PlatformKey key() {
        return key;
    }
}
