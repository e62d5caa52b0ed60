package dev.v6platform.lookup;

import dev.v6platform.config.AmiFacts;
import dev.v6platform.config.ZoneFacts;
import dev.v6platform.config.InstanceTypeFacts;
import dev.v6platform.config.UsedRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.DescribeAvailabilityZonesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypeOfferingsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.LocationType;
import software.amazon.awssdk.services.ec2.model.VpcCidrBlockAssociation;

/**
 * What the refresh step asks EC2, through the SDK's retries (throttling backs off) and timeouts. Every failure names
 * the environment, the API and AWS's error code and message.
 */
public final class Ec2Lookups {
    private final Ec2Client ec2;
    private final String environment;

    public Ec2Lookups(Ec2Client ec2, String environment) {
        this.ec2 = ec2;
        this.environment = environment;
    }

    /**
     * Every instance type offered in the region's availability zones, with its attributes, sorted by name; both
     * APIs are paginated, so every page is read.
     */
    public List<InstanceTypeFacts> instanceTypes() {
        Map<String, SortedSet<String>> zonesByType = new TreeMap<>();
        try {
            ec2.describeInstanceTypeOfferingsPaginator(DescribeInstanceTypeOfferingsRequest.builder()
                    .locationType(LocationType.AVAILABILITY_ZONE).build())
                    .instanceTypeOfferings().forEach(o -> zonesByType.computeIfAbsent(o.instanceTypeAsString(),
                            k -> new TreeSet<>()).add(o.location()));
        } catch (AwsServiceException | SdkClientException e) {
            throw failure("ec2:DescribeInstanceTypeOfferings", e);
        }
        List<InstanceTypeFacts> out = new ArrayList<>();
        try {
            ec2.describeInstanceTypesPaginator(DescribeInstanceTypesRequest.builder().build()).instanceTypes()
                    .forEach(t -> {
                        SortedSet<String> zones = zonesByType.get(t.instanceTypeAsString());
                        if (zones == null) {
                            return;
                        }
                        if (t.processorInfo() == null || t.vCpuInfo() == null || t.memoryInfo() == null
                                || t.networkInfo() == null) {
                            throw new LookupException(environment, "ec2:DescribeInstanceTypes", "instance type "
                                    + t.instanceTypeAsString() + " lacks its processor, vCPU, memory or network "
                                    + "information", null);
                        }
                        List<String> arch = t.processorInfo().supportedArchitecturesAsStrings();
                        out.add(new InstanceTypeFacts(t.instanceTypeAsString(),
                                arch.contains("arm64") ? "arm64" : "amd64",
                                t.hypervisorAsString() == null ? "" : t.hypervisorAsString(),
                                t.vCpuInfo().defaultVCpus(), t.memoryInfo().sizeInMiB(),
                                t.networkInfo().maximumNetworkInterfaces(),
                                t.networkInfo().ipv6AddressesPerInterface(), List.copyOf(zones)));
                    });
        } catch (AwsServiceException | SdkClientException e) {
            throw failure("ec2:DescribeInstanceTypes", e);
        }
        out.sort(Comparator.comparing(InstanceTypeFacts::name));
        return out;
    }

    /**
     * Every IPv4 block associated with a VPC of the account in the region (primary and secondary), sorted; VPCs
     * are read page by page.
     */
    public List<UsedRange> vpcRanges() {
        List<UsedRange> out = new ArrayList<>();
        try {
            ec2.describeVpcsPaginator(DescribeVpcsRequest.builder().build()).vpcs().forEach(v -> {
                boolean managed = v.tags().stream().anyMatch(t -> t.key().equals("v6-platform:managed-by"));
                for (VpcCidrBlockAssociation a : v.cidrBlockAssociationSet()) {
                    if (a.cidrBlockState() == null || a.cidrBlockState().stateAsString().equals("associated")) {
                        out.add(new UsedRange(a.cidrBlock(), v.vpcId(), managed));
                    }
                }
            });
        } catch (AwsServiceException | SdkClientException e) {
            throw failure("ec2:DescribeVpcs", e);
        }
        out.sort(Comparator.comparing(UsedRange::cidr).thenComparing(UsedRange::vpcId));
        return out;
    }

    /**
     * Whether Karpenter's AMI alias resolves, for each architecture, on {@code kubernetesVersion}: the Amazon-owned
     * image the release names (deprecated images included), one {@code DescribeImages} call read page by page.
     * Karpenter resolves the alias through the release's public SSM parameter, which names the same image. An alias
     * without a release to check ({@code @latest}) gives no facts.
     */
    public List<AmiFacts> amiReleases(String alias, String kubernetesVersion, List<String> architectures) {
        Map<String, String> names = new TreeMap<>();
        for (String arch : architectures) {
            AmiFacts.imageName(alias, kubernetesVersion, arch).ifPresent(n -> names.put(arch, n));
        }
        if (names.isEmpty()) {
            return List.of();
        }
        List<Image> images = new ArrayList<>();
        try {
            ec2.describeImagesPaginator(DescribeImagesRequest.builder().owners("amazon").includeDeprecated(true)
                    .filters(Filter.builder().name("name").values(List.copyOf(new TreeSet<>(names.values())))
                            .build())
                    .build()).images().forEach(images::add);
        } catch (AwsServiceException | SdkClientException e) {
            throw failure("ec2:DescribeImages", e);
        }
        List<AmiFacts> out = new ArrayList<>();
        names.forEach((arch, name) -> {
            Pattern pattern = Pattern.compile(
                    Pattern.quote(name).replace("*", "\\E.*\\Q"));
            String id = images.stream().filter(i -> i.name() != null && pattern.matcher(i.name()).matches())
                    .max(Comparator.comparing((Image i) -> String.valueOf(i.creationDate()))
                            .thenComparing(Image::imageId))
                    .map(Image::imageId).orElse("");
            out.add(new AmiFacts(alias, kubernetesVersion, arch, name, id));
        });
        return out;
    }

    private LookupException failure(String api, RuntimeException e) {
        return LookupException.of(environment, api, e);
    }

    /** The region's availability zones (not Local or Wavelength zones), sorted by name. */
    public List<ZoneFacts> availabilityZones() {
        try {
            List<ZoneFacts> zones = new ArrayList<>();
            for (AvailabilityZone z : ec2.describeAvailabilityZones(DescribeAvailabilityZonesRequest.builder()
                    .filters(Filter.builder().name("zone-type").values("availability-zone").build())
                    .build()).availabilityZones()) {
                zones.add(new ZoneFacts(z.zoneName(), z.zoneId(), z.stateAsString()));
            }
            zones.sort(Comparator.comparing(ZoneFacts::name));
            return zones;
        } catch (AwsServiceException | SdkClientException e) {
            throw failure("ec2:DescribeAvailabilityZones", e);
        }
    }
}
