package dev.v6platform.lookup;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The refresh step's SDK clients: the default credential chain (or the given provider), the environment's region,
 * the standard retry mode (throttling backs off; three attempts), a 10 s timeout per attempt and 60 s per call, and an
 * endpoint override only for tests and private endpoints.
 */
public final class AwsClients {
    static final ClientOverrideConfiguration OVERRIDES = ClientOverrideConfiguration.builder()
            .retryStrategy(RetryMode.STANDARD)
            .apiCallAttemptTimeout(Duration.ofSeconds(10))
            .apiCallTimeout(Duration.ofSeconds(60))
            .build();

    private AwsClients() {
    }

    public static Ec2Client ec2(String region, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials) {
        return configure(Ec2Client.builder(), region, endpoint, credentials).build();
    }

    public static StsClient sts(String region, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials) {
        return configure(StsClient.builder(), region, endpoint, credentials).build();
    }

    public static EksClient eks(String region, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials) {
        return configure(EksClient.builder(), region, endpoint, credentials).build();
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
            String region, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials) {
        builder.region(Region.of(region))
                .credentialsProvider(credentials.orElseGet(() -> DefaultCredentialsProvider.builder().build()))
                .overrideConfiguration(OVERRIDES)
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(10)).build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }
}
