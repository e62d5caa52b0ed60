package dev.v6platform.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.EnvironmentLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BuildxGuideTest {
    static final String GUIDE = BuildxGuide.markdown(EnvironmentLoader.loadFile(Path.of("stacks/dev-euw1.yaml")));

    @Test
    void the_remote_driver_appends_one_native_node_per_architecture() {
        assertThat(GUIDE).contains("docker buildx create --name v6-dev-euw1 --driver remote \\\n"
                + "  --driver-opt cacert=$PWD/certs/ca.pem,cert=$PWD/certs/cert.pem,key=$PWD/certs/key.pem,"
                + "servername=buildkitd-arm64.buildkit.svc.cluster.local \\\n"
                + "  --platform linux/arm64 \\\n"
                + "  tcp://buildkitd-arm64.buildkit.svc.cluster.local:1234\n"
                + "docker buildx create --append --name v6-dev-euw1 --driver remote \\\n");
        assertThat(GUIDE).contains("--platform linux/amd64 \\\n  tcp://buildkitd-amd64.buildkit.svc.cluster.local:1234");
    }

    @Test
    void the_kubernetes_driver_lands_on_the_tainted_pools_with_the_pinned_image() {
        assertThat(GUIDE).contains("--driver-opt nodeselector=v6-platform.dev/pool=buildkit-arm64",
                "--driver-opt '\"tolerations=key=v6-platform.dev/buildkit,value=amd64,effect=NoSchedule\"'",
                "image=moby/buildkit:v0.32.2-rootless", "docker buildx create --append --name v6-dev-euw1-k8s");
    }

    @Test
    void the_build_is_multi_platform_with_the_registry_cache_on_the_dual_stack_endpoint() {
        assertThat(GUIDE).contains("--platform linux/amd64,linux/arm64 \\\n",
                "--cache-to type=registry,ref=271828182845.dkr-ecr.eu-west-1.on.aws/v6-platform/dev-euw1/build-cache"
                        + ":$APP,mode=max,image-manifest=true,oci-mediatypes=true",
                "--endpoint-url https://ecr.eu-west-1.api.aws");
    }
}
