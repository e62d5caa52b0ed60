package dev.v6platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.observability.PrometheusRule.Alert;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The platform's alerting rules and alert manager definition checked by Prometheus' own tools: {@code promtool test
 * rules} runs every alert on series that make it fire and on series that keep it silent, and {@code amtool
 * check-config} reads the alert manager configuration as AMP's Alertmanager does. Both come from the Debian packages
 * {@code prometheus} and {@code prometheus-alertmanager}, which {@code .ci/run} installs.
 */
class PrometheusToolsTest {
    static final String CLUSTER = "v6-prod-use1";
    static final String ENV = "prod-use1";
    static final String KEYS = "cluster=\"" + CLUSTER + "\",environment=\"" + ENV + "\"";
    static final List<RuleGroup> GROUPS = PlatformRules.groups(List.of(new PlatformRules.Scope(ENV, true, true)));
    static Path dir;

    /** One input series: its selector and promtool's expanding notation for its values. */
    record Series(String series, String values) {
    }

    /**
     * One scenario for one alert: the series, when to evaluate, and the labels of the alerts expected then (none:
     * the alert stays silent).
     */
    record Case(String alert, String scenario, List<Series> input, String evalTime, List<Map<String, String>> fires) {
    }

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new TreeMap<>();
        m.put("cluster", CLUSTER);
        m.put("environment", ENV);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Series s(String series, String values) {
        return new Series(series, values);
    }

    static Case fires(String alert, String scenario, String evalTime, Map<String, String> labels, Series... in) {
        return new Case(alert, scenario, List.of(in), evalTime, List.of(labels));
    }

    static Case silent(String alert, String scenario, String evalTime, Series... in) {
        return new Case(alert, scenario, List.of(in), evalTime, List.of());
    }

    /** Every alert fires in at least one case and stays silent in another. */
    static List<Case> cases() {
        String kubeletUp = "up{job=\"kubelet\",instance=\"ip-10-0-0-1\"," + KEYS + "}";
        String apiUp = "up{job=\"apiserver\",instance=\"[fd00::1]:443\"," + KEYS + "}";
        String karpenterUp = "up{job=\"karpenter\",instance=\"[fd00::2]:8080\"," + KEYS + "}";
        String usage = "karpenter_nodepools_usage{nodepool=\"graviton\",resource_type=\"cpu\"," + KEYS + "}";
        String limit = "karpenter_nodepools_limit{nodepool=\"graviton\",resource_type=\"cpu\"," + KEYS + "}";
        String errors = "karpenter_cloudprovider_errors_total{controller=\"nodeclaim.lifecycle\","
                + "method=\"Create\"," + KEYS + "}";
        String pvc = "namespace=\"buildkit\",persistentvolumeclaim=\"cache-buildkitd-arm64-0\"," + KEYS;
        String builder = "namespace=\"buildkit\",container=\"buildkitd\",pod=\"buildkitd-arm64-0\"," + KEYS;
        String pleg = "kubelet_pleg_relist_duration_seconds_bucket{job=\"kubelet\",instance=\"ip-10-0-0-1\"," + KEYS;
        String requests = "apiserver_request_total{job=\"apiserver\"," + KEYS;
        String latency = "apiserver_request_duration_seconds_bucket{job=\"apiserver\",verb=\"LIST\"," + KEYS;
        List<Case> c = new ArrayList<>();
        c.add(fires("KarpenterNodePoolNearLimit", "a pool at 95% of its cpu limit for 30 minutes", "25m",
                labels("nodepool", "graviton"), s(usage, "95x30"), s(limit, "100x30")));
        c.add(silent("KarpenterNodePoolNearLimit", "a pool at half its limit", "25m", s(usage, "50x30"),
                s(limit, "100x30")));
        c.add(fires("KarpenterPodsWaiting", "pods queued for an hour", "40m", labels(),
                s("karpenter_scheduler_queue_depth{" + KEYS + "}", "3x60")));
        c.add(silent("KarpenterPodsWaiting", "an empty queue", "40m",
                s("karpenter_scheduler_queue_depth{" + KEYS + "}", "0x60")));
        c.add(fires("KarpenterCloudProviderErrors", "10 failed EC2 calls a minute", "30m",
                labels("controller", "nodeclaim.lifecycle", "method", "Create"), s(errors, "0+10x40")));
        c.add(silent("KarpenterCloudProviderErrors", "one failure a minute", "30m", s(errors, "0+1x40")));
        c.add(fires("KarpenterClusterStateNotSynced", "out of sync for 30 minutes", "25m", labels(),
                s("karpenter_cluster_state_synced{" + KEYS + "}", "0x30")));
        c.add(silent("KarpenterClusterStateNotSynced", "in sync", "25m",
                s("karpenter_cluster_state_synced{" + KEYS + "}", "1x30")));
        c.add(fires("KarpenterDown", "no Karpenter pod at all: no up{job=\"karpenter\"} series", "20m", labels(),
                s(kubeletUp, "1x30")));
        c.add(fires("KarpenterDown", "a Karpenter pod that does not answer", "20m", labels(),
                s(kubeletUp, "1x30"), s(karpenterUp, "0x30")));
        c.add(silent("KarpenterDown", "a Karpenter pod that answers", "20m", s(kubeletUp, "1x30"),
                s(karpenterUp, "1x30")));
        c.add(fires("BuildkitCacheVolumeNearlyFull", "1% of the cache volume free", "25m",
                labels("namespace", "buildkit", "persistentvolumeclaim", "cache-buildkitd-arm64-0"),
                s("kubelet_volume_stats_available_bytes{" + pvc + "}", "1x30"),
                s("kubelet_volume_stats_capacity_bytes{" + pvc + "}", "100x30")));
        c.add(silent("BuildkitCacheVolumeNearlyFull", "half the cache volume free", "25m",
                s("kubelet_volume_stats_available_bytes{" + pvc + "}", "50x30"),
                s("kubelet_volume_stats_capacity_bytes{" + pvc + "}", "100x30")));
        c.add(fires("BuildkitMemoryNearLimit", "a builder at 95% of its memory limit", "20m",
                labels("pod", "buildkitd-arm64-0"), s("container_memory_working_set_bytes{" + builder + "}", "95x30"),
                s("container_spec_memory_limit_bytes{" + builder + "}", "100x30")));
        c.add(silent("BuildkitMemoryNearLimit", "a builder at 10% of its limit", "20m",
                s("container_memory_working_set_bytes{" + builder + "}", "10x30"),
                s("container_spec_memory_limit_bytes{" + builder + "}", "100x30")));
        c.add(fires("KubeletDown", "a kubelet that does not answer for 30 minutes", "20m",
                labels("job", "kubelet", "instance", "ip-10-0-0-1"), s(kubeletUp, "0x30")));
        c.add(silent("KubeletDown", "a kubelet that answers", "20m", s(kubeletUp, "1x30")));
        String cadvisorUp = "up{job=\"cadvisor\",instance=\"ip-10-0-0-1\"," + KEYS + "}";
        c.add(fires("ScrapeFailing", "a cAdvisor scrape failing for 30 minutes (above its sample_limit)", "25m",
                labels("job", "cadvisor", "instance", "ip-10-0-0-1"), s(cadvisorUp, "0x30")));
        c.add(silent("ScrapeFailing", "a cAdvisor scrape that succeeds", "25m", s(cadvisorUp, "1x30")));
        c.add(fires("KubeletPlegSlow", "every relist slower than 10 s", "20m", labels("instance", "ip-10-0-0-1"),
                s(pleg + ",le=\"1\"}", "0x30"), s(pleg + ",le=\"10\"}", "0x30"), s(pleg + ",le=\"+Inf\"}", "0+10x30")));
        c.add(silent("KubeletPlegSlow", "every relist under a second", "20m", s(pleg + ",le=\"1\"}", "0+10x30"),
                s(pleg + ",le=\"10\"}", "0+10x30"), s(pleg + ",le=\"+Inf\"}", "0+10x30")));
        c.add(fires("KubeApiServerErrors", "9% of requests fail with 500", "25m", labels(),
                s(requests + ",code=\"200\"}", "0+100x30"), s(requests + ",code=\"500\"}", "0+10x30")));
        c.add(silent("KubeApiServerErrors", "1% of requests fail", "25m", s(requests + ",code=\"200\"}", "0+100x30"),
                s(requests + ",code=\"500\"}", "0+1x30")));
        c.add(fires("KubeApiServerSlow", "LIST calls between 1 and 2 s", "25m", labels("verb", "LIST"),
                s(latency + ",le=\"0.5\"}", "0x30"), s(latency + ",le=\"1\"}", "0x30"),
                s(latency + ",le=\"2\"}", "0+10x30"), s(latency + ",le=\"+Inf\"}", "0+10x30")));
        c.add(silent("KubeApiServerSlow", "LIST calls under half a second", "25m",
                s(latency + ",le=\"0.5\"}", "0+10x30"), s(latency + ",le=\"1\"}", "0+10x30"),
                s(latency + ",le=\"2\"}", "0+10x30"), s(latency + ",le=\"+Inf\"}", "0+10x30")));
        c.add(fires("KubeApiServerDown", "kubelets scraped, the API server not", "20m", labels(),
                s(kubeletUp, "1x30"), s(apiUp, "0x30")));
        c.add(fires("KubeApiServerDown", "kubelets scraped, no API server target at all", "20m", labels(),
                s(kubeletUp, "1x30")));
        c.add(silent("KubeApiServerDown", "the API server scraped", "20m", s(kubeletUp, "1x30"), s(apiUp, "1x30")));
        c.add(fires("CollectorDown", "no series from the environment at all (another one still writes)", "20m",
                Map.of("job", "kubelet", "environment", ENV),
                s("up{job=\"kubelet\",cluster=\"v6-dev-use1\",environment=\"dev-use1\"}", "1x30")));
        c.add(fires("CollectorDown", "series that stop after 5 minutes", "25m", Map.of("job", "kubelet",
                "environment", ENV), s(kubeletUp, "1x5 _x25")));
        c.add(silent("CollectorDown", "series that keep arriving", "25m", s(kubeletUp, "1x30")));
        return c;
    }

    static Map<String, Alert> alerts() {
        Map<String, Alert> out = new LinkedHashMap<>();
        GROUPS.forEach(g -> g.rules().forEach(r -> {
            if (r instanceof Alert a) {
                out.put(a.alert(), a);
            }
        }));
        return out;
    }

    /** The rule of {@code groups} an alert with {@code labels} comes from (per environment, when there are several). */
    static Alert rule(List<RuleGroup> groups, String name, Map<String, String> labels) {
        List<Alert> named = groups.stream().flatMap(g -> g.rules().stream()).filter(r -> r instanceof Alert a
                && a.alert().equals(name)).map(r -> (Alert) r).toList();
        return named.size() == 1 ? named.get(0) : named.stream().filter(a -> a.expr().contains("environment=\""
                + labels.get("environment") + "\"")).findFirst().orElseThrow();
    }

    /** An annotation as Prometheus expands it: {@code {{ $labels.x }}} becomes the label's value. */
    static String expand(String template, Map<String, String> labels) {
        Matcher m = Pattern.compile("\\{\\{ \\$labels\\.([a-z_]+) }}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(labels.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** promtool's test file for {@code cases} of the platform's rules for prod-use1. */
    static String testFile(List<Case> cases) {
        return testFile(GROUPS, "rules.yaml", cases);
    }

    /** promtool's test file for {@code cases} of {@code groups}, written to {@code rulesFile}. */
    static String testFile(List<RuleGroup> groups, String rulesFile, List<Case> cases) {
        List<Object> tests = new ArrayList<>();
        for (Case c : cases) {
            List<Object> expected = new ArrayList<>();
            for (Map<String, String> labels : c.fires()) {
                Alert alert = rule(groups, c.alert(), labels);
                Map<String, String> all = new TreeMap<>(labels);
                all.put("severity", alert.severity().label());
                expected.add(Map.of("exp_labels", all, "exp_annotations", Map.of(
                        "summary", expand(alert.summary(), all), "description", expand(alert.description(), all))));
            }
            List<Object> input = new ArrayList<>();
            c.input().forEach(s -> input.add(Map.of("series", s.series(), "values", s.values())));
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", c.alert() + ": " + c.scenario());
            test.put("interval", "1m");
            test.put("input_series", input);
            test.put("alert_rule_test", List.of(Map.of("eval_time", c.evalTime(), "alertname", c.alert(),
                    "exp_alerts", expected)));
            tests.add(test);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of(rulesFile));
        file.put("evaluation_interval", "1m");
        file.put("tests", tests);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(200);
        return new Yaml(options).dump(file);
    }

    record Run(int exit, String output) {
    }

    /** Runs a Prometheus tool from PATH; a missing tool is a failure that says how to install it. */
    static Run run(Path workdir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new Run(p.exitValue(), out);
    }

    static String tool(String name, String debianPackage) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        throw new AssertionError(name + " is not installed: install the Debian package " + debianPackage
                + " (.ci/run does: apt-get install " + debianPackage + ")");
    }

    @BeforeAll
    static void files() throws IOException {
        dir = FixtureSynthesis.fresh("prometheus-tools");
        Files.writeString(dir.resolve("rules.yaml"), RuleFiles.render(GROUPS));
    }

    @Test
    void every_alert_has_a_case_where_it_fires_and_one_where_it_stays_silent() {
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        cases().forEach(c -> (c.fires().isEmpty() ? quiet : firing).add(c.alert()));

        assertThat(firing).isEqualTo(alerts().keySet().stream().collect(TreeSet::new, Set::add, Set::addAll));
        assertThat(quiet).isEqualTo(firing);
    }

    @Test
    void promtool_checks_the_rules_file_as_amp_receives_it() throws Exception {
        Run check = run(dir, tool("promtool", "prometheus"), "check", "rules", "rules.yaml");

        assertThat(check.exit()).as(check.output()).isZero();
        int rules = GROUPS.stream().mapToInt(g -> g.rules().size()).sum();
        assertThat(check.output()).contains("SUCCESS: " + rules + " rules found");
    }

    @Test
    void promtool_runs_every_case_and_each_alert_fires_or_stays_silent_as_expected() throws Exception {
        Files.writeString(dir.resolve("tests.yaml"), testFile(cases()));

        Run test = run(dir, tool("promtool", "prometheus"), "test", "rules", "tests.yaml");

        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void promtool_fails_a_case_whose_alert_does_not_behave_as_expected() throws Exception {
        // KarpenterDown's old expression, which needs an up{job="karpenter"} series to fire at all
        Files.writeString(dir.resolve("old-rules.yaml"), RuleFiles.render(List.of(new RuleGroup("karpenter", "1m",
                List.of(new Alert("KarpenterDown", "count by (cluster, environment) (up{job=\"karpenter\"} == 0) "
                        + "unless count by (cluster, environment) (up{job=\"karpenter\"} == 1)", "10m",
                        PrometheusRule.Severity.CRITICAL, alerts().get("KarpenterDown").summary(),
                        alerts().get("KarpenterDown").description()))))));
        List<Case> noPod = cases().stream().filter(c -> c.alert().equals("KarpenterDown")
                && c.scenario().startsWith("no Karpenter pod")).toList();
        Files.writeString(dir.resolve("old-tests.yaml"), testFile(noPod).replace("rules.yaml", "old-rules.yaml"));

        Run test = run(dir, tool("promtool", "prometheus"), "test", "rules", "old-tests.yaml");

        assertThat(test.exit()).as(test.output()).isNotZero();
        assertThat(test.output()).contains("FAILED", "KarpenterDown");
    }

    @Test
    void in_a_shared_workspace_karpenter_is_watched_only_where_it_runs_and_each_collector_on_its_own()
            throws Exception {
        List<RuleGroup> shared = PlatformRules.groups(List.of(new PlatformRules.Scope("dev-use1", true, false),
                new PlatformRules.Scope("sandbox-use1", false, false)));
        Files.writeString(dir.resolve("shared-rules.yaml"), RuleFiles.render(shared));
        String dev = "cluster=\"v6-dev-use1\",environment=\"dev-use1\"";
        String sandbox = "cluster=\"v6-sandbox-use1\",environment=\"sandbox-use1\"";
        List<Case> cases = List.of(
                new Case("KarpenterDown", "no Karpenter anywhere: only dev-use1 runs it", List.of(
                        s("up{job=\"kubelet\",instance=\"a\"," + dev + "}", "1x30"),
                        s("up{job=\"kubelet\",instance=\"b\"," + sandbox + "}", "1x30")), "20m",
                        List.of(Map.of("cluster", "v6-dev-use1", "environment", "dev-use1"))),
                new Case("CollectorDown", "only sandbox-use1's collector writes", List.of(
                        s("up{job=\"kubelet\",instance=\"b\"," + sandbox + "}", "1x30")), "20m",
                        List.of(Map.of("job", "kubelet", "environment", "dev-use1"))));
        Files.writeString(dir.resolve("shared-tests.yaml"), testFile(shared, "shared-rules.yaml", cases));

        Run test = run(dir, tool("promtool", "prometheus"), "test", "rules", "shared-tests.yaml");

        assertThat(test.exit()).as(test.output()).isZero();
    }

    /** The workspace's alert manager definition as the fixture template holds it, the topic's ARN filled in. */
    @SuppressWarnings("unchecked")
    static String alertManagerConfig() throws IOException {
        Map<String, Object> template = new ObjectMapper().readValue(FixtureSynthesis.get().cdkOut()
                .resolve("v6-prod-use1.template.json").toFile(), Map.class);
        Object definition = ((Map<String, Map<String, Object>>) template.get("Resources")).values().stream()
                .filter(r -> "AWS::APS::Workspace".equals(r.get("Type"))).findFirst()
                .map(r -> ((Map<String, Object>) r.get("Properties")).get("AlertManagerDefinition")).orElseThrow();
        StringBuilder text = new StringBuilder();
        if (definition instanceof String literal) {
            text.append(literal);
        } else {
            for (Object part : (List<Object>) ((List<Object>) ((Map<String, Object>) definition).get("Fn::Join"))
                    .get(1)) {
                text.append(part instanceof String p ? p : "arn:aws:sns:us-east-1:314159265358:v6-prod-use1-alerts");
            }
        }
        Map<String, Object> doc = new Yaml().load(text.toString());
        return (String) doc.get("alertmanager_config");
    }

    @Test
    void amtool_accepts_the_alert_manager_definition_and_refuses_a_broken_one() throws Exception {
        String config = alertManagerConfig();
        Files.writeString(dir.resolve("alertmanager.yaml"), config);
        Files.writeString(dir.resolve("broken-alertmanager.yaml"), config.replace("receiver: sns",
                "receiver: nobody"));

        Run ok = run(dir, tool("amtool", "prometheus-alertmanager"), "check-config", "alertmanager.yaml");
        Run broken = run(dir, tool("amtool", "prometheus-alertmanager"), "check-config", "broken-alertmanager.yaml");

        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("SUCCESS", " - 1 receivers");
        assertThat(broken.exit()).as(broken.output()).isNotZero();
        assertThat(broken.output()).contains("undefined receiver \"nobody\"");
    }
}
