package dev.v6platform.buildkit;

import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.karpenter.KarpenterPools;
import dev.v6platform.karpenter.NodePoolSpec;
import dev.v6platform.karpenter.Requirement;
import dev.v6platform.karpenter.Taint;
import dev.v6platform.kubernetes.KubeObjects;
import dev.v6platform.kubernetes.PlatformNamespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * The BuildKit fleet of one environment ({@code dist/<environment>/buildkit.k8s.yaml}): per architecture, a
 * StatefulSet of rootless buildkitd on its dedicated Karpenter NodePool, a headless Service, a
 * PodDisruptionBudget and a HorizontalPodAutoscaler; shared by both, the gp3 StorageClass of the cache volumes,
 * the builders' ServiceAccount, a NetworkPolicy that admits only the client namespaces to port 1234, and RBAC for
 * the buildx kubernetes driver.
 *
 * <ul>
 *   <li><b>Cache locality:</b> a StatefulSet gives stable names ({@code buildkitd-arm64-0.buildkitd-arm64...}), so
 *       clients can hash a repository to one builder and find its cache again; scaled-down builders keep their
 *       volume, so a builder that comes back is warm.</li>
 *   <li><b>Scale-down never kills a build:</b> preStop waits until {@code buildctl debug histories} shows no
 *       running build (within a one-hour grace period); Karpenter's {@code do-not-disrupt} keeps it from
 *       consolidating a node under a builder; the HPA scales down one builder per five minutes after 15 minutes of
 *       low load; the PodDisruptionBudget lets drains take one builder at a time.</li>
 *   <li><b>IPv6:</b> {@code tcp://0.0.0.0:1234} listens on both families; RUN steps use the pod's network
 *       ({@code --oci-worker-net=host}), because BuildKit's bridge mode is IPv4-only.</li>
 * </ul>
 */
public final class BuildFleetChart extends Chart {
    public static final String NAMESPACE = PlatformNamespace.BUILDKIT.namespaceName();
    /** Where the buildx kubernetes driver runs the clients' own builders, apart from the fleet. */
    public static final String DRIVER_NAMESPACE = PlatformNamespace.BUILDKIT_DRIVERS.namespaceName();
    public static final String STORAGE_CLASS = "buildkit-cache";
    public static final String SERVICE_ACCOUNT = "buildkitd";
    /** The daemon's TLS secret: {@code ca.crt}, {@code tls.crt}, {@code tls.key}. */
    public static final String TLS_SECRET = "buildkit-daemon-certs";
    /** With cert-manager: the clients' TLS secret in each client namespace ({@code ca.crt}, {@code tls.crt}, ...). */
    public static final String CLIENT_SECRET = "buildkit-client-certs";
    public static final String DRIVER_ROLE = "buildx-kubernetes-driver";
    public static final String DRIVER_POLICY = "buildkit-driver-builders";
    public static final int PORT = 1234;
    /** buildkitd's debug listener, serving {@code /metrics}; the NetworkPolicy admits only the metrics collector. */
    public static final int METRICS_PORT = 6060;
    public static final String IMAGE = "moby/buildkit";
    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String ARCH_LABEL = "v6-platform.dev/arch";
    static final String STATE = "/home/user/.local/share/buildkit";
    public static final int GRACE_SECONDS = BuildkitSpec.BUILDER_GRACE_SECONDS;
    /** How long a stopping builder waits for builds that may still reach it (DNS caching plus the router's hold). */
    static final int DRAIN_SECONDS = 30 + BuildRouter.DNS_HOLD_SECONDS + 10;

    /** The fleet of an environment from {@code stacks/}: its buildkit section, on its Karpenter pools. */
    public BuildFleetChart(Construct scope, String id, EnvironmentConfig env) {
        this(scope, id, env.name(), env.buildkit().orElseThrow(() -> new IllegalArgumentException(env.name()
                + " has no buildkit section")), taints(env));
    }

    /**
     * A fleet on NodePools defined elsewhere (typed, e.g. for a cluster imported from another account): each
     * builder pool runs on the NodePool its {@code nodePool} names, tolerating that pool's taints.
     *
     * @throws IllegalArgumentException when a builder pool names a NodePool not in {@code nodePools}
     */
    public BuildFleetChart(Construct scope, String id, String environment, BuildkitSpec spec,
            List<NodePoolSpec> nodePools) {
        this(scope, id, environment, spec, taints(spec, nodePools));
    }

    private BuildFleetChart(Construct scope, String id, String environment, BuildkitSpec spec,
            Map<String, List<Taint>> taints) {
        super(scope, id);
        KubeObjects.add(this, "storageclass", storageClass());
        KubeObjects.add(this, "serviceaccount", object("v1", "ServiceAccount", SERVICE_ACCOUNT, Map.of()));
        for (BuildkitSpec.Pool pool : spec.pools()) {
            String name = name(pool);
            String toml = BuildkitdToml.render(environment, pool);
            KubeObjects.add(this, name + "-config", object("v1", "ConfigMap", name, Map.of(
                    "data", Map.of("buildkitd.toml", toml))));
            KubeObjects.add(this, name + "-service", service(pool));
            KubeObjects.add(this, name + "-statefulset", statefulSet(taints.get(pool.nodePool()), spec, pool,
                    toml));
            KubeObjects.add(this, name + "-pdb", object("policy/v1", "PodDisruptionBudget", name, Map.of(
                    "spec", Map.of("maxUnavailable", 1, "selector", Map.of("matchLabels", selector(pool))))));
            KubeObjects.add(this, name + "-hpa", autoscaler(pool));
        }
        for (Map<String, Object> o : BuildRouter.objects(spec)) {
            KubeObjects.add(this, BuildRouter.id(o), o);
        }
        KubeObjects.add(this, "networkpolicy", networkPolicy());
        KubeObjects.add(this, "router-networkpolicy", routerNetworkPolicy(spec));
        spec.certManagerIssuer().ifPresent(issuer -> {
            KubeObjects.add(this, "certificate", serverCertificate(spec, issuer));
            for (String ns : spec.clients().stream().map(BuildkitSpec.Client::namespace).distinct().sorted()
                    .toList()) {
                KubeObjects.add(this, "client-certificate-" + ns, clientCertificate(ns, issuer));
            }
        });
        if (!spec.clients().isEmpty()) {
            KubeObjects.add(this, "driver-role", driverRole());
            KubeObjects.add(this, "driver-binding", driverBinding(spec));
            KubeObjects.add(this, "driver-policy", driverPolicy(spec));
            KubeObjects.add(this, "driver-policy-binding", driverPolicyBinding());
            KubeObjects.add(this, "driver-default-account", driverObject("v1", "ServiceAccount", "default",
                    Map.of("automountServiceAccountToken", false)));
        }
    }

    /**
     * The daemon's certificate from cert-manager, for every pool's Service name and its pods' stable names. Valid a
     * year and renewed 90 days ahead: buildkitd reads it only at start, and builder nodes expire within the
     * renewal window (the loader checks their NodePools' expireAfter), so every builder restarts with it in time.
     */
    private static Map<String, Object> serverCertificate(BuildkitSpec spec, String issuer) {
        List<String> names = new ArrayList<>();
        for (BuildkitSpec.Pool pool : spec.pools()) {
            String service = name(pool) + "." + NAMESPACE + ".svc.cluster.local";
            names.add(service);
            names.add("*." + service);
        }
        return certificate(NAMESPACE, "buildkit-daemon", TLS_SECRET, issuer, Map.of("dnsNames", names,
                "usages", List.of("server auth", "digital signature")));
    }

    /** A client certificate in a client namespace, Secret {@code buildkit-client-certs}, signed by the same CA. */
    private static Map<String, Object> clientCertificate(String namespace, String issuer) {
        return certificate(namespace, "buildkit-client", CLIENT_SECRET, issuer, Map.of("commonName",
                "buildkit-client." + namespace, "usages", List.of("client auth", "digital signature")));
    }

    private static Map<String, Object> certificate(String namespace, String name, String secret, String issuer,
            Map<String, Object> extra) {
        Map<String, Object> spec = new LinkedHashMap<>(extra);
        spec.put("secretName", secret);
        spec.put("issuerRef", Map.of("group", "cert-manager.io", "kind", "ClusterIssuer", "name", issuer));
        spec.put("privateKey", Map.of("algorithm", "ECDSA", "size", 256, "rotationPolicy", "Always"));
        spec.put("duration", "8760h");
        spec.put("renewBefore", "2160h");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "cert-manager.io/v1");
        o.put("kind", "Certificate");
        o.put("metadata", Map.of("name", name, "namespace", namespace, "labels", Map.of(NAME_LABEL, "buildkitd")));
        o.put("spec", spec);
        return o;
    }

    /** The name of a pool's StatefulSet, Service and ConfigMap, e.g. {@code buildkitd-arm64}. */
    public static String name(BuildkitSpec.Pool pool) {
        return "buildkitd-" + pool.architecture();
    }

    /** The image of a release, e.g. {@code moby/buildkit:v0.32.2-rootless}. */
    public static String image(String version) {
        return IMAGE + ":" + version + "-rootless";
    }

    private static Map<String, Object> object(String apiVersion, String kind, String name, Map<String, ?> rest) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", Map.of("name", name, "namespace", NAMESPACE, "labels", Map.of(NAME_LABEL, "buildkitd")));
        o.putAll(rest);
        return o;
    }

    /** An object in the drivers' namespace. */
    private static Map<String, Object> driverObject(String apiVersion, String kind, String name,
            Map<String, ?> rest) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", Map.of("name", name, "namespace", DRIVER_NAMESPACE, "labels", Map.of(NAME_LABEL,
                "buildx-driver")));
        o.putAll(rest);
        return o;
    }

    private static Map<String, String> selector(BuildkitSpec.Pool pool) {
        return Map.of(NAME_LABEL, "buildkitd", ARCH_LABEL, pool.architecture());
    }

    private static Map<String, Object> storageClass() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "storage.k8s.io/v1");
        o.put("kind", "StorageClass");
        o.put("metadata", Map.of("name", STORAGE_CLASS, "labels", Map.of(NAME_LABEL, "buildkitd")));
        o.put("provisioner", "ebs.csi.aws.com");
        o.put("parameters", Map.of("type", "gp3", "encrypted", "true", "csi.storage.k8s.io/fstype", "xfs"));
        o.put("reclaimPolicy", "Delete");
        o.put("allowVolumeExpansion", true);
        o.put("volumeBindingMode", "WaitForFirstConsumer");
        return o;
    }

    private static Map<String, Object> service(BuildkitSpec.Pool pool) {
        return object("v1", "Service", name(pool), Map.of("spec", Map.of(
                "clusterIP", "None",
                "selector", selector(pool),
                "ports", List.of(Map.of("name", "grpc", "port", PORT, "targetPort", PORT, "protocol", "TCP")))));
    }

    private static Map<String, Object> statefulSet(List<Taint> taints, BuildkitSpec spec, BuildkitSpec.Pool pool,
            String toml) {
        List<String> probe = List.of("buildctl", "debug", "workers");
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "buildkitd");
        container.put("image", image(spec.version()));
        container.put("args", List.of(
                "--addr", "unix:///run/user/1000/buildkit/buildkitd.sock",
                "--addr", "tcp://0.0.0.0:" + PORT,
                "--tlscacert", "/certs/ca.crt", "--tlscert", "/certs/tls.crt", "--tlskey", "/certs/tls.key",
                "--oci-worker-no-process-sandbox",
                "--oci-worker-net=host",
                // BuildKit's Prometheus metrics (and its debug handlers): only the metrics collector may connect
                "--debugaddr", "0.0.0.0:" + METRICS_PORT,
                "--config", "/etc/buildkit/buildkitd.toml"));
        container.put("ports", List.of(Map.of("name", "grpc", "containerPort", PORT, "protocol", "TCP"),
                Map.of("name", "metrics", "containerPort", METRICS_PORT, "protocol", "TCP")));
        // a busy builder answers slowly; a 1 s timeout would restart it mid-build or drop its DNS name
        container.put("readinessProbe", Map.of("exec", Map.of("command", probe), "initialDelaySeconds", 5,
                "periodSeconds", 30, "timeoutSeconds", 10));
        container.put("livenessProbe", Map.of("exec", Map.of("command", probe), "initialDelaySeconds", 5,
                "periodSeconds", 30, "timeoutSeconds", 10, "failureThreshold", 5));
        // a terminating builder is no longer ready, but a build may still reach it until the router lets its DNS
        // name go (CoreDNS caches answers for up to 30 s, the router holds them 5 s more): only after that quiet
        // period does "no running build" mean none will come
        container.put("lifecycle", Map.of("preStop", Map.of("exec", Map.of("command", List.of("/bin/sh", "-c",
                "sleep " + DRAIN_SECONDS + "; while buildctl debug histories | grep -q '^STARTED'; do sleep 10; "
                        + "done")))));
        // limits equal to requests: Guaranteed QoS, so a busy node never evicts a builder mid-build
        container.put("resources", Map.of(
                "requests", Map.of("cpu", pool.cpu(), "memory", pool.memory()),
                "limits", Map.of("cpu", pool.cpu(), "memory", pool.memory())));
        // rootless BuildKit's documented profile: Unconfined seccomp and AppArmor let rootlesskit create its user
        // namespace, and newuidmap needs privilege escalation (setuid), so neither is restricted here
        container.put("securityContext", Map.of(
                "seccompProfile", Map.of("type", "Unconfined"),
                "appArmorProfile", Map.of("type", "Unconfined"),
                "runAsNonRoot", true,
                "runAsUser", 1000,
                "runAsGroup", 1000));
        container.put("volumeMounts", List.of(
                Map.of("name", "cache", "mountPath", STATE),
                Map.of("name", "config", "mountPath", "/etc/buildkit", "readOnly", true),
                Map.of("name", "certs", "mountPath", "/certs", "readOnly", true)));

        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("serviceAccountName", SERVICE_ACCOUNT);
        // buildkitd never calls the Kubernetes API, and RUN steps could read a mounted token
        podSpec.put("automountServiceAccountToken", false);
        podSpec.put("terminationGracePeriodSeconds", GRACE_SECONDS);
        podSpec.put("nodeSelector", Map.of(Requirement.ARCH, pool.architecture(), KarpenterPools.POOL_LABEL,
                pool.nodePool()));
        podSpec.put("tolerations", tolerations(taints));
        podSpec.put("securityContext", Map.of("fsGroup", 1000, "fsGroupChangePolicy", "OnRootMismatch"));
        // one builder per node (docker/buildx#3919): two builders on one node share its disk, network and CPU, and
        // one node's loss takes both; Karpenter adds a node per replica the autoscaler adds
        podSpec.put("affinity", Map.of("podAntiAffinity", Map.of("requiredDuringSchedulingIgnoredDuringExecution",
                List.of(Map.of("topologyKey", "kubernetes.io/hostname",
                        "labelSelector", Map.of("matchLabels", selector(pool)))))));
        podSpec.put("topologySpreadConstraints", List.of(Map.of("maxSkew", 1,
                "topologyKey", "topology.kubernetes.io/zone", "whenUnsatisfiable", "ScheduleAnyway",
                "labelSelector", Map.of("matchLabels", selector(pool)))));
        podSpec.put("containers", List.of(container));
        podSpec.put("volumes", List.of(
                Map.of("name", "config", "configMap", Map.of("name", name(pool))),
                Map.of("name", "certs", "secret", Map.of("secretName", TLS_SECRET))));

        Map<String, Object> labels = new LinkedHashMap<>(selector(pool));
        Map<String, Object> template = Map.of(
                "metadata", Map.of("labels", labels, "annotations", Map.of(
                        "karpenter.sh/do-not-disrupt", "true",
                        "v6-platform.dev/config-sha256", KubeObjects.sha256(toml))),
                "spec", podSpec);
        Map<String, Object> claim = Map.of(
                "metadata", Map.of("name", "cache"),
                "spec", Map.of("accessModes", List.of("ReadWriteOnce"), "storageClassName", STORAGE_CLASS,
                        "resources", Map.of("requests", Map.of("storage", pool.cacheGiB() + "Gi"))));
        Map<String, Object> stsSpec = new LinkedHashMap<>();
        stsSpec.put("serviceName", name(pool));
        stsSpec.put("podManagementPolicy", "Parallel");
        stsSpec.put("selector", Map.of("matchLabels", selector(pool)));
        stsSpec.put("template", template);
        stsSpec.put("volumeClaimTemplates", List.of(claim));
        stsSpec.put("persistentVolumeClaimRetentionPolicy", Map.of("whenScaled", "Retain", "whenDeleted", "Delete"));
        return object("apps/v1", "StatefulSet", name(pool), Map.of("spec", stsSpec));
    }

    /** The taints of each NodePool of the environment, by name. */
    private static Map<String, List<Taint>> taints(EnvironmentConfig env) {
        Map<String, List<Taint>> out = new LinkedHashMap<>();
        env.karpenter().ifPresent(k -> k.pools().forEach(p -> out.put(p.name(), p.taints().stream()
                .map(KarpenterPools::taint).toList())));
        return out;
    }

    private static Map<String, List<Taint>> taints(BuildkitSpec spec, List<NodePoolSpec> nodePools) {
        Map<String, List<Taint>> out = new LinkedHashMap<>();
        nodePools.forEach(p -> out.put(p.name(), p.taints()));
        for (BuildkitSpec.Pool pool : spec.pools()) {
            NodePoolSpec nodePool = nodePools.stream().filter(p -> p.name().equals(pool.nodePool())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("builder pool " + pool.architecture()
                            + " runs on NodePool '" + pool.nodePool() + "', which is not among " + out.keySet()));
            if (!pool.nodePool().equals(nodePool.labels().get(KarpenterPools.POOL_LABEL))) {
                throw new IllegalArgumentException("NodePool '" + pool.nodePool() + "' must label its nodes "
                        + KarpenterPools.POOL_LABEL + "=" + pool.nodePool() + ": the builders select their nodes by "
                        + "it");
            }
            if (!nodePool.valuesOf(Requirement.ARCH).equals(List.of(pool.architecture()))) {
                throw new IllegalArgumentException("NodePool '" + pool.nodePool() + "' must require "
                        + Requirement.ARCH + " In [" + pool.architecture() + "] for the " + pool.architecture()
                        + " builders");
            }
        }
        return out;
    }

    /** Tolerations for every taint of the pool's NodePool. */
    static List<Map<String, Object>> tolerations(EnvironmentConfig env, BuildkitSpec.Pool pool) {
        return tolerations(taints(env).get(pool.nodePool()));
    }

    private static List<Map<String, Object>> tolerations(List<Taint> taints) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Taint t : taints) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", t.key());
            if (t.value().isEmpty()) {
                m.put("operator", "Exists");
            } else {
                m.put("operator", "Equal");
                m.put("value", t.value());
            }
            m.put("effect", t.effect().name());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> autoscaler(BuildkitSpec.Pool pool) {
        return object("autoscaling/v2", "HorizontalPodAutoscaler", name(pool), Map.of("spec", Map.of(
                "scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "StatefulSet", "name", name(pool)),
                "minReplicas", pool.minReplicas(),
                "maxReplicas", pool.maxReplicas(),
                "metrics", List.of(Map.of("type", "Resource", "resource", Map.of("name", "cpu",
                        "target", Map.of("type", "Utilization", "averageUtilization", 60)))),
                "behavior", Map.of(
                        "scaleUp", Map.of("stabilizationWindowSeconds", 0, "policies", List.of(Map.of(
                                "type", "Pods", "value", 2, "periodSeconds", 60))),
                        "scaleDown", Map.of("stabilizationWindowSeconds", 900, "policies", List.of(Map.of(
                                "type", "Pods", "value", 1, "periodSeconds", 300)))))));
    }

    /**
     * Builders admit builds from the router only, and the metrics collector to their metrics port. (The name is
     * the one this policy had when it admitted the client namespaces: policies add up, so a renamed policy would
     * leave the old one admitting them.)
     */
    private static Map<String, Object> networkPolicy() {
        return object("networking.k8s.io/v1", "NetworkPolicy", "buildkitd-clients", Map.of("spec", Map.of(
                "podSelector", Map.of("matchLabels", Map.of(NAME_LABEL, "buildkitd")),
                "policyTypes", List.of("Ingress"),
                "ingress", List.of(
                        Map.of("from", List.of(Map.of("podSelector", Map.of("matchLabels", BuildRouter.LABELS))),
                                "ports", List.of(Map.of("port", PORT, "protocol", "TCP"))),
                        collectorTo(METRICS_PORT)))));
    }

    /** The router admits the client namespaces to port 1234, and the metrics collector to its exporter. */
    private static Map<String, Object> routerNetworkPolicy(BuildkitSpec spec) {
        List<String> namespaces = spec.clients().stream().map(BuildkitSpec.Client::namespace).distinct().sorted()
                .toList();
        List<Object> ingress = new ArrayList<>();
        if (!namespaces.isEmpty()) {
            ingress.add(Map.of(
                    "from", List.of(Map.of("namespaceSelector", Map.of("matchExpressions", List.of(Map.of(
                            "key", "kubernetes.io/metadata.name", "operator", "In", "values", namespaces))))),
                    "ports", List.of(Map.of("port", PORT, "protocol", "TCP"))));
        }
        ingress.add(collectorTo(BuildRouter.METRICS_PORT));
        return object("networking.k8s.io/v1", "NetworkPolicy", BuildRouter.NAME, Map.of("spec", Map.of(
                "podSelector", Map.of("matchLabels", BuildRouter.LABELS),
                "policyTypes", List.of("Ingress"),
                "ingress", ingress)));
    }

    private static Map<String, Object> collectorTo(int port) {
        return Map.of(
                "from", List.of(Map.of(
                        "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name",
                                PlatformNamespace.OBSERVABILITY.namespaceName())),
                        "podSelector", Map.of("matchLabels", Map.of(NAME_LABEL, "otel-collector")))),
                "ports", List.of(Map.of("port", port, "protocol", "TCP")));
    }

    /** What {@code docker buildx create --driver kubernetes} does in the namespace: run and reach its builders. */
    private static Map<String, Object> driverRole() {
        return driverObject("rbac.authorization.k8s.io/v1", "Role", DRIVER_ROLE, Map.of("rules", List.of(
                Map.of("apiGroups", List.of("apps"), "resources", List.of("deployments"),
                        "verbs", List.of("create", "delete", "get", "list", "update", "watch")),
                Map.of("apiGroups", List.of(""), "resources", List.of("pods"),
                        "verbs", List.of("get", "list", "watch")),
                Map.of("apiGroups", List.of(""), "resources", List.of("pods/exec"), "verbs", List.of("create")),
                Map.of("apiGroups", List.of(""), "resources", List.of("configmaps"),
                        "verbs", List.of("create", "delete", "get", "update")))));
    }

    /**
     * The drivers' namespace admits the privileged-level pods rootless BuildKit needs, and the clients may create
     * Deployments in it; this policy keeps those Deployments to what the buildx kubernetes driver creates: the
     * pinned rootless image on a builder pool, only configMap and emptyDir volumes, no secrets in the environment,
     * no privileged containers, added capabilities, root user or host ports (init containers included), no host
     * namespaces, no service-account token, no other service account, runtime class or sysctls.
     */
    static Map<String, Object> driverPolicy(BuildkitSpec spec) {
        String pod = "object.spec.template.spec";
        String image = image(spec.version());
        List<String> pools = spec.pools().stream().map(BuildkitSpec.Pool::nodePool).sorted().toList();
        List<Map<String, String>> validations = List.of(
                rule(everyContainer(pod, "c.image == '" + image + "'"),
                        "builders in namespace " + DRIVER_NAMESPACE + " run only " + image),
                rule("has(" + pod + ".nodeSelector) && '" + KarpenterPools.POOL_LABEL + "' in " + pod
                        + ".nodeSelector && " + pod + ".nodeSelector['" + KarpenterPools.POOL_LABEL + "'] in "
                        + pools.stream().map(p -> "'" + p + "'").toList(),
                        "builders run on a builder NodePool: set nodeselector=" + KarpenterPools.POOL_LABEL + "=<one of "
                                + pools + ">"),
                rule("(!has(" + pod + ".hostNetwork) || !" + pod + ".hostNetwork) && (!has(" + pod + ".hostPID) || !"
                        + pod + ".hostPID) && (!has(" + pod + ".hostIPC) || !" + pod + ".hostIPC)",
                        "builders share no host namespace"),
                rule(everyContainer(pod, "!has(c.securityContext) || ((!has(c.securityContext.privileged) || "
                        + "!c.securityContext.privileged) && (!has(c.securityContext.capabilities) || "
                        + "!has(c.securityContext.capabilities.add)))"),
                        "builders are rootless: no privileged containers or added capabilities"),
                rule("(!has(" + pod + ".securityContext) || !has(" + pod + ".securityContext.runAsUser) || " + pod
                        + ".securityContext.runAsUser != 0) && " + everyContainer(pod, "!has(c.securityContext) || "
                        + "!has(c.securityContext.runAsUser) || c.securityContext.runAsUser != 0"),
                        "builders are rootless: no container runs as user 0"),
                rule(everyContainer(pod, "!has(c.ports) || c.ports.all(p, !has(p.hostPort))"),
                        "builders open no host ports"),
                rule("!has(" + pod + ".volumes) || " + pod + ".volumes.all(v, has(v.configMap) || has(v.emptyDir))",
                        "builders mount only configMap and emptyDir volumes"),
                rule(everyContainer(pod, "(!has(c.env) || c.env.all(e, !has(e.valueFrom) || "
                        + "!has(e.valueFrom.secretKeyRef))) && (!has(c.envFrom) || c.envFrom.all(f, "
                        + "!has(f.secretRef)))"), "builders read no secrets into their environment"),
                rule("(!has(" + pod + ".serviceAccountName) || " + pod + ".serviceAccountName == 'default') && (!has("
                        + pod + ".serviceAccount) || " + pod + ".serviceAccount == 'default')",
                        "builders run as the namespace's default service account"),
                rule("!has(" + pod + ".automountServiceAccountToken) || !" + pod + ".automountServiceAccountToken",
                        "builders mount no service-account token"),
                rule("!has(" + pod + ".runtimeClassName) && (!has(" + pod + ".securityContext) || !has(" + pod
                        + ".securityContext.sysctls))", "builders use the default runtime and set no sysctls"));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "admissionregistration.k8s.io/v1");
        o.put("kind", "ValidatingAdmissionPolicy");
        o.put("metadata", Map.of("name", DRIVER_POLICY, "labels", Map.of(NAME_LABEL, "buildkitd")));
        o.put("spec", Map.of(
                "failurePolicy", "Fail",
                "matchConstraints", Map.of("resourceRules", List.of(Map.of("apiGroups", List.of("apps"),
                        "apiVersions", List.of("v1"), "operations", List.of("CREATE", "UPDATE"),
                        "resources", List.of("deployments")))),
                "validations", validations));
        return o;
    }

    /** {@code check} (on {@code c}) holds for every container and init container of the pod template. */
    private static String everyContainer(String pod, String check) {
        return pod + ".containers.all(c, " + check + ") && (!has(" + pod + ".initContainers) || " + pod
                + ".initContainers.all(c, " + check + "))";
    }

    private static Map<String, String> rule(String expression, String message) {
        return Map.of("expression", expression, "message", message);
    }

    private static Map<String, Object> driverPolicyBinding() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "admissionregistration.k8s.io/v1");
        o.put("kind", "ValidatingAdmissionPolicyBinding");
        o.put("metadata", Map.of("name", DRIVER_POLICY, "labels", Map.of(NAME_LABEL, "buildkitd")));
        o.put("spec", Map.of(
                "policyName", DRIVER_POLICY,
                "validationActions", List.of("Deny"),
                "matchResources", Map.of("namespaceSelector", Map.of("matchLabels",
                        Map.of("kubernetes.io/metadata.name", DRIVER_NAMESPACE)))));
        return o;
    }

    private static Map<String, Object> driverBinding(BuildkitSpec spec) {
        List<Object> subjects = new ArrayList<>();
        for (BuildkitSpec.Client c : spec.clients()) {
            subjects.add(Map.of("kind", "ServiceAccount", "name", c.serviceAccount(), "namespace", c.namespace()));
        }
        return driverObject("rbac.authorization.k8s.io/v1", "RoleBinding", DRIVER_ROLE, Map.of(
                "roleRef", Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", DRIVER_ROLE),
                "subjects", subjects));
    }
}
