package dev.v6platform.karpenter;

import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.kubernetes.KubeObjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.eks_v2.HelmChart;
import software.amazon.awscdk.services.eks_v2.HelmChartOptions;
import software.amazon.awscdk.services.eks_v2.KubernetesManifest;

/**
 * Karpenter's controller from the official Helm chart at a pinned version, installed by {@code cdk deploy} through
 * the cluster's kubectl provider: {@code settings.clusterName} and {@code settings.interruptionQueue} set, two
 * replicas on the system nodes (the chart tolerates their {@code CriticalAddonsOnly} taint), after the Pod Identity
 * association so the controller starts with its role. The CRDs come from the separate {@code karpenter-crd} chart
 * of the same version, installed first, because Helm never upgrades CRDs from a chart's {@code crds/} directory:
 * with them in their own release, raising {@link #CHART_VERSION} upgrades the NodePool and EC2NodeClass schemas too.
 * The pools wait for the controller.
 *
 * @see <a href="https://karpenter.sh/docs/getting-started/">Getting started with Karpenter</a>
 */
public final class KarpenterController {
    /** The chart version, pinned; the CRD schemas the tests validate against are of the same release line. */
    public static final String CHART_VERSION = "1.14.1";
    public static final String REPOSITORY = "oci://public.ecr.aws/karpenter/karpenter";
    /** The chart holding only the CRDs, so CRD upgrades follow the version (upstream's recommended layout). */
    public static final String CRD_REPOSITORY = "oci://public.ecr.aws/karpenter/karpenter-crd";

    private KarpenterController() {
    }

    /** The chart's values for a cluster. */
    public static Map<String, Object> values(String clusterName, String queueName) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("clusterName", clusterName);
        settings.put("interruptionQueue", queueName);
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("requests", new LinkedHashMap<>(Map.of("cpu", "500m", "memory", "768Mi")));
        resources.put("limits", new LinkedHashMap<>(Map.of("cpu", "1", "memory", "1Gi")));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("settings", settings);
        values.put("replicas", 2);
        values.put("serviceAccount", Map.of("name", KarpenterAws.SERVICE_ACCOUNT));
        values.put("nodeSelector", Map.of(Ipv6Cluster.NODE_ROLE_LABEL, "system"));
        values.put("controller", Map.of("resources", resources));
        @SuppressWarnings("unchecked")
        Map<String, Object> sorted = (Map<String, Object>) KubeObjects.sorted(values);
        return sorted;
    }

    /**
     * Installs the CRD chart, then the controller chart without its bundled CRDs, and makes {@code pools} (the
     * NodePools manifest) wait for the controller.
     */
    public static HelmChart install(Ipv6Cluster cluster, KarpenterAws aws, KubernetesManifest pools) {
        HelmChart crds = cluster.cluster().addHelmChart("KarpenterCrd", HelmChartOptions.builder()
                .chart("karpenter-crd")
                .repository(CRD_REPOSITORY)
                .version(CHART_VERSION)
                .namespace(KarpenterAws.NAMESPACE)
                .release("karpenter-crd")
                .wait(true)
                .timeout(Duration.minutes(5))
                .build());
        HelmChart chart = cluster.cluster().addHelmChart("Karpenter", HelmChartOptions.builder()
                .chart("karpenter")
                .repository(REPOSITORY)
                .version(CHART_VERSION)
                .namespace(KarpenterAws.NAMESPACE)
                .release("karpenter")
                .skipCrds(true)
                .values(values(cluster.literalName(), aws.queueName()))
                .wait(true)
                .timeout(Duration.minutes(10))
                .build());
        // the controller resolves AWS endpoints through CoreDNS: before it runs, the chart's wait times out
        chart.getNode().addDependency(crds, aws, cluster.systemNodes(), cluster.addons().get("coredns"));
        if (pools != null) {
            pools.getNode().addDependency(chart);
        }
        return chart;
    }

    /**
     * What GitOps needs to install the same releases, in order: the CRD chart, then the controller chart (chart,
     * repository, version, namespace, values, and that its bundled CRDs are skipped).
     */
    public static List<Map<String, Object>> releases(String clusterName, String queueName) {
        Map<String, Object> crds = release("karpenter-crd", CRD_REPOSITORY);
        crds.put("installBefore", List.of("karpenter"));
        Map<String, Object> r = release("karpenter", REPOSITORY);
        r.put("skipCrds", true);
        r.put("values", values(clusterName, queueName));
        r.put("installBefore", List.of("karpenter-pools.k8s.yaml"));
        return List.of(crds, r);
    }

    private static Map<String, Object> release(String chart, String repository) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("chart", chart);
        r.put("repository", repository);
        r.put("version", CHART_VERSION);
        r.put("namespace", KarpenterAws.NAMESPACE);
        r.put("release", chart);
        return r;
    }
}
