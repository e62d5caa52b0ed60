package dev.v6platform.lookup;

import dev.v6platform.config.AmiFacts;
import dev.v6platform.config.ZoneFacts;
import dev.v6platform.config.InstanceTypeFacts;
import dev.v6platform.config.UsedRange;
import dev.v6platform.config.AddonFacts;
import dev.v6platform.config.ClusterVersionFacts;
import dev.v6platform.config.ContextFile;
import dev.v6platform.config.EnvironmentContext;
import dev.v6platform.config.ClusterSpec;
import dev.v6platform.config.ConfigException;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.EnvironmentLoader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The refresh step: asks AWS about each environment (the SDK's default credential chain, the environment's region)
 * and writes {@code stacks/context/<environment>.json}. Synth never calls AWS; it reads these files.
 *
 * <pre>
 * java -cp target/classes:$(cat target/classpath) dev.v6platform.lookup.Refresh [--stacks DIR] [ENVIRONMENT...]
 * </pre>
 *
 * <p>Every environment is asked first; the files are written only if every call succeeded, so a failure leaves the
 * committed context as it was. {@code V6_AWS_ENDPOINT} points the clients at another endpoint (tests, proxies).
 */
public final class Refresh {
    private Refresh() {
    }

    public static void main(String[] args) {
        String endpoint = System.getenv("V6_AWS_ENDPOINT");
        System.exit(run(args, endpoint == null ? Optional.empty() : Optional.of(URI.create(endpoint)),
                Optional.empty(), System.err));
    }

    /**
     * The credentials must belong to the environment's account: otherwise another account's zones and VPCs would be
     * recorded as this one's.
     */
    static void checkAccount(StsClient sts, EnvironmentConfig env) {
        String account;
        try {
            account = sts.getCallerIdentity().account();
        } catch (AwsServiceException | SdkClientException e) {
            throw LookupException.of(env.name(), "sts:GetCallerIdentity", e);
        }
        if (!env.account().equals(account)) {
            throw new LookupException(env.name(), "sts:GetCallerIdentity", "the credentials belong to account "
                    + account + ", but " + env.name() + " is in account " + env.account() + "; use credentials for "
                    + env.account() + " (e.g. AWS_PROFILE) and refresh " + env.name() + " on its own", null);
        }
    }

    static final String USAGE = """
            usage: scripts/refresh.sh [--stacks DIR] [ENVIRONMENT...]
              Asks AWS (the SDK's default credentials, each environment's region) about each ENVIRONMENT (default:
              every environment in the stacks directory) and writes <stacks>/context/<environment>.json, only when
              every call succeeded. The credentials must belong to each environment's account: refresh one
              account's environments at a time (e.g. AWS_PROFILE=prod scripts/refresh.sh prod-use1).
              --stacks DIR   environment files (default: stacks)
              V6_AWS_ENDPOINT=URL   send every AWS call to URL (a test endpoint)
            Then review 'git diff stacks/context/', synth, and commit the context with the change.""";

    /** Runs the refresh; returns the exit code (0 done, 1 AWS failed, 2 bad input). */
    public static int run(String[] args, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials,
            PrintStream err) {
        Path stacks = Path.of("stacks");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                err.println(USAGE);
                return 0;
            } else if (args[i].equals("--stacks") && i + 1 < args.length) {
                stacks = Path.of(args[++i]);
            } else if (args[i].startsWith("-")) {
                err.println("error: unknown or incomplete argument '" + args[i] + "'\n" + USAGE);
                return 2;
            } else {
                names.add(args[i]);
            }
        }
        try {
            List<EnvironmentConfig> envs = EnvironmentLoader.loadDirectoryWithoutContext(stacks);
            List<String> known = envs.stream().map(EnvironmentConfig::name).toList();
            for (String n : names) {
                if (!known.contains(n)) {
                    err.println("error: no environment '" + n + "' in " + stacks + "; known: " + known);
                    return 2;
                }
            }
            Map<Path, String> files = new LinkedHashMap<>();
            for (EnvironmentConfig env : envs) {
                if (!names.isEmpty() && !names.contains(env.name())) {
                    continue;
                }
                try (StsClient sts = AwsClients.sts(env.region(), endpoint, credentials);
                        Ec2Client ec2 = AwsClients.ec2(env.region(), endpoint, credentials);
                        EksClient eks = AwsClients.eks(env.region(), endpoint, credentials)) {
                    checkAccount(sts, env);
                    Ec2Lookups lookups = new Ec2Lookups(ec2, env.name());
                    List<ZoneFacts> zones = lookups.availabilityZones();
                    List<InstanceTypeFacts> types = lookups.instanceTypes();
                    List<UsedRange> ranges = lookups.vpcRanges();
                    Set<String> addonNames = new TreeSet<>(ClusterSpec.CORE_ADDONS);
                    addonNames.add(ClusterSpec.EBS_CSI_ADDON);
                    addonNames.add(ClusterSpec.METRICS_SERVER_ADDON);
                    String version = env.kubernetesVersion().toString();
                    EksLookups eksLookups = new EksLookups(eks, env.name());
                    List<AddonFacts> addons = eksLookups.addonVersions(version, addonNames);
                    List<ClusterVersionFacts> versions = eksLookups.clusterVersions();
                    List<AmiFacts> amis = env.karpenter().map(k -> lookups.amiReleases(k.amiAlias(), version,
                            k.architectures()))
                            .orElse(List.of());
                    files.put(stacks.resolve(ContextFile.DIRECTORY).resolve(env.name() + ".json"),
                            ContextFile.render(new EnvironmentContext(env.name(), env.account(), env.region(), zones,
                                    types, ranges, version, addons, versions, amis)));
                }
            }
            ContextFile.writeAll(files);
            err.println("v6-platform: refreshed " + files.size() + " environment(s); review the diff of "
                    + stacks.resolve(ContextFile.DIRECTORY) + " and commit it");
            return 0;
        } catch (ConfigException e) {
            err.println("error: invalid configuration; nothing was written:");
            e.errors().forEach(p -> err.println("  " + p.format()));
            return 2;
        } catch (LookupException e) {
            err.println("error: " + e.getMessage() + "; nothing was written");
            return 1;
        }
    }
}
