package dev.v6platform.validation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import software.amazon.awscdk.IPolicyValidationContext;
import software.amazon.awscdk.IPolicyValidationPlugin;
import software.amazon.awscdk.PolicyValidationPluginReport;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;

/**
 * {@link TemplateRules} as a CDK validation plugin: its findings join cdk-nag's and the registry schema's in the
 * validation report, fail synth, and can be acknowledged per construct with
 * {@code Validations.of(construct).acknowledge(...)} and a reason (id {@code v6-platform::<rule>}).
 *
 * <pre>{@code
 * Validations.of(app).addPlugins(new PlatformRulesPlugin());
 * }</pre>
 */
public final class PlatformRulesPlugin implements IPolicyValidationPlugin {
    public static final String NAME = "v6-platform";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getVersion() {
        return "1";
    }

    @Override
    public PolicyValidationPluginReport validate(IPolicyValidationContext context) {
        Map<String, List<PolicyViolatingResource>> byRule = new TreeMap<>();
        Map<String, Finding> first = new TreeMap<>();
        for (String templatePath : context.getTemplatePaths()) {
            Path file = Path.of(templatePath);
            for (Finding f : TemplateRules.check(read(file), size(file))) {
                byRule.computeIfAbsent(f.rule() + "|" + f.description(), k -> new ArrayList<>())
                        .add(PolicyViolatingResource.builder().resourceLogicalId(f.logicalId())
                                .templatePath(templatePath).locations(List.of("Resources." + f.logicalId())).build());
                first.putIfAbsent(f.rule() + "|" + f.description(), f);
            }
        }
        List<PolicyViolation> violations = new ArrayList<>();
        byRule.forEach((key, resources) -> {
            Finding f = first.get(key);
            violations.add(PolicyViolation.builder().ruleName(f.rule()).description(f.description()).fix(f.fix())
                    .severity("error").violatingResources(resources).build());
        });
        return PolicyValidationPluginReport.builder().success(violations.isEmpty()).violations(violations).build();
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path template) {
        try (InputStream in = Files.newInputStream(template)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
