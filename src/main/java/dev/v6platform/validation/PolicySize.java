package dev.v6platform.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.v6platform.config.AwsRegions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size IAM will count for a policy document of a synthesized template, before deploy: the document as compact
 * JSON without white space (IAM does not count white space), with every intrinsic function replaced by the longest
 * value it can take. A managed policy may hold {@value #MANAGED_POLICY_LIMIT} such characters; a deploy above it
 * fails with {@code LimitExceeded}.
 *
 * <table>
 *   <caption>Worst cases</caption>
 *   <tr><td>{@code AWS::Region}</td><td>the longest known region name</td></tr>
 *   <tr><td>{@code AWS::Partition}</td><td>{@value #LONGEST_PARTITION}</td></tr>
 *   <tr><td>{@code AWS::AccountId}</td><td>12 digits</td></tr>
 *   <tr><td>{@code AWS::URLSuffix}</td><td>{@code amazonaws.com.cn}</td></tr>
 *   <tr><td>a resource's {@code Arn} (or a Ref that is one)</td><td>{@code arn:<partition>:<service>:<region>:
 *       <account>:} and its literal name, or {@value #UNKNOWN_NAME} characters when the name is generated</td></tr>
 *   <tr><td>anything else</td><td>{@value #UNKNOWN_VALUE} characters</td></tr>
 * </table>
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html">IAM quotas</a>
 */
public final class PolicySize {
    /** IAM's limit on a managed policy, in characters without white space. */
    public static final int MANAGED_POLICY_LIMIT = 6_144;
    static final String LONGEST_PARTITION = "aws-us-gov";
    static final int UNKNOWN_NAME = 64;
    static final int UNKNOWN_VALUE = 128;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LONGEST_REGION = AwsRegions.KNOWN.stream()
            .max(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())).orElseThrow();
    /** Name properties and ARN prefixes of the resource types policies commonly point at. */
    private static final Map<String, String[]> ARNS = new LinkedHashMap<>();

    static {
        ARNS.put("AWS::IAM::Role", new String[] {"RoleName", "iam::ACCOUNT:role/"});
        ARNS.put("AWS::IAM::ManagedPolicy", new String[] {"ManagedPolicyName", "iam::ACCOUNT:policy/"});
        ARNS.put("AWS::SQS::Queue", new String[] {"QueueName", "sqs:REGION:ACCOUNT:"});
        ARNS.put("AWS::SNS::Topic", new String[] {"TopicName", "sns:REGION:ACCOUNT:"});
        ARNS.put("AWS::Logs::LogGroup", new String[] {"LogGroupName", "logs:REGION:ACCOUNT:log-group:"});
        ARNS.put("AWS::EKS::Cluster", new String[] {"Name", "eks:REGION:ACCOUNT:cluster/"});
        ARNS.put("AWS::KMS::Key", new String[] {"", "kms:REGION:ACCOUNT:key/"});
        ARNS.put("AWS::APS::Workspace", new String[] {"", "aps:REGION:ACCOUNT:workspace/"});
    }

    private PolicySize() {
    }

    /** The characters IAM counts for {@code document} in the worst case, resolving against {@code resources}. */
    public static int worstCase(Object document, Map<String, Map<String, Object>> resources) {
        Object resolved = resolve(document, resources);
        String json;
        try {
            json = JSON.writeValueAsString(resolved);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy document cannot be written as JSON", e);
        }
        int count = 0;
        for (int i = 0; i < json.length(); i++) {
            if (!Character.isWhitespace(json.charAt(i))) {
                count++;
            }
        }
        return count;
    }

    private static Object resolve(Object value, Map<String, Map<String, Object>> resources) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(resolve(v, resources)));
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        if (map.size() == 1) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            String key = String.valueOf(only.getKey());
            if (key.equals("Ref") || key.startsWith("Fn::")) {
                return intrinsic(key, only.getValue(), resources);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), resolve(v, resources)));
        return out;
    }

    private static String intrinsic(String function, Object argument, Map<String, Map<String, Object>> resources) {
        switch (function) {
            case "Ref" -> {
                return ref(String.valueOf(argument), resources);
            }
            case "Fn::GetAtt" -> {
                List<?> parts = argument instanceof List<?> l ? l : List.of(String.valueOf(argument).split("\\.", 2));
                String attribute = parts.size() > 1 ? String.valueOf(parts.get(1)) : "";
                return attribute.equals("Arn") ? arn(String.valueOf(parts.get(0)), resources)
                        : "x".repeat(UNKNOWN_VALUE);
            }
            case "Fn::Join" -> {
                List<?> parts = (List<?>) argument;
                List<String> joined = new ArrayList<>();
                for (Object p : (List<?>) parts.get(1)) {
                    joined.add(text(resolve(p, resources)));
                }
                return String.join(String.valueOf(parts.get(0)), joined);
            }
            case "Fn::Sub" -> {
                String template = String.valueOf(argument instanceof List<?> l ? l.get(0) : argument);
                StringBuilder out = new StringBuilder();
                Matcher m = Pattern.compile("\\$\\{([^}!]+)}").matcher(template);
                while (m.find()) {
                    String name = m.group(1);
                    String replacement = name.contains(".") ? intrinsic("Fn::GetAtt", name, resources)
                            : ref(name, resources);
                    m.appendReplacement(out, Matcher.quoteReplacement(replacement));
                }
                m.appendTail(out);
                return out.toString();
            }
            case "Fn::If" -> {
                List<?> parts = (List<?>) argument;
                String a = text(resolve(parts.get(1), resources));
                String b = text(resolve(parts.get(2), resources));
                return a.length() >= b.length() ? a : b;
            }
            default -> {
                return "x".repeat(UNKNOWN_VALUE);
            }
        }
    }

    private static String text(Object resolved) {
        return resolved instanceof String s ? s : String.valueOf(resolved);
    }

    private static String ref(String name, Map<String, Map<String, Object>> resources) {
        return switch (name) {
            case "AWS::Region" -> LONGEST_REGION;
            case "AWS::Partition" -> LONGEST_PARTITION;
            case "AWS::AccountId" -> "123456789012";
            case "AWS::URLSuffix" -> "amazonaws.com.cn";
            case "AWS::StackName" -> "x".repeat(UNKNOWN_VALUE);
            default -> {
                Map<String, Object> r = resources.get(name);
                String type = r == null ? "" : String.valueOf(r.get("Type"));
                // a managed policy's and a queue's Ref is their ARN or URL; others are names or ids
                yield type.equals("AWS::IAM::ManagedPolicy") || type.equals("AWS::SNS::Topic") ? arn(name, resources)
                        : "x".repeat(UNKNOWN_VALUE);
            }
        };
    }

    private static String arn(String logicalId, Map<String, Map<String, Object>> resources) {
        Map<String, Object> r = resources.getOrDefault(logicalId, Map.of());
        String[] shape = ARNS.get(String.valueOf(r.get("Type")));
        if (shape == null) {
            return "arn:" + LONGEST_PARTITION + ":" + "x".repeat(UNKNOWN_VALUE);
        }
        Object name = TemplateRules.props(r).get(shape[0]);
        String literal = name instanceof String s ? s : "x".repeat(UNKNOWN_NAME);
        return "arn:" + LONGEST_PARTITION + ":" + shape[1].replace("REGION", LONGEST_REGION)
                .replace("ACCOUNT", "123456789012") + literal;
    }
}
