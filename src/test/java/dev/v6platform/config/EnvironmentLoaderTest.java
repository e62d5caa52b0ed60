package dev.v6platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentLoaderTest {
    static final Path BAD = Path.of("src/test/resources/bad-stacks");

    @Test
    void loads_the_four_sample_environments_sorted_by_name() {
        List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectory(FixtureSynthesis.STACKS);

        assertThat(envs).extracting(EnvironmentConfig::name)
                .containsExactly("dev-euw1", "dev-use1", "prod-euw1", "prod-use1");
        assertThat(envs).extracting(EnvironmentConfig::account).containsOnly("314159265358", "271828182845");
        assertThat(envs).extracting(EnvironmentConfig::region).containsOnly("us-east-1", "eu-west-1");
    }

    @Test
    void parses_every_field_of_an_environment() {
        EnvironmentConfig env = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("prod-use1.yaml"));

        assertThat(env.name()).isEqualTo("prod-use1");
        assertThat(env.account()).isEqualTo("314159265358");
        assertThat(env.region()).isEqualTo("us-east-1");
        assertThat(env.availabilityZones()).containsExactly("us-east-1a", "us-east-1b", "us-east-1d");
        assertThat(env.kubernetesVersion()).isEqualTo(new KubernetesVersion(33));
        assertThat(env.tags()).containsEntry("cost-center", "4200").containsEntry("stage", "prod");
        assertThat(List.copyOf(env.tags().keySet())).isSorted();
        assertThat(env.namespaces()).extracting(NamespaceConfig::name).containsExactly("ci", "ci-release");
        assertThat(env.namespaces().get(0).podSecurity()).isEqualTo(PodSecurityLevel.BASELINE);
        assertThat(env.namespaces().get(0).labels()).isEqualTo(Map.of("team", "developer-productivity"));
        assertThat(env.source()).isEqualTo(FixtureSynthesis.STACKS + "/prod-use1.yaml");
    }

    @Test
    void a_tag_snakeyaml_cannot_read_is_broken_yaml_not_a_crash() {
        Problems problems = new Problems();

        assertThat(EnvironmentLoader.compose("x.yaml", "!%d", problems)).isEmpty();

        assertThatThrownBy(problems::throwIfAny).isInstanceOf(ConfigException.class)
                .hasMessageContaining("x.yaml: broken YAML: a '!' tag that cannot be read")
                .hasMessageContaining("remove the tag");
    }

    @Test
    void optional_sections_default_to_empty() {
        Problems problems = new Problems();
        EnvironmentConfig env = EnvironmentLoader.parse("x.yaml", """
                name: minimal
                account: "111111111111"
                region: eu-west-1
                availabilityZones: [eu-west-1a, eu-west-1b]
                kubernetesVersion: "1.35"
                network:
                  vpcPrefixLength: 22
                  subnets: {public: {prefixLength: 27}, nodes: {hosts: 100}}
                cluster:
                  endpoint: {privateAccessCidrs: [10.0.0.0/12]}
                  admins: ["arn:aws:iam::111111111111:role/admins"]
                  addons: {vpc-cni: v1.20.4-eksbuild.1, coredns: v1.12.4-eksbuild.1, kube-proxy: v1.35.3-eksbuild.2,
                           eks-pod-identity-agent: v1.3.10-eksbuild.2}
                  systemNodes: {instanceTypes: [t4g.medium]}
                """, problems).orElseThrow();

        assertThat(problems.isEmpty()).isTrue();
        assertThat(env.tags()).isEmpty();
        assertThat(env.namespaces()).isEmpty();
        assertThat(env.network().natGateways()).isEqualTo(NatGatewayMode.PER_ZONE);
        assertThat(env.network().flowLogRetentionDays()).isEqualTo(90);
        assertThat(env.network().ipv6IpamPoolId()).isEmpty();
        assertThat(env.cluster().publicAccessCidrs()).isEmpty();
        assertThat(env.cluster().viewers()).isEmpty();
        assertThat(env.cluster().systemNodes()).isEqualTo(new ClusterSpec.SystemNodesSpec(List.of("t4g.medium"), 2,
                3, 2));
        assertThat(env.network().subnetPrefixLengths()).containsExactly(
                Map.entry(SubnetTier.PUBLIC, 27), Map.entry(SubnetTier.NODES, 25));
    }

    @Test
    void records_are_immutable_copies() {
        EnvironmentConfig env = EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("dev-use1.yaml"));

        assertThatThrownBy(() -> env.availabilityZones().add("us-east-1f"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> env.tags().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown-key              | 3 | regoin            | unknown key 'regoin'; did you mean 'region'?
            account-is-a-number      | 2 | account           | expected a string, got the number 314159265358; quote it
            account-too-short        | 2 | account           | '31415' is not an AWS account id (12 digits)
            missing-region           | 1 | region            | required field is missing; add 'region: us-east-1'
            zones-not-a-list         | 4 | availabilityZones | expected a list, got the string us-east-1a
            one-zone                 | 4 | availabilityZones | EKS needs at least 2 availability zones, got 1
            zone-of-another-region   | 4 | availabilityZones[1] | 'eu-west-1b' is not a zone of region us-east-1
            karpenter-unknown-family | 19 | karpenter.pools[0].families | instance family q7g does not exist: 'q' is not an EC2 instance category
            karpenter-generation-beyond-newest | 19 | karpenter.pools[0].minGeneration | no instance type could join the pool: the newest EC2 generation is 8, below minGeneration 42
            karpenter-no-capacity-type | 19 | karpenter.pools[0].capacityTypes | no capacity type, so no node could be launched
            karpenter-budget-duration-beyond-go | 21 | karpenter.pools[0].budgets[0].duration | '9999999h' is longer than Kubernetes can hold
            karpenter-expire-beyond-go | 19 | karpenter.pools[0].expireAfter | '9999999h' is longer than Kubernetes can hold
            karpenter-zero-cpu-limit | 19 | karpenter.pools[0].limits.cpu | a cpu limit of 0 lets the pool launch no node at all
            cluster-overlapping-public-cidrs | 10 | cluster.endpoint.publicAccessCidrs[1] | '198.51.100.128/25' overlaps 198.51.100.0/24, listed before it
            replacement-without-reason | 15 | acknowledgedReplacements[0].reason | required field is missing
            replacement-bad-logical-id | 15 | acknowledgedReplacements[0].logicalId | 'Vpc-8378EB38' is not a CloudFormation logical id
            zone-ids-without-context | 4 | availabilityZones[0] | zone id 'use1-az4' needs this account's zone names, which the refresh step records in src/test/resources/bad-stacks/context/bad-env.json; there is no such file
            cluster-addon-default-without-context | 12 | cluster.addons.vpc-cni | 'default' is resolved from the versions the refresh step records, but there is no src/test/resources/bad-stacks/context/bad-env.json
            bad-region               | 3 | region            | 'US East' is not an AWS region name
            region-unknown           | 3 | region            | 'us-east-3' is not an AWS region this release knows (did you mean us-east-1?)
            version-unquoted         | 5 | kubernetesVersion | expected a string, got the decimal number 1.34; quote it
            version-too-old          | 5 | kubernetesVersion | Kubernetes 1.29 is not supported
            bad-name                 | 1 | name              | 'Bad_Env' is not a valid environment name
            broken-yaml              | 4 | ''                | broken YAML
            empty                    | 0 | ''                | the file is empty
            comments-only            | 0 | ''                | the file is empty
            top-level-list           | 1 | ''                | expected a mapping of keys to values, got a list
            duplicate-key            | 6 | region            | duplicate key (first defined on line 3)
            tag-reserved-by-aws      | 7 | tags.aws:cloudformation | tag keys starting with 'aws:' are reserved by AWS
            tag-value-not-a-string   | 7 | tags.cost-center  | expected a string, got the number 4100
            namespace-bad-level      | 8 | namespaces[0].podSecurity | 'strict' is not a Pod Security level; allowed: privileged, baseline, restricted
            namespace-reserved       | 7 | namespaces[0].name | namespace 'kube-system' is created by Kubernetes or the platform
            namespace-unknown-key    | 9 | namespaces[0].owner | unknown key 'owner'
            namespace-reserved-label | 10 | namespaces[0].labels.pod-security.kubernetes.io/enforce | is set by the platform or Kubernetes
            namespace-missing-level  | 7 | namespaces[0].podSecurity | required field is missing; add 'podSecurity: restricted' under 'namespaces[0]'
            network-missing          | 1 | network           | required field is missing; add 'network: {vpcPrefixLength: 20
            network-vpc-too-large    | 7 | network.vpcPrefixLength | /12 is not a valid VPC size; AWS allows /16 to /28
            network-intra-too-small-for-eks | 11 | network.subnets.intra.prefixLength | a /28 subnet leaves 11 usable addresses; EKS needs at least 16 free in each cluster subnet ('intra'); use /27 or larger
            network-tier-both-sizes  | 9 | network.subnets.public | give exactly one of 'prefixLength' or 'hosts'
            network-unknown-tier     | 11 | network.subnets.database | unknown key 'database'; allowed keys here: public, nodes, intra
            network-bad-nat          | 8 | network.natGateways | 'perAz' is not a NAT gateway layout; allowed: perZone, single
            network-bad-retention    | 8 | network.flowLogRetentionDays | 45 is not a CloudWatch Logs retention period
            cluster-open-endpoint    | 11 | cluster.endpoint.publicAccessCidrs | the public endpoint would be open to the whole internet; list your own ranges instead, or acknowledge it with publicAccessReason
            cluster-missing-addon    | 12 | cluster.addons.coredns | required field is missing; add 'coredns: v1.0.0-eksbuild.1 (the refresh step lists the versions for your cluster)' under 'cluster.addons'
            cluster-kube-proxy-mismatch | 12 | cluster.addons.kube-proxy | kube-proxy v1.33.5-eksbuild.2 does not match the cluster's Kubernetes 1.34; use a kube-proxy v1.34.x-eksbuild.N version
            cluster-x86-system-nodes | 13 | cluster.systemNodes.instanceTypes[0] | 'm7i.large' is not a Graviton (arm64) instance type
            cluster-bad-admin        | 11 | cluster.admins[0] | 'platform-admins' is not an IAM role or user ARN
            cluster-impossible-sizes | 13 | cluster.systemNodes | sizes min 3, desired 3, max 2 are impossible
            cluster-bad-delivery     | 14 | cluster.delivery  | 'argocd' is not a delivery; allowed: kubectl, gitops
            cluster-world-in-disguise | 11 | cluster.endpoint.publicAccessCidrs | the public endpoint would be open to the whole internet
            cluster-admin-is-viewer  | 12 | cluster.viewers   | 'arn:aws:iam::314159265358:role/platform-admins' is listed twice; EKS allows one access entry per principal
            karpenter-latest-ami     | 15 | karpenter.amiAlias | 'al2023@latest' drifts every node on each AMI release; pin a release (al2023@vYYYYMMDD), or set allowLatestAmi: true
            karpenter-family-contradicts-arch | 19 | karpenter.pools[0].families | instance family c7i is x86 (amd64) but the pool's architecture is arm64
            karpenter-pool-without-cpu-limit | 19 | karpenter.pools[0].limits | no cpu limit, so the pool could grow without bound
            karpenter-bad-taint      | 19 | karpenter.pools[0].taints[0] | 'dedicated=builds' is not a taint; write key=value:NoSchedule
            karpenter-budget-without-duration | 21 | karpenter.pools[0].budgets[0] | a budget needs both schedule and duration, or neither
            karpenter-restricted-label | 19 | karpenter.pools[0].labels.karpenter.sh/capacity-type | label 'karpenter.sh/capacity-type' is set by Karpenter, Kubernetes or the platform
            karpenter-budget-bad-nodes | 21 | karpenter.pools[0].budgets[0].nodes | '150%' is not a node count or percentage
            karpenter-budget-bad-schedule | 21 | karpenter.pools[0].budgets[0].schedule | '9am on weekdays' is not a cron schedule (in UTC)
            karpenter-budget-time-zone | 21 | karpenter.pools[0].budgets[0].schedule | 'CRON_TZ=America/New_York 0 8 * * mon-fri' names a time zone, but Karpenter evaluates budget schedules in UTC and accepts none
            karpenter-budget-duration-in-seconds | 21 | karpenter.pools[0].budgets[0].duration | '30s' is not a budget duration; write hours and minutes
            karpenter-reserved-capacity | 20 | karpenter.pools[0].capacityTypes[1] | capacity type 'reserved' needs capacity reservations selected in the EC2NodeClass
            karpenter-bad-taint-key  | 20 | karpenter.pools[0].taints[0] | taint key 'builds only' is not a valid key
            karpenter-owned-subdomain-label | 20 | karpenter.pools[0].labels.topology.kubernetes.io/zone-group | label 'topology.kubernetes.io/zone-group' is set by Karpenter, Kubernetes or the platform
            karpenter-bottlerocket-dated | 15 | karpenter.amiAlias | 'bottlerocket@v20251016' is not a pinned AMI alias (al2023@vYYYYMMDD, bottlerocket@vX.Y.Z)
            buildkit-nodepool-of-other-arch | 26 | buildkit.pools[0].nodePool | NodePool 'buildkit-amd64' runs amd64 nodes, but this pool builds arm64; name a NodePool with architecture: arm64
            buildkit-missing-nodepool | 26 | buildkit.pools[0].nodePool | there is no Karpenter NodePool 'builders' for the arm64 builders; add it under karpenter.pools
            buildkit-beyond-nodepool-limit | 29 | buildkit.pools[0].maxReplicas | 30 builders requesting 4 cpu each need 120, above the cpu limit 100 of NodePool 'buildkit-arm64', so the last ones would never get a node; lower maxReplicas below 26 (the nodes' own overhead counts against the limit too), or raise limits.cpu of karpenter pool 'buildkit-arm64' above 120
            buildkit-beyond-nodepool-memory | 29 | buildkit.pools[0].maxReplicas | 4 builders requesting 16Gi memory each need 64Gi, above the memory limit 32Gi of NodePool 'buildkit-arm64'
            buildkit-max-below-min   | 29 | buildkit.pools[0].maxReplicas | maxReplicas 2 is below minReplicas 3; raise maxReplicas to at least 3 or lower minReplicas
            buildkit-cache-below-gc-reserve | 29 | buildkit.pools[0].cacheGiB | a 50 GiB cache volume is smaller than the GC reserve of 48 GiB plus the 5 GiB kept free for running builds; raise cacheGiB to at least 54 or lower gcReservedGiB
            buildkit-two-pools-one-arch | 27 | buildkit.pools[1].architecture | there is already a pool for arm64
            buildkit-bad-memory      | 26 | buildkit.pools[0].memory | '16GB' is not a memory quantity; write e.g. 16Gi
            buildkit-without-ebs-csi | 22 | buildkit | the builders' cache volumes need the EBS CSI driver, which the cluster does not install; add 'aws-ebs-csi-driver: v1.51.1-eksbuild.1'
            buildkit-unknown-client-namespace | 24 | buildkit.clients[0].namespace | namespace 'builds' is not created by this environment; add it under namespaces
            buildkit-unpinned-version | 22 | buildkit.version | 'latest' is not a BuildKit release tag; pin a release of moby/buildkit
            buildkit-without-metrics-server | 22 | buildkit | the builders' autoscalers need CPU metrics, and the cluster runs no metrics-server; add 'metrics-server: v0.8.0-eksbuild.1'
            buildkit-pool-without-grace-period | 26 | buildkit.pools[0].nodePool | NodePool 'buildkit-arm64' has no terminationGracePeriod: builders block disruption while they run, so an expired node would drain for ever or cut builds short; set terminationGracePeriod: 2h on karpenter pool 'buildkit-arm64'
            buildkit-bad-image-repository | 23 | buildkit.imageRepositories[0] | 'Apps/Web' is not an ECR repository name or prefix
            buildkit-cert-manager-long-lived-nodes | 27 | buildkit.pools[0].nodePool | NodePool 'buildkit-arm64' keeps nodes for Never, but buildkitd reads its cert-manager certificate only at start and the certificate is renewed 90 days before it expires; set expireAfter to at most 1440h
            metrics-retention-too-long | 15 | metrics.retentionDays | 2000 days is outside AMP's 1..1095; use e.g. 150
            metrics-bad-email        | 15 | metrics.alertEmails[0] | 'platform-oncall' is not an email address
            metrics-bad-regex        | 15 | metrics.allow[0] | 'karpenter_(nodepools' is not a valid regex
            metrics-lookahead-regex  | 15 | metrics.allow[0] | '(?!go_).*' uses lookaround, backreferences or possessive quantifiers, which the collector's RE2 engine does not support
            metrics-histogram-bucket-allowed | 15 | metrics.allow[0] | names a histogram or summary series, but the collector holds histograms and summaries under their base name; allow 'apiserver_request_duration_seconds' instead
            metrics-rename-not-allowed | 17 | metrics.rename[0].from | the allowlist drops 'go_goroutines' before it could be renamed; add it to metrics.allow
            metrics-two-renames-one-name | 17 | metrics.rename[1].to | two metrics would be renamed to 'goroutines' (the first on line 16), mixing their series
            metrics-drop-le          | 16 | metrics.labels[0].drop | dropping 'le' would merge series: histogram buckets would merge and every histogram_quantile would break
            metrics-label-rule-two-kinds | 16 | metrics.labels[0] | a label rule is one of {drop: x}, {rename: x, to: y} or {add: x, value: v}
            metrics-budget-above-workspace-limit | 15 | metrics.seriesBudget | 20000000 active series is above the workspace's limit of 10000000
            metrics-job-budgets-over-total | 16 | metrics.jobBudgets | the job budgets add up to 130000 series, more than the seriesBudget of 100000
            metrics-unknown-job      | 15 | metrics.jobBudgets.node-exporter | the collector has no scrape job 'node-exporter'
            metrics-drop-id          | 16 | metrics.labels[0].drop | dropping 'id' would merge series: cAdvisor's node-level cgroups differ only by id and would become duplicate series
            metrics-bad-workspace-scope | 15 | metrics.workspace | 'account' is not a workspace scope; allowed: environment, region
            metrics-label-overrides-environment | 16 | metrics.labels[0].add | 'environment' is set by the collector on every series
            cluster-old-vpc-cni      | 12 | cluster.addons.vpc-cni | vpc-cni v1.9.3-eksbuild.1 predates IPv6 support (v1.10.1)
            """)
    void rejects_a_bad_file_with_file_line_field_and_fix(String name, int line, String field, String message) {
        Path file = BAD.resolve(name + ".yaml");

        assertThatThrownBy(() -> EnvironmentLoader.loadFile(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    List<ConfigError> errors = ((ConfigException) e).errors();
                    assertThat(errors).extracting(ConfigError::field).contains(field);
                    if (!Set.of("unknown-key", "network-missing").contains(name)) {
                        assertThat(errors).as("a bad file has exactly one mistake").hasSize(1);
                    }
                    ConfigError error = errors.stream().filter(x -> x.field().equals(field)).findFirst().orElseThrow();
                    assertThat(error.file()).isEqualTo("src/test/resources/bad-stacks/" + name + ".yaml");
                    assertThat(error.line()).isEqualTo(line);
                    assertThat(error.format()).contains(message);
                    assertThat(error.fix()).isNotBlank();
                });
    }

    @Test
    void a_wrong_type_in_capacity_types_or_limits_is_reported_once_without_a_false_second_error(@TempDir Path dir)
            throws IOException {
        String base = Files.readString(BAD.resolve("karpenter-family-contradicts-arch.yaml"))
                .replace("families: [m7g, c7i]", "capacityTypes: spot").replace("limits: {cpu: \"100\"}",
                        "limits: {cpu: 100}");
        Path file = dir.resolve("bad-env.yaml");
        Files.writeString(file, base);

        assertThatThrownBy(() -> EnvironmentLoader.loadFile(file)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).extracting(ConfigError::field)
                        .containsExactly("karpenter.pools[0].capacityTypes", "karpenter.pools[0].limits.cpu"));
    }

    @Test
    void rejects_a_file_that_is_not_utf8_naming_the_line(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.yaml");
        byte[] text = "name: caf\u00e9\nowner: x\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, text);

        assertThatThrownBy(() -> EnvironmentLoader.loadFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("latin1.yaml:1: the file is not valid UTF-8 (byte 9 is 0xE9); save the file "
                        + "as UTF-8");
    }

    @Test
    void rejects_two_environments_with_the_same_name_naming_both_files(@TempDir Path dir) throws IOException {
        String env = Files.readString(FixtureSynthesis.STACKS.resolve("dev-use1.yaml"));
        Files.writeString(dir.resolve("a.yaml"), env);
        Files.writeString(dir.resolve("b.yaml"), env);

        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("b.yaml:3: name: environment name 'dev-use1' is already used by ")
                .hasMessageContaining("a.yaml:3; give each environment a unique name");
    }

    @Test
    void reports_every_problem_of_every_file_in_one_run(@TempDir Path dir) throws IOException {
        Files.copy(BAD.resolve("unknown-key.yaml"), dir.resolve("one.yaml"));
        Files.copy(BAD.resolve("bad-region.yaml"), dir.resolve("two.yaml"));

        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors())
                        .extracting(ConfigError::field)
                        .contains("regoin", "region"));
    }

    @Test
    void rejects_a_directory_without_environments(@TempDir Path dir) {
        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no environment files (*.yaml) found");
    }

    @Test
    void unknown_key_lists_the_allowed_keys() {
        assertThatThrownBy(() -> EnvironmentLoader.loadFile(BAD.resolve("unknown-key.yaml")))
                .hasMessageContaining("allowed keys here: name, account, region, availabilityZones, "
                        + "kubernetesVersion, tags, network, cluster, karpenter, namespaces");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1.32, 32", "1.35, 35"})
    void parses_supported_kubernetes_versions(String text, int minor) {
        assertThat(KubernetesVersion.parse(text).minor()).isEqualTo(minor);
        assertThat(KubernetesVersion.parse(text)).hasToString(text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1.31", "1.36", "2.0", "v1.33", "1.33.2"})
    void refuses_unsupported_kubernetes_versions(String text) {
        assertThatThrownBy(() -> KubernetesVersion.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} x {1} = {2}")
    @org.junit.jupiter.params.provider.CsvSource({"700m, 10, 7", "4, 30, 120", "16Gi, 4, 64Gi", "1536Mi, 2, 3Gi",
        "0.5, 3, 1500m"})
    void quantities_multiply_exactly(String request, int count, String total) {
        assertThat(BuildkitSection.amount(request).multiply(java.math.BigDecimal.valueOf(count)))
                .isEqualByComparingTo(BuildkitSection.amount(total));
    }
}
