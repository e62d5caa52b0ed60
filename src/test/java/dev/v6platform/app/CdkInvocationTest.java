package dev.v6platform.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CDK CLI's command line as the app reads it from its ancestors. */
class CdkInvocationTest {
    static final String CDK = "/p/node_modules/aws-cdk/bin/cdk";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            node CDK synth -q                              | synth  | []                   | true
            node CDK synth v6-dev-use1                     | synth  | [v6-dev-use1]        | true
            node CDK -c a=b --app 'x y' deploy v6-dev-*    | deploy | [v6-dev-*]           | true
            node CDK ls                                    | ls     | []                   | false
            node CDK list --long                           | list   | []                   | false
            node CDK diff --template t.json v6-prod-use1   | diff   | [v6-prod-use1]       | false
            node CDK --profile p diff -e v6-a v6-b         | diff   | [v6-a, v6-b]         | false
            /usr/bin/cdk destroy --force v6-a              | destroy | [v6-a]              | false
            node CDK synth --all                           | synth  | []                   | true
            """)
    void reads_the_command_and_stack_selectors(String line, String command, String selectors, boolean writes) {
        List<String> argv = List.of(line.replace("CDK", CDK).replace("'x y'", "x_y").split(" "));

        CdkInvocation parsed = CdkInvocation.parse(argv).orElseThrow();

        assertThat(parsed.command()).isEqualTo(command);
        assertThat(parsed.selectors().toString()).isEqualTo(selectors);
        assertThat(parsed.writesLock()).isEqualTo(writes);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            java -cp x dev.v6platform.app.Main
            bash scripts/app.sh --stacks stacks
            node /p/node_modules/other/bin/cdk-like synth
            node CDK
            """)
    void a_process_that_is_not_the_cdk_cli_with_a_command_is_not_read(String line) {
        assertThat(CdkInvocation.parse(List.of(line.replace("CDK", CDK).split(" ")))).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "{0} selects {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            v6-dev-use1   | v6-dev-use1  | true
            v6-dev-use1   | v6-prod-use1 | false
            v6-dev-*      | v6-dev-euw1  | true
            v6-*-use1     | v6-dev-euw1  | false
            v6-dev.use1   | v6-dev-use1  | false
            """)
    void stack_patterns_match_as_the_cli_matches_them(String selector, String stack, boolean selected) {
        assertThat(new CdkInvocation("synth", List.of(selector), false).selects(stack)).isEqualTo(selected);
        assertThat(new CdkInvocation("synth", List.of(selector), true).selects(stack)).isTrue();
    }
}
