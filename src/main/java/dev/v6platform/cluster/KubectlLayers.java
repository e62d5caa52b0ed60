package dev.v6platform.cluster;

import dev.v6platform.config.KubernetesVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awscdk.AssetHashType;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.s3.assets.AssetOptions;
import software.constructs.Construct;

/**
 * The kubectl and helm Lambda layer for a cluster's Kubernetes minor version, from the official
 * {@code @aws-cdk/lambda-layer-kubectl-v1NN} npm package that {@code package.json} pins (Maven Central carries
 * only v32, and kubectl supports one minor version of skew). The layer's zip is used as it ships; its asset hash is
 * the package's Dockerfile hash, as upstream computes it, so a synth does not hash 35 MB.
 */
public final class KubectlLayers {
    private KubectlLayers() {
    }

    /** Where {@code npm ci} put the layer for {@code version}. */
    public static Path packageDir(Path nodeModules, KubernetesVersion version) {
        return nodeModules.resolve("@aws-cdk/lambda-layer-kubectl-v" + version.minor());
    }

    /**
     * The layer for {@code version}.
     *
     * @throws IllegalStateException naming the missing file and the fix ({@code npm ci})
     */
    public static ILayerVersion forVersion(Construct scope, String id, KubernetesVersion version, Path nodeModules) {
        Path dir = packageDir(nodeModules, version);
        Path zip = dir.resolve("lib/layer.zip");
        Path dockerfile = dir.resolve("layer/Dockerfile");
        if (!Files.isRegularFile(zip) || !Files.isRegularFile(dockerfile)) {
            throw new IllegalStateException("the kubectl layer for Kubernetes " + version + " is missing at " + zip
                    + "; run 'npm ci' in the project root (package.json pins @aws-cdk/lambda-layer-kubectl-v"
                    + version.minor() + ")");
        }
        return LayerVersion.Builder.create(scope, id)
                .code(Code.fromAsset(zip.toString(), AssetOptions.builder()
                        .assetHashType(AssetHashType.CUSTOM).assetHash(sha256(dockerfile)).build()))
                .description("kubectl and helm for Kubernetes " + version)
                .build();
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
