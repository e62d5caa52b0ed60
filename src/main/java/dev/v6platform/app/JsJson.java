package dev.v6platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON as JavaScript's {@code JSON.stringify(value, undefined, indent)} does, which is how aws-cdk-lib writes
 * a cloud assembly's {@code manifest.json} (indent 2), {@code tree.json} (no indent) and validation report: the
 * assembly this app composes from cached parts reads like one the CDK wrote.
 *
 * <pre>{@code
 * String text = JsJson.stringify(node, 2);
 * }</pre>
 */
final class JsJson {
    private JsJson() {
    }

    /** {@code node} as text; {@code indent} 0 for one line. */
    static String stringify(JsonNode node, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, indent, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode node, int indent, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                sb.append(first ? "" : ",");
                first = false;
                newline(sb, indent, depth + 1);
                string(sb, field.getKey());
                sb.append(indent > 0 ? ": " : ":");
                write(sb, field.getValue(), indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                newline(sb, indent, depth + 1);
                write(sb, node.get(i), indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append(']');
        } else if (node.isTextual()) {
            string(sb, node.textValue());
        } else if (node.isIntegralNumber()) {
            sb.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            sb.append(number(node.decimalValue()));
        } else if (node.isBoolean()) {
            sb.append(node.booleanValue());
        } else {
            sb.append("null");
        }
    }

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent > 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    /** A non-integral number as JavaScript prints it: plain from 1e-6 up to 1e21, else with an exponent. */
    static String number(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        BigDecimal abs = v.abs();
        if (v.signum() == 0 || (abs.compareTo(new BigDecimal("1e-6")) >= 0
                && abs.compareTo(new BigDecimal("1e21")) < 0)) {
            return v.toPlainString();
        }
        String s = v.toString().replace("E", "e");
        return s.contains("e-") ? s : s.replace("e", "e+").replace("e++", "e+");
    }

    /** A string literal with JSON.stringify's escapes: quote, backslash, control characters, lone surrogates. */
    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length()
                            || !Character.isLowSurrogate(s.charAt(i + 1))
                            : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || lone) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
