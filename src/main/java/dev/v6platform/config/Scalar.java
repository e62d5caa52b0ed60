package dev.v6platform.config;

/**
 * A scalar read from a configuration file, with where it came from.
 *
 * @param value the text of the scalar
 * @param line  1-based line of the scalar
 * @param field dotted path of the field it was read from
 */
public record Scalar(String value, int line, String field) {
}
