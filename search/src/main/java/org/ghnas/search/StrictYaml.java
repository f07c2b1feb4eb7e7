package org.ghnas.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads typed values out of a YAML tree and fails with {@code FILE: field.path: message} on unknown keys, wrong
 * types and missing required values.
 */
final class StrictYaml {

    private final String source;

    StrictYaml(String source) {
        this.source = source;
    }

    IllegalArgumentException error(String path, String message) {
        return new IllegalArgumentException(source + ": " + (path.isEmpty() ? "(root)" : path) + ": " + message);
    }

    /** Checks that {@code node} is a mapping whose keys are all in {@code allowed}. */
    JsonNode mapping(JsonNode node, String path, List<String> allowed) {
        if (node == null || !node.isObject()) {
            throw error(path, "must be a mapping of key: value, but was " + kind(node) + ".");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw error(join(path, key), "unknown key, expected one of " + String.join(", ", allowed) + ".");
            }
        }
        return node;
    }

    JsonNode optionalMapping(JsonNode parent, String path, String key, List<String> allowed) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        return mapping(v, join(path, key), allowed);
    }

    long longOf(JsonNode parent, String path, String key, long fallback) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(join(path, key), "must be an integer, but was " + v + ".");
        }
        return v.asLong();
    }

    int intOf(JsonNode parent, String path, String key, int fallback, int min, int max) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(join(path, key), "must be an integer, but was " + v + ".");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw error(join(path, key), i + " is out of range, expected " + min + ".." + max + ".");
        }
        return i;
    }

    double doubleOf(JsonNode parent, String path, String key, double fallback, double min, double max) {
        JsonNode v = parent.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw error(join(path, key), "must be a number, but was " + v + ".");
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw error(join(path, key), d + " is out of range, expected " + min + ".." + max + ".");
        }
        return d;
    }

    String stringOf(JsonNode parent, String path, String key, String fallback) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull() && fallback == null) {
            return fallback;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw error(join(path, key), "must be a non-empty string, but was " + v + ".");
        }
        return v.asText();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String kind(JsonNode node) {
        return node == null || node.isMissingNode() ? "empty" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
