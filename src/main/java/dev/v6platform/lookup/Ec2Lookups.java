package dev.v6platform.lookup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.DescribeAvailabilityZonesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;

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
        } catch (AwsServiceException e) {
            throw new LookupException(environment, "ec2:DescribeAvailabilityZones", e.awsErrorDetails() == null
                    ? e.getMessage() : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage(), e);
        } catch (SdkClientException e) {
            throw new LookupException(environment, "ec2:DescribeAvailabilityZones", e.getMessage(), e);
        }
    }
}
