package dev.v6platform.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentLoader;
import dev.v6platform.testing.FixtureSynthesis;
import org.junit.jupiter.api.Test;

class BuildxGuideTest {
    static final String GUIDE = BuildxGuide.markdown(EnvironmentLoader.loadFile(FixtureSynthesis.STACKS.resolve("dev-euw1.yaml")));

    @Test
    void the_remote_driver_appends_one_native_node_per_architecture_through_the_router() {
        assertThat(GUIDE).contains("docker buildx create --name v6-dev-euw1 --driver remote \\\n"
                + "  --driver-opt cacert=$PWD/certs/ca.pem,cert=$PWD/certs/cert.pem,key=$PWD/certs/key.pem,"
                + "servername=$key.buildkitd-arm64.buildkit.svc.cluster.local \\\n"
                + "  --platform linux/arm64 \\\n"
                + "  tcp://buildkit-router.buildkit.svc.cluster.local:1234\n"
                + "docker buildx create --append --name v6-dev-euw1 --driver remote \\\n");
        assertThat(GUIDE).contains("servername=$key.buildkitd-amd64.buildkit.svc.cluster.local \\\n"
                + "  --platform linux/amd64 \\\n  tcp://buildkit-router.buildkit.svc.cluster.local:1234");
    }

    @Test
    void the_guides_key_command_gives_the_routers_key_for_a_repository() throws Exception {
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^key=(.*?)   #").matcher(GUIDE);
        assertThat(line.find()).isTrue();
        Process p = new ProcessBuilder("sh", "-c", "REPOSITORY=apps/web; key=" + line.group(1) + "; printf %s $key")
                .start();
        String key = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(key).isEqualTo(BuildRouter.key("apps/web")).matches("[0-9a-f]{16}");
    }

    @Test
    void the_kubernetes_driver_lands_on_the_tainted_pools_with_the_pinned_image() {
        assertThat(GUIDE).contains("limits.memory=16Gi,requests.ephemeral-storage=25Gi \\\n",
                "--driver-opt nodeselector=v6-platform.dev/pool=buildkit-arm64",
                "--driver-opt '\"tolerations=key=v6-platform.dev/buildkit,value=amd64,effect=NoSchedule\"'",
                "image=moby/buildkit:v0.32.2-rootless", "docker buildx create --append --name v6-dev-euw1-k8s");
    }

    @Test
    void the_build_is_multi_platform_with_the_registry_cache_on_the_dual_stack_endpoint() {
        String cache = "271828182845.dkr-ecr.eu-west-1.on.aws/v6-platform/dev-euw1/build-cache";
        assertThat(GUIDE).contains("--platform linux/amd64,linux/arm64 \\\n"
                + "  --cache-from type=registry,ref=" + cache + ":$APP-amd64 \\\n"
                + "  --cache-from type=registry,ref=" + cache + ":$APP-arm64 \\\n");
        assertThat(GUIDE).contains("--endpoint-url https://ecr.eu-west-1.api.aws");
    }

    @Test
    void each_platform_writes_its_own_cache_and_the_digests_join_into_one_image() {
        String cache = "271828182845.dkr-ecr.eu-west-1.on.aws/v6-platform/dev-euw1/build-cache";
        for (String arch : new String[] {"amd64", "arm64"}) {
            assertThat(GUIDE).contains("--platform linux/" + arch + " \\\n"
                    + "  --cache-from type=registry,ref=" + cache + ":$APP-" + arch + " \\\n"
                    + "  --cache-to type=registry,ref=" + cache + ":$APP-" + arch
                    + ",mode=max,image-manifest=true,oci-mediatypes=true \\\n"
                    + "  --output type=image,name=$IMAGE,push-by-digest=true,name-canonical=true,push=true \\\n"
                    + "  --metadata-file " + arch + ".json .");
        }
        assertThat(GUIDE).contains("docker buildx imagetools create --tag $IMAGE:$TAG \\\n"
                + "  \"$IMAGE@$(jq -r '.\"containerimage.digest\"' amd64.json)\"");
    }

    @Test
    void driver_builders_stay_on_their_nodes_through_consolidation() {
        assertThat(GUIDE).contains("annotations=karpenter.sh/do-not-disrupt=true");
    }}
