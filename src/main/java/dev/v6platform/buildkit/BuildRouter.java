package dev.v6platform.buildkit;

import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.config.BuildkitSpec;
import dev.v6platform.kubernetes.KubeObjects;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The router in front of the fleet ({@code buildkit-router}): HAProxy in TCP mode, so TLS runs end to end between
 * the client and its builder and the builders still check client certificates. It picks the builder from the TLS
 * server name the client sends (SNI): {@code <key>.buildkitd-<arch>.buildkit.svc.cluster.local}, which the builders'
 * certificate covers with its wildcard name. The architecture in that name chooses the pool; the key (a hash of the
 * repository, {@link #key}) is hashed consistently over that pool's builders.
 *
 * <ul>
 *   <li><b>Every replica takes builds:</b> the ring lists each ordinal up to the pool's maxReplicas by its stable
 *       name ({@code buildkitd-arm64-2.buildkitd-arm64...}), with a fixed server id, so every router replica builds
 *       the same ring and a key comes back to the same ordinal (and its retained cache volume). A builder the
 *       autoscaler adds gets its DNS name once ready, passes the router's connect check and takes its share of keys;
 *       only the keys that move to it move (consistent hashing).</li>
 *   <li><b>A draining builder takes no new builds:</b> a terminating pod is no longer ready, the headless Service
 *       drops its name, and the router takes it out of the ring within {@value #DNS_HOLD_SECONDS} s; builds already
 *       connected to it go on.</li>
 *   <li><b>Demand:</b> the router's own Prometheus exporter ({@code :8404/metrics}) counts the open sessions per
 *       pool ({@code haproxy_backend_current_sessions{proxy="buildkitd-arm64"}}): one per build in flight.</li>
 * </ul>
 */
public final class BuildRouter {
    public static final String NAME = "buildkit-router";
    /** HAProxy's official image (docker-library), pinned: an LTS release built with its Prometheus exporter. */
    public static final String IMAGE = "haproxy:3.4.3-alpine";
    /** The router's Prometheus exporter and health check ({@code /metrics}, {@code /healthz}). */
    public static final int METRICS_PORT = 8404;
    /** How long the router keeps a builder's last DNS answer (also a vanished one's). */
    public static final int DNS_HOLD_SECONDS = 5;
    /** The official image's {@code haproxy} user. */
    static final int UID = 99;
    static final String CONFIG_PATH = "/usr/local/etc/haproxy";
    static final Map<String, String> LABELS = Map.of(BuildFleetChart.NAME_LABEL, NAME);

    private BuildRouter() {
    }

    /** The router's Service name, which clients dial. */
    public static String host() {
        return NAME + "." + BuildFleetChart.NAMESPACE + ".svc.cluster.local";
    }

    /** The stable DNS name of a pool's builder {@code ordinal} (ready builders only: a headless Service). */
    public static String builderHost(BuildkitSpec.Pool pool, int ordinal) {
        return BuildFleetChart.name(pool) + "-" + ordinal + "." + poolDomain(pool);
    }

    /** {@code buildkitd-<arch>.buildkit.svc.cluster.local}: the builders' certificate covers {@code *.} of it. */
    public static String poolDomain(BuildkitSpec.Pool pool) {
        return BuildFleetChart.name(pool) + "." + BuildFleetChart.NAMESPACE + ".svc.cluster.local";
    }

    /** The TLS server name a client sends for {@code key} on {@code pool}: it routes and verifies. */
    public static String serverName(BuildkitSpec.Pool pool, String key) {
        return key + "." + poolDomain(pool);
    }

    /**
     * The routing key of a repository: the first 16 hex digits of its SHA-256, a DNS label. The same as
     * {@code printf %s "$REPOSITORY" | sha256sum | cut -c1-16}.
     */
    public static String key(String repository) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(repository.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code haproxy.cfg} of the fleet: builders by their stable DNS names. */
    public static String config(BuildkitSpec spec) {
        return config(spec, "[::]:" + BuildFleetChart.PORT + " v4v6", "[::]:" + METRICS_PORT + " v4v6",
                (pool, ordinal) -> builderHost(pool, ordinal) + ":" + BuildFleetChart.PORT, true);
    }

    /**
     * The configuration with other addresses (a test runs it on loopback): {@code server} gives the address of a
     * pool's ordinal; without {@code resolve}, addresses are literal and only the connect check says who is up.
     */
    static String config(BuildkitSpec spec, String bind, String metricsBind,
            BiFunction<BuildkitSpec.Pool, Integer, String> server, boolean resolve) {
        int grace = BuildFleetChart.GRACE_SECONDS;
        StringBuilder cfg = new StringBuilder();
        cfg.append("# generated by v6-platform: TLS passthrough to the BuildKit fleet, consistent hashing on SNI\n")
                .append("global\n")
                .append("  log stdout format raw local0\n")
                // a stopping router lets builds in flight finish, for as long as a builder would
                .append("  hard-stop-after ").append(grace).append("s\n");
        if (resolve) {
            cfg.append("\nresolvers cluster\n")
                    .append("  parse-resolv-conf\n")
                    .append("  accepted_payload_size 4096\n")
                    .append("  hold valid ").append(DNS_HOLD_SECONDS).append("s\n")
                    .append("  hold nx ").append(DNS_HOLD_SECONDS).append("s\n")
                    .append("  hold obsolete ").append(DNS_HOLD_SECONDS).append("s\n");
        }
        cfg.append("\ndefaults\n")
                .append("  mode tcp\n")
                .append("  log global\n")
                .append("  option tcplog\n")
                .append("  timeout connect 5s\n")
                // a build's connection may be quiet while a long step runs; a builder gives builds the same time
                .append("  timeout client ").append(grace).append("s\n")
                .append("  timeout server ").append(grace).append("s\n")
                .append("  timeout client-fin 30s\n")
                .append("  timeout server-fin 30s\n")
                .append("  retries 2\n")
                .append("  option redispatch\n");
        cfg.append("\nfrontend buildkit\n")
                .append("  bind ").append(bind).append("\n")
                .append("  tcp-request inspect-delay 5s\n")
                // wait for the TLS ClientHello (its server name routes); anything else is refused. The backends
                // hash the name kept here: HAProxy 2.6 hashes req.ssl_sni in a backend as absent (round robin)
                .append("  tcp-request content set-var(sess.sni) req.ssl_sni\n")
                .append("  tcp-request content accept if { req.ssl_hello_type 1 }\n")
                .append("  tcp-request content reject\n");
        for (BuildkitSpec.Pool pool : spec.pools()) {
            cfg.append("  use_backend ").append(BuildFleetChart.name(pool)).append(" if { req.ssl_sni -m end .")
                    .append(poolDomain(pool)).append(" }\n");
        }
        for (BuildkitSpec.Pool pool : spec.pools()) {
            cfg.append("\nbackend ").append(BuildFleetChart.name(pool)).append("\n")
                    .append("  balance hash var(sess.sni)\n")
                    .append("  hash-type consistent\n")
                    // no hash-balance-factor: with a few builds per builder, bounded load would move keys off their
                    // builder (and cache) at the second concurrent build
                    .append("  default-server check inter 2s fall 2 rise 1");
            if (resolve) {
                cfg.append(" init-addr none resolvers cluster resolve-prefer ipv6");
            }
            cfg.append("\n");
            for (int ordinal = 0; ordinal < pool.maxReplicas(); ordinal++) {
                // a fixed id per ordinal: every router replica builds the same ring
                cfg.append("  server ").append(pool.architecture()).append("-").append(ordinal).append(" ")
                        .append(server.apply(pool, ordinal)).append(" id ").append(ordinal + 1).append("\n");
            }
        }
        cfg.append("\nfrontend metrics\n")
                .append("  mode http\n")
                .append("  bind ").append(metricsBind).append("\n")
                .append("  timeout client 30s\n")
                .append("  monitor-uri /healthz\n")
                .append("  http-request use-service prometheus-exporter if { path /metrics }\n")
                .append("  http-request deny\n");
        return cfg.toString();
    }

    /** The router's objects: ConfigMap, Deployment (two replicas on the system nodes), Service and PDB. */
    static List<Map<String, Object>> objects(BuildkitSpec spec) {
        String cfg = config(spec);
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "haproxy");
        container.put("image", IMAGE);
        container.put("args", List.of("-f", CONFIG_PATH + "/haproxy.cfg"));
        container.put("ports", List.of(
                Map.of("name", "buildkit", "containerPort", BuildFleetChart.PORT, "protocol", "TCP"),
                Map.of("name", "metrics", "containerPort", METRICS_PORT, "protocol", "TCP")));
        Map<String, Object> health = Map.of("httpGet", Map.of("path", "/healthz", "port", METRICS_PORT));
        container.put("readinessProbe", health);
        container.put("livenessProbe", Map.of("httpGet", health.get("httpGet"), "periodSeconds", 15));
        // SIGUSR1 is HAProxy's soft stop: it stops listening and lets connected builds finish (up to
        // hard-stop-after); the kubelet's SIGTERM would cut them
        container.put("lifecycle", Map.of("preStop", Map.of("exec", Map.of("command", List.of("/bin/sh", "-c",
                "sleep 5; kill -USR1 1; while kill -0 1 2>/dev/null; do sleep 5; done")))));
        container.put("resources", Map.of("requests", Map.of("cpu", "100m", "memory", "128Mi"),
                "limits", Map.of("cpu", "1", "memory", "256Mi")));
        container.put("securityContext", Map.of("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true,
                "runAsNonRoot", true, "runAsUser", UID, "runAsGroup", UID,
                "capabilities", Map.of("drop", List.of("ALL")), "seccompProfile", Map.of("type", "RuntimeDefault")));
        container.put("volumeMounts", List.of(Map.of("name", "config", "mountPath", CONFIG_PATH, "readOnly", true)));

        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("automountServiceAccountToken", false);
        pod.put("terminationGracePeriodSeconds", BuildFleetChart.GRACE_SECONDS + 60);
        pod.put("nodeSelector", Map.of(Ipv6Cluster.NODE_ROLE_LABEL, "system"));
        pod.put("tolerations", List.of(Map.of("key", Ipv6Cluster.CRITICAL_ADDONS_TAINT, "operator", "Exists")));
        pod.put("topologySpreadConstraints", List.of(
                Map.of("maxSkew", 1, "topologyKey", "kubernetes.io/hostname", "whenUnsatisfiable", "ScheduleAnyway",
                        "labelSelector", Map.of("matchLabels", LABELS)),
                Map.of("maxSkew", 1, "topologyKey", "topology.kubernetes.io/zone", "whenUnsatisfiable",
                        "ScheduleAnyway", "labelSelector", Map.of("matchLabels", LABELS))));
        pod.put("containers", List.of(container));
        pod.put("volumes", List.of(Map.of("name", "config", "configMap", Map.of("name", NAME))));

        Map<String, Object> deployment = object("apps/v1", "Deployment", Map.of("spec", Map.of(
                "replicas", 2,
                "selector", Map.of("matchLabels", LABELS),
                // a new router is up before an old one starts draining
                "strategy", Map.of("type", "RollingUpdate", "rollingUpdate", Map.of("maxSurge", 1,
                        "maxUnavailable", 0)),
                "template", Map.of(
                        "metadata", Map.of("labels", LABELS, "annotations", Map.of(
                                "v6-platform.dev/config-sha256", KubeObjects.sha256(cfg))),
                        "spec", pod))));
        return List.of(
                object("v1", "ConfigMap", Map.of("data", Map.of("haproxy.cfg", cfg))),
                deployment,
                object("v1", "Service", Map.of("spec", Map.of(
                        "selector", LABELS,
                        "ports", List.of(
                                Map.of("name", "buildkit", "port", BuildFleetChart.PORT,
                                        "targetPort", BuildFleetChart.PORT, "protocol", "TCP"),
                                Map.of("name", "metrics", "port", METRICS_PORT, "targetPort", METRICS_PORT,
                                        "protocol", "TCP"))))),
                object("policy/v1", "PodDisruptionBudget", Map.of("spec", Map.of("maxUnavailable", 1,
                        "selector", Map.of("matchLabels", LABELS)))));
    }

    private static Map<String, Object> object(String apiVersion, String kind, Map<String, ?> rest) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", Map.of("name", NAME, "namespace", BuildFleetChart.NAMESPACE, "labels", LABELS));
        o.putAll(rest);
        return o;
    }

    /** The object kinds, lower case, for construct ids. */
    static String id(Map<String, Object> object) {
        return NAME + "-" + object.get("kind").toString().toLowerCase(Locale.ROOT);
    }
}
