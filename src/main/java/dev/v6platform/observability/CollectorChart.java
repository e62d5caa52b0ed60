package dev.v6platform.observability;

import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.kubernetes.KubeObjects;
import dev.v6platform.kubernetes.PlatformNamespace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * The metrics collector of one environment ({@code dist/<environment>/metrics-collector.k8s.yaml}): two replicas
 * of the pinned OpenTelemetry collector (contrib) on the system nodes, under the service account that EKS Pod
 * Identity gives the workspace's remote-write role; read-only RBAC for service discovery and the kubelets' metrics
 * ({@code nodes/metrics}, never {@code nodes/proxy}); its configuration ({@link CollectorConfig}); memory sized from
 * the kept series ({@link SeriesEstimate#collectorMemoryMiB()}) with {@code GOMEMLIMIT} at 80% of it; a
 * PodDisruptionBudget; restricted Pod Security.
 */
public final class CollectorChart extends Chart {
    public static final String NAMESPACE = PlatformNamespace.OBSERVABILITY.namespaceName();
    public static final String NAME = "otel-collector";
    public static final String IMAGE = "otel/opentelemetry-collector-contrib:0.149.0";
    static final Map<String, String> LABELS = Map.of("app.kubernetes.io/name", NAME);
    /**
     * The ConfigMap with the workspace's remote write URL ({@code remoteWriteUrl}): applied by {@code cdk deploy}
     * with {@code delivery: kubectl}; with GitOps, create it from the stack's {@code RemoteWriteUrl} output.
     */
    public static final String WORKSPACE_CONFIG_MAP = "amp-workspace";

    /** Memory of a replica when the caller has no estimate: enough for about 380,000 kept series. */
    public static final long DEFAULT_MEMORY_MIB = 1024;

    /** A collector with {@value #DEFAULT_MEMORY_MIB} MiB per replica. */
    public CollectorChart(Construct scope, String id, String configText, boolean writeAheadLog) {
        this(scope, id, configText, writeAheadLog, DEFAULT_MEMORY_MIB);
    }

    /**
     * A collector whose replicas get {@code memoryMiB} (request and limit) and {@code GOMEMLIMIT} at 80% of it.
     */
    public CollectorChart(Construct scope, String id, String configText, boolean writeAheadLog, long memoryMiB) {
        super(scope, id);
        KubeObjects.add(this, "serviceaccount", object("v1", "ServiceAccount", Map.of()));
        KubeObjects.add(this, "clusterrole", clusterObject("ClusterRole", Map.of("rules", List.of(
                Map.of("apiGroups", List.of(""), "resources", List.of("nodes", "nodes/metrics", "services",
                        "endpoints", "pods"), "verbs", List.of("get", "list", "watch")),
                Map.of("apiGroups", List.of("discovery.k8s.io"), "resources", List.of("endpointslices"),
                        "verbs", List.of("get", "list", "watch")),
                Map.of("nonResourceURLs", List.of("/metrics"), "verbs", List.of("get"))))));
        KubeObjects.add(this, "clusterrolebinding", clusterObject("ClusterRoleBinding", Map.of(
                "roleRef", Map.of("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", NAME),
                "subjects", List.of(Map.of("kind", "ServiceAccount", "name", NAME, "namespace", NAMESPACE)))));
        KubeObjects.add(this, "config", object("v1", "ConfigMap", Map.of("data",
                Map.of("collector.yaml", configText))));
        KubeObjects.add(this, "deployment", deployment(configText, writeAheadLog, memoryMiB));
        KubeObjects.add(this, "pdb", object("policy/v1", "PodDisruptionBudget", Map.of("spec", Map.of(
                "minAvailable", 1, "selector", Map.of("matchLabels", LABELS)))));
    }

    private static Map<String, Object> deployment(String configText, boolean writeAheadLog, long memoryMiB) {
        Map<String, Object> health = Map.of("httpGet", Map.of("path", "/", "port", CollectorConfig.HEALTH_PORT));
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "collector");
        container.put("image", IMAGE);
        container.put("args", List.of("--config=/conf/collector.yaml"));
        container.put("env", List.of(
                Map.of("name", "POD_NAME", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name"))),
                Map.of("name", CollectorConfig.REMOTE_WRITE_ENV, "valueFrom", Map.of("configMapKeyRef",
                        Map.of("name", WORKSPACE_CONFIG_MAP, "key", "remoteWriteUrl"))),
                // the Go runtime collects harder before the limit instead of being killed at it
                Map.of("name", "GOMEMLIMIT", "value", (memoryMiB * 4 / 5) + "MiB")));
        container.put("ports", List.of(Map.of("name", "health", "containerPort", CollectorConfig.HEALTH_PORT,
                "protocol", "TCP")));
        container.put("readinessProbe", health);
        container.put("livenessProbe", Map.of("httpGet", health.get("httpGet"), "initialDelaySeconds", 10,
                "periodSeconds", 15));
        // memory requested as limited: a replica holds every kept series, and an overcommitted node would kill it
        container.put("resources", Map.of("requests", Map.of("cpu", "200m", "memory", memoryMiB + "Mi"),
                "limits", Map.of("cpu", "1", "memory", memoryMiB + "Mi")));
        container.put("securityContext", Map.of("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true,
                "runAsNonRoot", true, "capabilities", Map.of("drop", List.of("ALL")),
                "seccompProfile", Map.of("type", "RuntimeDefault")));
        container.put("volumeMounts", writeAheadLog
                ? List.of(Map.of("name", "config", "mountPath", "/conf", "readOnly", true),
                        Map.of("name", "wal", "mountPath", CollectorConfig.WAL))
                : List.of(Map.of("name", "config", "mountPath", "/conf", "readOnly", true)));

        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("serviceAccountName", NAME);
        pod.put("securityContext", Map.of("runAsNonRoot", true, "runAsUser", 10001, "fsGroup", 10001,
                "seccompProfile", Map.of("type", "RuntimeDefault")));
        pod.put("nodeSelector", Map.of(Ipv6Cluster.NODE_ROLE_LABEL, "system"));
        pod.put("tolerations", List.of(Map.of("key", Ipv6Cluster.CRITICAL_ADDONS_TAINT, "operator", "Exists")));
        pod.put("topologySpreadConstraints", List.of(Map.of("maxSkew", 1, "topologyKey",
                "topology.kubernetes.io/zone", "whenUnsatisfiable", "ScheduleAnyway", "labelSelector",
                Map.of("matchLabels", LABELS))));
        pod.put("containers", List.of(container));
        pod.put("volumes", writeAheadLog
                ? List.of(Map.of("name", "config", "configMap", Map.of("name", NAME)),
                        Map.of("name", "wal", "emptyDir", Map.of("sizeLimit", "2Gi")))
                : List.of(Map.of("name", "config", "configMap", Map.of("name", NAME))));
        return object("apps/v1", "Deployment", Map.of("spec", Map.of(
                "replicas", 2,
                "selector", Map.of("matchLabels", LABELS),
                "template", Map.of(
                        "metadata", Map.of("labels", LABELS, "annotations", Map.of(
                                "v6-platform.dev/config-sha256", KubeObjects.sha256(configText))),
                        "spec", pod))));
    }

    private static Map<String, Object> object(String apiVersion, String kind, Map<String, ?> rest) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", Map.of("name", NAME, "namespace", NAMESPACE, "labels", LABELS));
        o.putAll(rest);
        return o;
    }

    private static Map<String, Object> clusterObject(String kind, Map<String, ?> rest) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "rbac.authorization.k8s.io/v1");
        o.put("kind", kind);
        o.put("metadata", Map.of("name", NAME, "labels", LABELS));
        o.putAll(rest);
        return o;
    }
}
