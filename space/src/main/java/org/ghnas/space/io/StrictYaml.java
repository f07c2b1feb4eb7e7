package org.ghnas.space.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * One mapping of a YAML (or JSON) config file, read strictly: an unknown key, a value of the wrong type or out of
 * range fails with a one-line {@code "FILE: path.to.field: message"}; a missing key takes the caller's default.
 *
 * <p>Every config the CLI reads (search experiments, measurement budgets, GHN training) goes through here, so that
 * they all reject the same mistakes with the same wording.
 *
 * <pre>{@code
 * StrictYaml root = StrictYaml.of(StrictYaml.read(file), file.toString(), "", List.of("seed", "sgd"));
 * long seed = root.longOf("seed", 1);
 * StrictYaml sgd = root.mapping("sgd", List.of("steps", "learningRate"));
 * int steps = sgd.intOf("steps", 60, 1, 1_000_000);    // "FILE: sgd.steps: 0 is out of range, expected 1..1000000."
 * }</pre>
 *
 * @implNote Immutable.
 */
public final class StrictYaml {

    private final JsonNode node;
    private final String source;
    private final String path;

    private StrictYaml(JsonNode node, String source, String path) {
        this.node = node;
        this.source = source;
        this.path = path;
    }

    /**
     * The YAML tree of {@code file} (an empty file gives a missing node, which {@link #of} reads as an empty mapping).
     *
     * @throws IllegalArgumentException {@code "FILE: no such file"}, {@code "FILE: cannot be read (...)"} or
     *                                  {@code "FILE: not valid YAML (...)"}
     */
    public static JsonNode read(Path file) {
        requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + firstLine(e.getMessage()) + ")");
        }
        return parse(text, file.toString());
    }

    /**
     * The YAML tree of {@code yaml}.
     *
     * @param source names the text in messages
     * @throws IllegalArgumentException {@code "SOURCE: not valid YAML (...)"}
     */
    public static JsonNode parse(String yaml, String source) {
        requireNonNull(yaml, "yaml");
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid YAML (" + firstLine(e.getOriginalMessage()) + ")");
        }
    }

    /**
     * The mapping at {@code node}, whose keys must all be {@code known}; a missing or null node reads as an empty
     * mapping.
     *
     * @param path the dotted path of {@code node} in the file ("" for the root), for messages
     * @throws IllegalArgumentException if the node is not a mapping or holds an unknown key
     */
    public static StrictYaml of(JsonNode node, String source, String path, List<String> known) {
        requireNonNull(source, "source");
        requireNonNull(path, "path");
        requireNonNull(known, "known");
        boolean absent = node == null || node.isNull() || node.isMissingNode();
        if (!absent) {
            if (!node.isObject()) {
                throw new IllegalArgumentException(source + ": " + (path.isEmpty() ? "(root)" : path)
                        + ": must be a mapping of key: value, but was " + kind(node) + ".");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    throw new IllegalArgumentException(source + ": " + join(path, key)
                            + ": unknown key, expected one of " + String.join(", ", known) + ".");
                }
            }
        }
        return new StrictYaml(absent ? null : node, source, path);
    }

    /** The mapping under {@code key}, read as {@link #of} does (empty when the key is missing). */
    public StrictYaml mapping(String key, List<String> known) {
        return of(child(key), source, path(key), known);
    }

    /** Whether the mapping sets {@code key} (to anything but null). */
    public boolean has(String key) {
        JsonNode v = child(key);
        return v != null && !v.isNull();
    }

    /** The raw value of {@code key}, or null when missing. */
    public JsonNode child(String key) {
        return node == null ? null : node.get(key);
    }

    /** The file or text this mapping came from, as messages name it. */
    public String source() {
        return source;
    }

    /** The dotted path of {@code key} in the file. */
    public String path(String key) {
        return join(path, key);
    }

    /** The one-line error for an invalid value of {@code key}: {@code "SOURCE: path.key: message"}. */
    public IllegalArgumentException invalid(String key, String message) {
        return new IllegalArgumentException(source + ": " + path(key) + ": " + message);
    }

    /** An integer; {@code fallback} when missing. */
    public long longOf(String key, long fallback) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(key, "must be an integer, but was " + v + ".");
        }
        return v.asLong();
    }

    /** An integer in {@code min..max}; {@code fallback} when missing. */
    public long longOf(String key, long fallback, long min, long max) {
        long l = longOf(key, fallback);
        if (child(key) != null && (l < min || l > max)) {
            throw invalid(key, l + " is out of range, expected " + range(min, max) + ".");
        }
        return l;
    }

    /** A 32-bit integer; {@code fallback} when missing. */
    public int intOf(String key, int fallback) {
        return intOf(key, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** An integer in {@code min..max}; {@code fallback} when missing. */
    public int intOf(String key, int fallback, int min, int max) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw invalid(key, "must be an integer, but was " + v + ".");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw invalid(key, i + " is out of range, expected " + range(min, max) + ".");
        }
        return i;
    }

    /** A number; {@code fallback} when missing. */
    public double doubleOf(String key, double fallback) {
        JsonNode v = child(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw invalid(key, "must be a number, but was " + v + ".");
        }
        return v.asDouble();
    }

    /** A number in {@code [min, max]}; {@code fallback} when missing. */
    public double doubleOf(String key, double fallback, double min, double max) {
        double d = doubleOf(key, fallback);
        if (child(key) != null && !(d >= min && d <= max)) {
            throw invalid(key, d + " is out of range, expected " + min + ".." + max + ".");
        }
        return d;
    }

    /** A non-blank string; {@code fallback} (which may be null) when missing or null. */
    public String stringOf(String key, String fallback) {
        JsonNode v = child(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw invalid(key, "must be a non-empty string, but was " + v + ".");
        }
        return v.asText();
    }

    /** The YAML kind of a node as messages name it: mapping, list, string, number, boolean or empty. */
    public static String kind(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "empty";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + node;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String range(long min, long max) {
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "an integer >= " + min;
        }
        return min + ".." + max;
    }

    private static String firstLine(String message) {
        return String.valueOf(message).lines().findFirst().orElse("").strip();
    }
}
