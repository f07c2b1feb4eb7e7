package org.ghnas.surrogate.measure;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads one mapping of a YAML/JSON tree strictly: unknown keys and wrong types fail with
 * {@code "SOURCE: path.field: message"}, missing keys take the caller's default.
 */
final class StrictFields {
    private final JsonNode node;
    private final String source;
    private final String path;

    private StrictFields(JsonNode node, String source, String path) {
        this.node = node;
        this.source = source;
        this.path = path;
    }

    /**
     * The mapping at {@code node} (a missing or null node reads as an empty mapping).
     *
     * @param path  the dotted path of {@code node} ("" for the root)
     * @param known the keys it may hold
     */
    static StrictFields of(JsonNode node, String source, String path, List<String> known) {
        if (node != null && !node.isNull() && !node.isMissingNode()) {
            if (!node.isObject()) {
                throw new IllegalArgumentException(source + ": " + (path.isEmpty() ? "(root)" : path)
                        + ": must be a mapping of field: value, but was " + node.getNodeType().toString().toLowerCase()
                        + ".");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                String key = it.next().getKey();
                if (!known.contains(key)) {
                    throw new IllegalArgumentException(source + ": " + join(path, key) + ": unknown key, expected one of "
                            + String.join(", ", known) + ".");
                }
            }
        }
        return new StrictFields(node == null || node.isNull() ? null : node, source, path);
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The error for an invalid value of {@code key}, in the file:field form. */
    IllegalArgumentException invalid(String key, String message) {
        return new IllegalArgumentException(source + ": " + join(path, key) + ": " + message);
    }

    String source() {
        return source;
    }

    String path(String key) {
        return join(path, key);
    }

    JsonNode child(String key) {
        return node == null ? null : node.get(key);
    }

    long longOf(String key, long fallback) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(key, "must be an integer, but was " + v + ".");
        }
        return v.asLong();
    }

    int intOf(String key, int fallback) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw invalid(key, "must be a 32-bit integer, but was " + v + ".");
        }
        return v.asInt();
    }

    double doubleOf(String key, double fallback) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw invalid(key, "must be a number, but was " + v + ".");
        }
        return v.asDouble();
    }

    String stringOf(String key, String fallback) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw invalid(key, "must be a string, but was " + v + ".");
        }
        return v.asText();
    }
}
