package dev.v6platform.buildkit;

import dev.v6platform.cluster.Ipv6Cluster;
import dev.v6platform.cluster.PlatformCluster;
import dev.v6platform.config.BuildkitSpec;
import java.util.List;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryEncryption;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.ecr.TagStatus;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * The registry cache of an environment's BuildKit fleet: an ECR repository ({@code --cache-to/--cache-from
 * type=registry}) encrypted with the environment's key, scanned on push, whose untagged images expire after a day
 * and whose cache images expire {@code cacheExpiryDays} after their last push; and a role that may push and pull
 * it and the {@code imageRepositories} the built images go to, associated through Pod Identity with every client
 * service account.
 *
 * <p>The role goes to the clients, not to buildkitd: BuildKit takes registry credentials from the client's session
 * ({@code docker login} on the client), never from its own pod. A client logs in through the dual-stack endpoints,
 * which IPv6 pods can reach: {@code aws ecr get-login-password --endpoint-url https://ecr.<region>.api.aws} for
 * the registry {@code <account>.dkr-ecr.<region>.on.aws}. EKS allows one Pod Identity association per service
 * account, so a client account must not have another.
 */
public final class BuildCache extends Construct {
    static final List<String> PUSH_PULL = List.of("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
            "ecr:UploadLayerPart");

    private final Repository repository;
    private final Role role;

    /** The build cache of {@code environment} for the clients of {@code cluster}, created here or imported. */
    public BuildCache(Construct scope, String id, String environment, BuildkitSpec spec, PlatformCluster cluster,
            IKey key) {
        super(scope, id);
        Stack stack = Stack.of(this);
        this.repository = Repository.Builder.create(this, "Repository")
                .repositoryName(repositoryName(environment))
                .encryption(RepositoryEncryption.KMS)
                .encryptionKey(key)
                .imageScanOnPush(true)
                .imageTagMutability(TagMutability.MUTABLE)
                .lifecycleRules(List.of(
                        LifecycleRule.builder().rulePriority(1).description("untagged layers of overwritten cache "
                                + "images").tagStatus(TagStatus.UNTAGGED).maxImageAge(Duration.days(1)).build(),
                        LifecycleRule.builder().rulePriority(2).description("cache images not pushed for "
                                + spec.cacheExpiryDays() + " days").tagStatus(TagStatus.ANY)
                                .maxImageAge(Duration.days(spec.cacheExpiryDays())).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(Ipv6Cluster.podIdentity(stack.getAccount()))
                .description("Pushes and pulls the BuildKit registry cache of " + environment + " (build clients)")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create().sid("PushPullBuildCache").effect(Effect.ALLOW)
                .actions(PUSH_PULL).resources(List.of(repository.getRepositoryArn())).build());
        if (!spec.imageRepositories().isEmpty()) {
            List<String> arns = spec.imageRepositories().stream().map(r -> "arn:" + stack.getPartition() + ":ecr:"
                    + stack.getRegion() + ":" + stack.getAccount() + ":repository/" + r).toList();
            role.addToPolicy(PolicyStatement.Builder.create().sid("PushPullImages").effect(Effect.ALLOW)
                    .actions(PUSH_PULL).resources(arns).build());
            Acknowledgment[] prefixes = arns.stream().filter(arn -> arn.endsWith("/*"))
                    .map(arn -> Acknowledgment.builder()
                            .id("AwsSolutions-IAM5[Resource::" + stack.resolve(arn) + "]")
                            .reason("buildkit.imageRepositories lists this prefix: the clients push built images to "
                                    + "any repository under it, in this account and region only")
                            .build()).toArray(Acknowledgment[]::new);
            if (prefixes.length > 0) {
                Validations.of(role).acknowledge(prefixes);
            }
        }
        role.addToPolicy(PolicyStatement.Builder.create().sid("RegistryLogin").effect(Effect.ALLOW)
                .actions(List.of("ecr:GetAuthorizationToken")).resources(List.of("*")).build());
        Validations.of(role).acknowledge(Acknowledgment.builder().id("AwsSolutions-IAM5[Resource::*]")
                .reason("ecr:GetAuthorizationToken supports no resource-level permissions; the token only lets the "
                        + "client reach repositories its policy allows, here the build cache")
                .build());
        int i = 0;
        for (BuildkitSpec.Client client : spec.clients()) {
            CfnPodIdentityAssociation association = CfnPodIdentityAssociation.Builder.create(this, "Client" + i++)
                    .clusterName(cluster.clusterName())
                    .namespace(client.namespace())
                    .serviceAccount(client.serviceAccount())
                    .roleArn(role.getRoleArn())
                    .build();
            cluster.podIdentityAgent().ifPresent(agent -> association.getNode().addDependency(agent));
        }
        CfnOutput.Builder.create(this, "RegistryCache")
                .description("BuildKit registry cache (dual-stack endpoint)")
                .value(registry(stack.getAccount(), stack.getRegion()) + "/" + repository.getRepositoryName())
                .build();
    }

    /** The repository name of an environment's cache. */
    public static String repositoryName(String environment) {
        return "v6-platform/" + environment + "/build-cache";
    }

    /** The dual-stack registry host, reachable over IPv6. */
    public static String registry(String account, String region) {
        return account + ".dkr-ecr." + region + ".on.aws";
    }

    public Repository repository() {
        return repository;
    }

    public Role role() {
        return role;
    }
}
