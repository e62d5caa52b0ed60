package dev.v6platform.kubernetes;

import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.NamespaceConfig;
import dev.v6platform.config.PodSecurityLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cdk8s.Chart;
import software.constructs.Construct;

/**
 * The namespaces of one environment: the platform's own ({@link PlatformNamespace}) and the ones listed in its
 * {@code namespaces:} section. Each is labelled with the environment and with Pod Security admission labels that
 * enforce its level and warn and audit at {@code restricted}, pinned to the cluster's Kubernetes version.
 *
 * <p>Each platform namespace also gets a default-deny ingress NetworkPolicy; the charts that run there allow what
 * they need. Written to {@code dist/<environment>/namespaces.k8s.yaml}.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/security/pod-security-admission/">Pod Security admission</a>
 */
public final class PlatformNamespacesChart extends Chart {
    /** Label naming the environment on every platform object. */
    public static final String ENVIRONMENT_LABEL = "v6-platform.dev/environment";

    private final List<Map<String, Object>> namespaces;

    public PlatformNamespacesChart(Construct scope, String id, EnvironmentConfig env) {
        super(scope, id);
        this.namespaces = namespaces(env);
        for (Map<String, Object> ns : namespaces) {
            @SuppressWarnings("unchecked")
            String name = (String) ((Map<String, Object>) ns.get("metadata")).get("name");
            KubeObjects.add(this, name, ns);
        }
        for (PlatformNamespace ns : PlatformNamespace.values()) {
            KubeObjects.add(this, "deny-ingress-" + ns.namespaceName(), denyIngress(ns.namespaceName()));
        }
    }

    /** The name of the default-deny policy in each platform namespace. */
    public static final String DENY_INGRESS = "default-deny-ingress";

    /**
     * A platform namespace admits no traffic its own policies do not allow: a NetworkPolicy selecting every pod with
     * no ingress rule. (The VPC CNI enforces NetworkPolicies; the platform turns that on.)
     */
    public static Map<String, Object> denyIngress(String namespace) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", DENY_INGRESS);
        metadata.put("namespace", namespace);
        metadata.put("labels", Map.of("app.kubernetes.io/managed-by", "v6-platform"));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "networking.k8s.io/v1");
        object.put("kind", "NetworkPolicy");
        object.put("metadata", metadata);
        object.put("spec", Map.of("podSelector", Map.of(), "policyTypes", List.of("Ingress")));
        return object;
    }

    /** The namespace objects as plain data, in the order written. */
    public List<Map<String, Object>> objects() {
        return namespaces;
    }

    /** Builds the namespace objects of an environment; pure Java. */
    public static List<Map<String, Object>> namespaces(EnvironmentConfig env) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PlatformNamespace ns : PlatformNamespace.values()) {
            out.add(namespace(env, ns.namespaceName(), ns.podSecurity(), Map.of(), "platform"));
        }
        for (NamespaceConfig ns : env.namespaces()) {
            out.add(namespace(env, ns.name(), ns.podSecurity(), ns.labels(), "workload"));
        }
        return out;
    }

    private static Map<String, Object> namespace(EnvironmentConfig env, String name, PodSecurityLevel level,
            Map<String, String> extra, String role) {
        String version = "v" + env.kubernetesVersion();
        Map<String, String> labels = new TreeMap<>(extra);
        labels.put("app.kubernetes.io/managed-by", "v6-platform");
        labels.put("app.kubernetes.io/part-of", "v6-platform");
        labels.put(ENVIRONMENT_LABEL, env.name());
        labels.put("v6-platform.dev/namespace-role", role);
        labels.put("pod-security.kubernetes.io/enforce", level.label());
        labels.put("pod-security.kubernetes.io/enforce-version", version);
        labels.put("pod-security.kubernetes.io/warn", PodSecurityLevel.RESTRICTED.label());
        labels.put("pod-security.kubernetes.io/warn-version", version);
        labels.put("pod-security.kubernetes.io/audit", PodSecurityLevel.RESTRICTED.label());
        labels.put("pod-security.kubernetes.io/audit-version", version);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("labels", labels);
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "v1");
        object.put("kind", "Namespace");
        object.put("metadata", metadata);
        return object;
    }
}
