package org.ghnas.surrogate.measure;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.json.ArchitectureJson;

/**
 * The measured ground truth of one sampled architecture: what it is (where it was sampled, its spec and size) and
 * its four surrogate targets (clean accuracy, noise robustness, inference latency, convergence speed) after the
 * config's SGD budget, plus the training figures needed to judge them.
 *
 * @param split              the set the net belongs to
 * @param samplerSeed        seed of the split's sampler stream
 * @param index              position of the net in that stream (0 = first sample)
 * @param spec               the architecture, at the config's channel count
 * @param params             parameter count on the dataset's input ({@code NetworkPlan.parameterCount})
 * @param macs               multiply-accumulates of one forward pass of one image ({@code NetworkPlan.macs})
 * @param nodes              nodes of the computational graph (the GHN's view of the net)
 * @param depth              nodes on the longest input-to-output path of that graph
 * @param cleanAccuracy      accuracy on the config's test images, BatchNorm on each batch of 64's statistics
 * @param noiseRobustness    the same accuracy with seeded Gaussian noise added in raw pixel space
 * @param inferenceLatencyMs median CPU time of the calling thread for one forward pass of a batch
 * @param inferenceWallMs    median wall time of the same passes (close to the CPU time when ops run single-threaded
 *                           on the calling thread and the core is not shared)
 * @param convergence        {@link ConvergenceSpeed#fraction()}: fraction of the budget to reach the threshold
 * @param converged          false when the net stayed near chance (convergence is then 1)
 * @param finalTrainAccuracy training accuracy at the end, smoothed over the convergence window
 * @param finalLoss          mean finite training loss over the last convergence window
 * @param trainingSeconds    wall time of the SGD run
 * @param imagesSeen         training images passed through the net
 * @param steps              SGD steps taken (skipped ones included)
 * @param skippedSteps       steps skipped because the loss was not finite
 * @param seconds            wall time of the whole measurement (training, evaluation, latency)
 * @param cpuSeconds         CPU time of the measuring thread over the same span (the cost of one net on an idle
 *                           core, whatever else the machine runs, when ND4J runs single-threaded)
 * @implNote Immutable value type.
 */
public record Measurement(Split split, long samplerSeed, int index, NetworkSpec spec, long params, long macs, int nodes,
                          int depth, double cleanAccuracy, double noiseRobustness, double inferenceLatencyMs,
                          double inferenceWallMs, double convergence, boolean converged, double finalTrainAccuracy,
                          double finalLoss, double trainingSeconds, long imagesSeen, int steps, int skippedSteps,
                          double seconds, double cpuSeconds) {

    /** The scalar columns of the CSV tables, in order; {@link #csvRow()} writes them. */
    public static final List<String> COLUMNS = List.of("split", "samplerSeed", "index", "params", "macs", "nodes",
            "depth", "cleanAccuracy", "noiseRobustness", "inferenceLatencyMs", "inferenceWallMs", "convergence",
            "converged", "finalTrainAccuracy", "finalLoss", "trainingSeconds", "imagesSeen", "steps", "skippedSteps",
            "seconds", "cpuSeconds");

    private static final List<String> KEYS = List.of("split", "samplerSeed", "index", "spec", "params", "macs",
            "nodes", "depth", "cleanAccuracy", "noiseRobustness", "inferenceLatencyMs", "inferenceWallMs",
            "convergence", "converged", "finalTrainAccuracy", "finalLoss", "trainingSeconds", "imagesSeen", "steps",
            "skippedSteps", "seconds", "cpuSeconds");

    /** Validates every field; messages name the field. */
    public Measurement {
        requireNonNull(split, "split");
        requireNonNull(spec, "spec");
        atLeast("index", index, 0);
        atLeast("params", params, 1);
        atLeast("macs", macs, 0);
        atLeast("nodes", nodes, 1);
        atLeast("depth", depth, 1);
        unit("cleanAccuracy", cleanAccuracy);
        unit("noiseRobustness", noiseRobustness);
        nonNegative("inferenceLatencyMs", inferenceLatencyMs);
        nonNegative("inferenceWallMs", inferenceWallMs);
        if (!(convergence > 0 && convergence <= 1)) {
            throw new IllegalArgumentException("convergence must be in (0, 1], but was " + convergence + ".");
        }
        unit("finalTrainAccuracy", finalTrainAccuracy);
        if (Double.isInfinite(finalLoss)) {
            throw new IllegalArgumentException("finalLoss must be finite or NaN, but was " + finalLoss + ".");
        }
        nonNegative("trainingSeconds", trainingSeconds);
        atLeast("imagesSeen", imagesSeen, 0);
        atLeast("steps", steps, 1);
        if (skippedSteps < 0 || skippedSteps > steps) {
            throw new IllegalArgumentException("skippedSteps must be in [0, steps=" + steps + "], but was "
                    + skippedSteps + ".");
        }
        nonNegative("seconds", seconds);
        nonNegative("cpuSeconds", cpuSeconds);
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", but was " + value + ".");
        }
    }

    private static void unit(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], but was " + value + ".");
        }
    }

    private static void nonNegative(String field, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, but was " + value + ".");
        }
    }

    /** The record as one JSON object (the spec as {@link ArchitectureJson} writes it); {@link #fromJson} reads it. */
    public ObjectNode toJson() {
        ObjectNode o = ArchitectureJson.mapper().createObjectNode();
        o.put("split", split.label()).put("samplerSeed", samplerSeed).put("index", index);
        o.set("spec", ArchitectureJson.toNode(spec));
        o.put("params", params).put("macs", macs).put("nodes", nodes).put("depth", depth)
                .put("cleanAccuracy", cleanAccuracy).put("noiseRobustness", noiseRobustness)
                .put("inferenceLatencyMs", inferenceLatencyMs).put("inferenceWallMs", inferenceWallMs)
                .put("convergence", convergence).put("converged", converged)
                .put("finalTrainAccuracy", finalTrainAccuracy);
        if (Double.isNaN(finalLoss)) {
            o.putNull("finalLoss");
        } else {
            o.put("finalLoss", finalLoss);
        }
        o.put("trainingSeconds", trainingSeconds).put("imagesSeen", imagesSeen).put("steps", steps)
                .put("skippedSteps", skippedSteps).put("seconds", seconds)
                .put("cpuSeconds", cpuSeconds);
        return o;
    }

    /**
     * Reads a record written by {@link #toJson()} strictly: every key present, no other key, every value of its
     * type and range.
     *
     * @throws IllegalArgumentException a one-line message naming the offending key
     */
    public static Measurement fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with keys " + String.join(", ", KEYS));
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(k + ": unknown key, expected one of " + String.join(", ", KEYS));
            }
        });
        for (String k : KEYS) {
            if (!node.has(k)) {
                throw new IllegalArgumentException(k + ": missing");
            }
        }
        JsonNode splitNode = node.get("split");
        if (!splitNode.isTextual()) {
            throw new IllegalArgumentException("split: must be train or test, but was " + splitNode);
        }
        Architecture arch;
        try {
            arch = ArchitectureJson.fromNode(node.get("spec"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spec: " + e.getMessage(), e);
        }
        if (!(arch instanceof NetworkSpec spec)) {
            throw new IllegalArgumentException("spec: must be a cell-based network spec, but was " + arch);
        }
        JsonNode loss = node.get("finalLoss");
        return new Measurement(Split.of(splitNode.asText()), longOf(node, "samplerSeed"), (int) intOf(node, "index"),
                spec, longOf(node, "params"), longOf(node, "macs"), (int) intOf(node, "nodes"),
                (int) intOf(node, "depth"), doubleOf(node, "cleanAccuracy"), doubleOf(node, "noiseRobustness"),
                doubleOf(node, "inferenceLatencyMs"), doubleOf(node, "inferenceWallMs"),
                doubleOf(node, "convergence"), boolOf(node, "converged"), doubleOf(node, "finalTrainAccuracy"),
                loss.isNull() ? Double.NaN : doubleOf(node, "finalLoss"), doubleOf(node, "trainingSeconds"),
                longOf(node, "imagesSeen"), (int) intOf(node, "steps"), (int) intOf(node, "skippedSteps"),
                doubleOf(node, "seconds"), doubleOf(node, "cpuSeconds"));
    }

    private static long longOf(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(key + ": must be an integer, but was " + v);
        }
        return v.asLong();
    }

    private static long intOf(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(key + ": must be a 32-bit integer, but was " + v);
        }
        return v.asInt();
    }

    private static double doubleOf(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(key + ": must be a number, but was " + v);
        }
        return v.asDouble();
    }

    private static boolean boolOf(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + ": must be true or false, but was " + v);
        }
        return v.asBoolean();
    }

    /** The {@link #COLUMNS} of this record as one CSV line (no newline). */
    public String csvRow() {
        return String.join(",", split.label(), Long.toString(samplerSeed), Integer.toString(index),
                Long.toString(params), Long.toString(macs), Integer.toString(nodes), Integer.toString(depth),
                num(cleanAccuracy), num(noiseRobustness), num(inferenceLatencyMs), num(inferenceWallMs),
                num(convergence), Boolean.toString(converged), num(finalTrainAccuracy), num(finalLoss),
                num(trainingSeconds), Long.toString(imagesSeen), Integer.toString(steps),
                Integer.toString(skippedSteps), num(seconds), num(cpuSeconds));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
