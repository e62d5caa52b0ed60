package dev.v6platform.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class BuildCacheTest {
    static final Template PROD = FixtureSynthesis.usEast().prod();

    @Test
    void the_cache_repository_is_encrypted_scanned_and_expires_stale_cache() {
        PROD.hasResourceProperties("AWS::ECR::Repository", Match.objectLike(Map.of(
                "RepositoryName", "v6-platform/prod-use1/build-cache",
                "ImageScanningConfiguration", Map.of("ScanOnPush", true),
                "EncryptionConfiguration", Map.of("EncryptionType", "KMS", "KmsKey", Map.of("Fn::GetAtt",
                        List.of(Match.stringLikeRegexp("^PlatformKey"), "Arn"))),
                "LifecyclePolicy", Map.of("LifecyclePolicyText", Match.serializedJson(Map.of("rules", List.of(
                        Match.objectLike(Map.of("rulePriority", 1, "selection", Map.of("tagStatus", "untagged",
                                "countType", "sinceImagePushed", "countUnit", "days", "countNumber", 1))),
                        Match.objectLike(Map.of("rulePriority", 2, "selection", Map.of("tagStatus", "any",
                                "countType", "sinceImagePushed", "countUnit", "days", "countNumber", 30))))))))));
    }

    @Test
    void every_client_service_account_gets_the_push_pull_role_through_pod_identity() {
        Map<String, Map<String, Object>> associations = PROD.findResources("AWS::EKS::PodIdentityAssociation",
                Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("RoleArn", Map.of("Fn::GetAtt",
                        List.of(Match.stringLikeRegexp("^BuildCacheRole"), "Arn")))))));
        assertThat(associations.values()).extracting(r -> ((Map<?, ?>) r.get("Properties")).get("Namespace") + "/"
                + ((Map<?, ?>) r.get("Properties")).get("ServiceAccount"))
                .containsExactlyInAnyOrder("ci/buildx", "ci-release/release-builder");
        PROD.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument", Map.of(
                "Version", "2012-10-17", "Statement", List.of(
                        Map.of("Sid", "PushPullBuildCache", "Effect", "Allow", "Action", BuildCache.PUSH_PULL,
                                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(
                                        "^BuildCacheRepository"), "Arn"))),
                        Map.of("Sid", "PushPullImages", "Effect", "Allow", "Action", BuildCache.PUSH_PULL,
                                "Resource", "arn:aws:ecr:us-east-1:314159265358:repository/apps/*"),
                        Map.of("Sid", "RegistryLogin", "Effect", "Allow", "Action", "ecr:GetAuthorizationToken",
                                "Resource", "*"))))));
    }

    @Test
    void cdk_deploy_applies_the_fleet_after_its_namespace() {
        PROD.hasResource("Custom::AWSCDK-EKS-KubernetesResource", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Manifest", Match.stringLikeRegexp(
                        ".*\"kind\":\"StatefulSet\".*\"name\":\"buildkitd-arm64\".*"))),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("^ClusterManifestnamespaces"))))));
    }

    @Test
    void the_registry_is_announced_on_the_dual_stack_endpoint() {
        assertThat(PROD.findOutputs("*").toString()).contains("314159265358.dkr-ecr.us-east-1.on.aws/");
    }
}
