package dev.v6platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.v6platform.testing.Contexts;
import dev.v6platform.testing.FixtureSynthesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Synth takes zone names, add-on versions and checks from the committed context, and says what it cannot check. */
class ContextRulesTest {
    static final EnvironmentConfig DEV = Contexts.sample("dev-use1");

    /** dev-use1 with {@code edit} applied to its file, and a context (edited by {@code context}) beside it. */
    static Path stacks(String name, UnaryOperator<String> edit, UnaryOperator<EnvironmentContext> context)
            throws IOException {
        Path dir = FixtureSynthesis.fresh(name);
        Files.writeString(dir.resolve("dev-use1.yaml"), edit.apply(Files.readString(FixtureSynthesis.STACKS.resolve("dev-use1.yaml"))));
        if (context != null) {
            Contexts.write(dir, context.apply(Contexts.of(DEV, List.of(), "m7g.large:arm64")));
        }
        return dir;
    }

    static EnvironmentConfig load(Path dir) {
        return EnvironmentLoader.loadDirectory(dir).get(0);
    }

    static List<ConfigError> errors(Path dir) {
        try {
            EnvironmentLoader.loadDirectory(dir);
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected the load to fail");
    }

    static UnaryOperator<String> zones(String list) {
        return text -> text.replace("availabilityZones: [us-east-1a, us-east-1b, us-east-1c]",
                "availabilityZones: " + list);
    }

    static EnvironmentContext withAddon(EnvironmentContext c, AddonFacts addon) {
        List<AddonFacts> addons = new ArrayList<>(c.addons().stream().filter(a -> !a.name().equals(addon.name()))
                .toList());
        addons.add(addon);
        return new EnvironmentContext(c.environment(), c.account(), c.region(), c.zones(), c.instanceTypes(),
                c.vpcRanges(), c.kubernetesVersion(), addons, c.clusterVersions(), c.amis());
    }

    static EnvironmentContext withVersions(EnvironmentContext c, ClusterVersionFacts... versions) {
        return new EnvironmentContext(c.environment(), c.account(), c.region(), c.zones(), c.instanceTypes(),
                c.vpcRanges(), c.kubernetesVersion(), c.addons(), List.of(versions), c.amis());
    }

    static EnvironmentContext withAmis(EnvironmentContext c, List<AmiFacts> amis) {
        return new EnvironmentContext(c.environment(), c.account(), c.region(), c.zones(), c.instanceTypes(),
                c.vpcRanges(), c.kubernetesVersion(), c.addons(), c.clusterVersions(), amis);
    }

    @Test
    void an_ami_release_aws_never_published_for_a_pools_architecture_is_refused() throws IOException {
        Path dir = stacks("ctx-ami-missing", t -> t, c -> withAmis(c, c.amis().stream().map(a -> a.architecture()
                .equals("amd64") ? new AmiFacts(a.alias(), a.kubernetesVersion(), a.architecture(), a.imageName(), "")
                : a).toList()));

        assertThat(errors(dir)).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("karpenter.amiAlias");
            assertThat(e.problem()).startsWith("AMI release al2023@v20251016 has no amd64 image for Kubernetes 1.34 "
                    + "in us-east-1 (the refresh step found no image named "
                    + "amazon-eks-node-al2023-x86_64-standard-1.34-v20251016)");
            assertThat(e.fix()).startsWith("pin a release published for Kubernetes 1.34");
        });
        assertThat(load(stacks("ctx-ami-found", t -> t, c -> c)).karpenter().orElseThrow().amiAlias())
                .isEqualTo("al2023@v20251016");
    }

    @Test
    void a_version_in_extended_support_needs_support_type_extended() throws IOException {
        ClusterVersionFacts extended = new ClusterVersionFacts("1.34", "EXTENDED_SUPPORT", false, "2026-12-02",
                "2027-12-02");
        assertThat(errors(stacks("ctx-extended-standard", t -> t, c -> withVersions(c, extended)))).singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("cluster.supportType");
                    assertThat(e.problem()).isEqualTo("Kubernetes 1.34 is in extended support (per the refresh step), "
                            + "so EKS refuses supportType STANDARD (the default)");
                    assertThat(e.fix()).contains("cluster.supportType: EXTENDED");
                });
        EnvironmentConfig env = load(stacks("ctx-extended-extended", t -> t.replace("  systemNodes:",
                "  supportType: EXTENDED\n  systemNodes:"), c -> withVersions(c, extended)));
        assertThat(env.cluster().supportType()).isEqualTo(SupportType.EXTENDED);
    }

    @Test
    void an_ami_release_the_context_does_not_cover_is_a_warning() {
        EnvironmentContext ctx = Contexts.of(DEV, List.of());
        assertThat(ctx.amis()).extracting(AmiFacts::architecture).containsExactly("amd64", "arm64");
        assertThat(ContextRules.warnings(DEV, Optional.of(ctx))).isEmpty();

        assertThat(ContextRules.warnings(DEV, Optional.of(withAmis(ctx, ctx.amis().subList(1, 2)))))
                .singleElement().asString().isEqualTo("dev-use1: the context does not say whether AMI release "
                        + "al2023@v20251016 exists for Kubernetes 1.34 and every pool's architecture, so a release AWS "
                        + "never published would leave every pool without nodes; run scripts/refresh.sh dev-use1, "
                        + "review the diff and commit it");
    }

    @Test
    void zone_ids_become_this_accounts_zone_names_and_names_are_checked_against_the_account() throws IOException {
        EnvironmentConfig env = load(stacks("ctx-zone-ids", zones("[use1-az4, use1-az6, use1-az1]"), c -> c));

        assertThat(env.availabilityZones()).containsExactly("us-east-1a", "us-east-1b", "us-east-1c");
        assertThat(load(stacks("ctx-zone-names", t -> t, c -> c)).availabilityZones())
                .containsExactly("us-east-1a", "us-east-1b", "us-east-1c");
    }

    @Test
    void an_unknown_or_unavailable_zone_or_a_zone_listed_twice_by_id_and_name_is_refused() throws IOException {
        assertThat(errors(stacks("ctx-zone-unknown-id", zones("[use1-az4, use1-az9, us-east-1c]"), c -> c)))
                .singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("availabilityZones[1]");
                    assertThat(e.problem()).isEqualTo("zone id 'use1-az9' is not a zone of us-east-1 in account "
                            + "314159265358");
                    assertThat(e.fix()).startsWith("use one of us-east-1a (use1-az4), us-east-1b (use1-az6)");
                });
        assertThat(errors(stacks("ctx-zone-unknown-name", t -> t, c -> new EnvironmentContext(c.environment(),
                c.account(), c.region(), c.zones().subList(0, 2), c.instanceTypes(), c.vpcRanges(),
                c.kubernetesVersion(), c.addons(), c.clusterVersions())))).singleElement()
                .satisfies(e -> assertThat(e.format()).contains("availabilityZones[2]: zone 'us-east-1c' is not an "
                        + "availability zone of account 314159265358 in us-east-1 (per the refresh step)"));
        assertThat(errors(stacks("ctx-zone-impaired", t -> t, c -> {
            List<ZoneFacts> z = new ArrayList<>(c.zones());
            z.set(1, new ZoneFacts("us-east-1b", "use1-az6", "impaired"));
            return new EnvironmentContext(c.environment(), c.account(), c.region(), z, c.instanceTypes(),
                    c.vpcRanges(), c.kubernetesVersion(), c.addons(), c.clusterVersions());
        }))).singleElement().satisfies(e -> assertThat(e.problem()).isEqualTo("zone us-east-1b (use1-az6) is "
                + "impaired, not available"));
        assertThat(errors(stacks("ctx-zone-twice", zones("[use1-az4, us-east-1a, us-east-1c]"), c -> c)))
                .singleElement().satisfies(e -> assertThat(e.problem()).isEqualTo("zone 'us-east-1a' is listed "
                        + "twice"));
    }

    @Test
    void default_and_latest_take_the_recorded_versions_and_a_pin_must_be_offered() throws IOException {
        AddonFacts cni = new AddonFacts("vpc-cni", "v1.20.4-eksbuild.1", "v1.21.1-eksbuild.3",
                List.of("v1.21.1-eksbuild.3", "v1.20.4-eksbuild.1"));
        EnvironmentConfig latest = load(stacks("ctx-addon-latest", t -> t.replace("vpc-cni: v1.20.4-eksbuild.1",
                "vpc-cni: latest").replace("coredns: v1.12.4-eksbuild.1", "coredns: default"),
                c -> withAddon(c, cni)));
        assertThat(latest.cluster().addonVersions()).containsEntry("vpc-cni", "v1.21.1-eksbuild.3")
                .containsEntry("coredns", "v1.12.4-eksbuild.1");

        assertThat(errors(stacks("ctx-addon-not-offered", t -> t.replace("vpc-cni: v1.20.4-eksbuild.1",
                "vpc-cni: v1.19.0-eksbuild.1"), c -> withAddon(c, cni)))).singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("cluster.addons.vpc-cni");
                    assertThat(e.problem()).isEqualTo("vpc-cni v1.19.0-eksbuild.1 is not offered for Kubernetes "
                            + "1.34 in us-east-1 (per the refresh step: default v1.20.4-eksbuild.1, newest "
                            + "v1.21.1-eksbuild.3)");
                    assertThat(e.fix()).isEqualTo("pin one of v1.21.1-eksbuild.3, v1.20.4-eksbuild.1, or write "
                            + "'default'");
                });
    }

    @Test
    void a_version_word_needs_versions_recorded_for_the_clusters_kubernetes_version() throws IOException {
        Path dir = stacks("ctx-addon-stale", t -> t.replace("coredns: v1.12.4-eksbuild.1", "coredns: default"),
                c -> new EnvironmentContext(c.environment(), c.account(), c.region(), c.zones(), c.instanceTypes(),
                        c.vpcRanges(), "1.33", c.addons(), c.clusterVersions()));

        assertThat(errors(dir)).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("cluster.addons.coredns");
            assertThat(e.problem()).endsWith("but the context lists add-on versions for Kubernetes 1.33, not 1.34");
            assertThat(e.fix()).startsWith("run scripts/refresh.sh dev-use1, review the diff and commit it");
        });
    }

    @Test
    void a_kubernetes_version_eks_does_not_offer_in_the_region_is_refused() throws IOException {
        Path dir = stacks("ctx-k8s-unoffered", t -> t, c -> withVersions(c,
                new ClusterVersionFacts("1.33", "STANDARD_SUPPORT", true, "", ""),
                new ClusterVersionFacts("1.32", "STANDARD_SUPPORT", false, "", "")));

        assertThat(errors(dir)).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("kubernetesVersion");
            assertThat(e.problem()).isEqualTo("EKS does not offer Kubernetes 1.34 in us-east-1 (per the refresh "
                    + "step: 1.33, 1.32)");
        });
    }

    @Test
    void a_context_recorded_for_another_account_or_region_is_refused() throws IOException {
        Path dir = stacks("ctx-foreign", t -> t, c -> new EnvironmentContext(c.environment(), "999999999999",
                c.region(), c.zones(), c.instanceTypes(), c.vpcRanges(), c.kubernetesVersion(), c.addons(),
                c.clusterVersions()));

        assertThat(errors(dir)).as("its facts are not used, so nothing else is reported").singleElement()
                .satisfies(e -> {
                    assertThat(e.file()).endsWith("ctx-foreign/dev-use1.yaml");
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.field()).isEqualTo("account");
                    assertThat(e.problem()).endsWith("ctx-foreign/context/dev-use1.json was recorded for account "
                            + "999999999999, us-east-1, but dev-use1 is in account 314159265358, us-east-1");
                });
    }

    @Test
    void an_instance_type_without_a_size_or_vcpus_in_the_context_is_a_located_error() throws IOException {
        Path dir = stacks("ctx-bad-type", t -> t, null);
        Files.createDirectories(dir.resolve("context"));
        Files.writeString(dir.resolve("context/dev-use1.json"), ContextFile.render(Contexts.of(DEV, List.of(),
                "m7g.large:arm64")).replace("\"m7g.large\"", "\"m7g\""));

        assertThat(errors(dir)).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("instanceTypes");
            assertThat(e.problem()).isEqualTo("the context file cannot be read: 'm7g' is not an instance type name "
                    + "such as m7g.large");
        });
    }

    @Test
    void an_invalid_kubernetes_version_with_a_version_word_gives_one_error() throws IOException {
        Path dir = stacks("ctx-bad-version", t -> t.replace("kubernetesVersion: \"1.34\"", "kubernetesVersion: \"1.99\"")
                .replace("coredns: v1.12.4-eksbuild.1", "coredns: default"), c -> c);

        assertThat(errors(dir)).extracting(ConfigError::field).containsExactly("kubernetesVersion");
    }

    @Test
    void warnings_say_what_is_unchecked_without_context_and_when_a_version_is_in_extended_support()
            throws IOException {
        assertThat(ContextRules.warnings(DEV, Optional.empty())).singleElement().asString()
                .startsWith("dev-use1: no " + FixtureSynthesis.STACKS + "/context/dev-use1.json, so zones, instance type offerings, add-on "
                        + "versions, the Kubernetes version, the AMI release and VPC ranges in use are not checked "
                        + "against AWS; run "
                        + "scripts/refresh.sh dev-use1");
        EnvironmentContext extended = withVersions(Contexts.of(DEV, List.of()), new ClusterVersionFacts("1.34",
                "EXTENDED_SUPPORT", false, "2026-12-02", "2027-12-02"));
        assertThat(ContextRules.warnings(DEV, Optional.of(extended))).containsExactly("dev-use1: Kubernetes 1.34 is "
                + "in extended support (extra cost) until 2027-12-02; plan the upgrade");
        assertThat(ContextRules.warnings(DEV, Optional.of(Contexts.of(DEV, List.of())))).isEmpty();
    }

    @Test
    void the_refresh_steps_view_takes_zone_ids_and_version_words_as_written_and_ignores_a_broken_context()
            throws IOException {
        Path dir = stacks("ctx-unchecked", zones("[use1-az4, use1-az6]").andThen(t -> t.replace(
                "vpc-cni: v1.20.4-eksbuild.1", "vpc-cni: default"))::apply, null);
        Files.createDirectories(dir.resolve("context"));
        Files.writeString(dir.resolve("context/dev-use1.json"), "{ broken");

        EnvironmentConfig env = EnvironmentLoader.loadDirectoryWithoutContext(dir).get(0);

        assertThat(env.availabilityZones()).containsExactly("use1-az4", "use1-az6");
        assertThat(env.cluster().addonVersions()).containsEntry("vpc-cni", "default");
        assertThatThrownBy(() -> EnvironmentLoader.loadDirectory(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("context/dev-use1.json: the context file cannot be read");
    }
}
