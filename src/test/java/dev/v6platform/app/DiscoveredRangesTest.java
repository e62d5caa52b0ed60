package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.v6platform.config.AddressRange;
import dev.v6platform.config.EnvironmentConfig;
import dev.v6platform.config.UsedRange;
import dev.v6platform.network.plan.LockFile;
import dev.v6platform.testing.Contexts;
import dev.v6platform.testing.FixtureSynthesis;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which VPC blocks the refresh step found become used space for the planner. */
class DiscoveredRangesTest {
    @Test
    void other_vpcs_and_platform_vpcs_this_lock_does_not_hold_are_used_space_once_each() {
        EnvironmentConfig dev = Contexts.sample("dev-use1");
        EnvironmentConfig prod = Contexts.sample("prod-use1");
        List<UsedRange> vpcs = List.of(new UsedRange("10.208.0.0/20", "vpc-ours", true),
                new UsedRange("10.209.0.0/20", "vpc-released", true),
                new UsedRange("10.16.0.0/16", "vpc-legacy", false));

        List<AddressRange> ranges = Main.discoveredRanges(List.of(dev, prod), Map.of(
                "dev-use1", Optional.of(Contexts.of(dev, vpcs)), "prod-use1", Optional.of(Contexts.of(prod, vpcs))),
                LockFile.read(FixtureSynthesis.STACKS.resolve("address-plan.lock.yaml")));

        assertThat(ranges).extracting(r -> r.cidr() + " " + r.note()).containsExactly(
                "10.16.0.0/16 VPC vpc-legacy of account 314159265358 in us-east-1",
                "10.209.0.0/20 VPC vpc-released of account 314159265358 in us-east-1, tagged "
                        + "v6-platform:managed-by but not in this lock");
    }
}
