package dev.v6platform.validation;

import java.util.List;
import java.util.function.ObjLongConsumer;
import software.amazon.awscdk.IPolicyValidationContext;
import software.amazon.awscdk.IPolicyValidationPlugin;
import software.amazon.awscdk.PolicyValidationPluginReport;

/** A validation plugin whose {@code validate} time is reported, for the benchmark's breakdown. */
public final class TimedPlugin implements IPolicyValidationPlugin {
    private final IPolicyValidationPlugin delegate;
    private final ObjLongConsumer<String> report;

    /** Wraps {@code delegate}; {@code report} receives its name and the nanoseconds each validation took. */
    public TimedPlugin(IPolicyValidationPlugin delegate, ObjLongConsumer<String> report) {
        this.delegate = delegate;
        this.report = report;
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    @Override
    public String getVersion() {
        return delegate.getVersion();
    }

    @Override
    public List<String> getRuleIds() {
        return delegate.getRuleIds();
    }

    @Override
    public PolicyValidationPluginReport validate(IPolicyValidationContext context) {
        long start = System.nanoTime();
        try {
            return delegate.validate(context);
        } finally {
            report.accept(delegate.getName(), System.nanoTime() - start);
        }
    }
}
