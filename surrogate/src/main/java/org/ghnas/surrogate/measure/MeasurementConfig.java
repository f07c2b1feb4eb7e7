package org.ghnas.surrogate.measure;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ghnas.space.io.StrictYaml;
import org.ghnas.space.sample.Family;

/**
 * How the ground truth of the property surrogates is measured: which nets (two seeded sample streams, the
 * reference's val and test splits), how each is trained (a fixed SGD budget) and how its four properties are read
 * off (facts §5.2: clean accuracy, accuracy under noise, inference time, convergence speed).
 *
 * <p>The budget is far below the reference's (200 epochs on CIFAR-10, GPU): it is set so that one net costs about
 * half a minute on one core, which makes 500 nets a night's work on two cores; {@code experiments/measure.yaml}
 * records the measured cost. Loaded strictly from YAML ({@link #read(Path)}): unknown keys, wrong types and values
 * out of range fail with {@code FILE: field.path: message}; missing keys take the defaults.
 *
 * <pre>{@code
 * MeasurementConfig cfg = MeasurementConfig.read(Path.of("experiments/measure.yaml"));
 * cfg.split(Split.TRAIN).count();   // 250 nets from sampler seed 100
 * }</pre>
 *
 * @param dataset     dataset name: {@code fashion-mnist} or {@code cifar10}
 * @param channels    base channel count C of the sampled nets (even, &ge; 8)
 * @param family      the DeepNets-1M family the nets are drawn from
 * @param train       the stream of nets the surrogates are fitted on
 * @param test        the stream of nets they are scored on
 * @param sgd         the training budget and optimiser of every net
 * @param evaluation  how test accuracy and noise robustness are measured
 * @param latency     how inference latency is measured
 * @param convergence how convergence speed is read off the training curve
 * @implNote Immutable value type.
 */
public record MeasurementConfig(String dataset, int channels, Family family, SplitSampling train, SplitSampling test,
                                Sgd sgd, Evaluation evaluation, Latency latency, Convergence convergence) {

    private static final List<String> ROOT = List.of("dataset", "channels", "family", "splits", "sgd", "evaluation",
            "latency", "convergence");
    private static final List<String> DATASETS = List.of("fashion-mnist", "cifar10");

    /** Compact constructor that validates every field (messages name the field path). */
    public MeasurementConfig {
        requireNonNull(dataset, "dataset");
        requireNonNull(family, "family");
        requireNonNull(train, "train");
        requireNonNull(test, "test");
        requireNonNull(sgd, "sgd");
        requireNonNull(evaluation, "evaluation");
        requireNonNull(latency, "latency");
        requireNonNull(convergence, "convergence");
        if (!DATASETS.contains(dataset)) {
            throw new FieldException("dataset", "must be one of " + String.join(", ", DATASETS) + ", but was '"
                    + dataset + "'.");
        }
        if (channels < 8 || channels % 2 != 0) {
            throw new FieldException("channels", "must be an even integer >= 8, but was " + channels + ".");
        }
        if (convergence.window() > sgd.steps()) {
            throw new FieldException("convergence.window", "must be <= sgd.steps (" + sgd.steps() + "), but was "
                    + convergence.window() + ".");
        }
    }

    /**
     * Where the nets of one split come from: the first {@code count} nets of the sampler seeded with {@code seed}.
     *
     * @param seed  sampler seed
     * @param count number of nets (&ge; 1)
     */
    public record SplitSampling(long seed, int count) {
        /** Validates the count. */
        public SplitSampling {
            if (count < 1) {
                throw new FieldException("count", "must be >= 1, but was " + count + ".");
            }
        }
    }

    /**
     * The training run of every net: SGD with momentum and weight decay, learning rate on a cosine to 0 over
     * {@code steps} steps (the reference's optimiser; {@link org.ghnas.space.runtime.SgdTrainer}).
     *
     * @param steps        SGD steps per net
     * @param batchSize    images per step
     * @param learningRate initial learning rate
     * @param momentum     momentum in [0, 1)
     * @param weightDecay  L2 coefficient
     * @param seed         root of the per-net seeds (He init, shuffling, dropout), mixed with split and index
     */
    public record Sgd(int steps, int batchSize, double learningRate, double momentum, double weightDecay, long seed) {
        /** Validates every field. */
        public Sgd {
            if (steps < 1) {
                throw new FieldException("steps", "must be >= 1, but was " + steps + ".");
            }
            if (batchSize < 1) {
                throw new FieldException("batchSize", "must be >= 1, but was " + batchSize + ".");
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new FieldException("learningRate", "must be > 0 and finite, but was " + learningRate + ".");
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new FieldException("momentum", "must be in [0, 1), but was " + momentum + ".");
            }
            if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new FieldException("weightDecay", "must be >= 0 and finite, but was " + weightDecay + ".");
            }
        }
    }

    /**
     * Test-set evaluation: the first {@code testImages} test images, in batches of 64 with BatchNorm on each batch's
     * statistics (the reference's protocol), once clean and once with seeded Gaussian noise.
     *
     * @param testImages number of test images (the first ones of the test set)
     * @param noiseSigma noise standard deviation in raw [0, 1] pixel space, in [0, 1]
     * @param noiseSeed  seed of the noise (the same noise for every net)
     */
    public record Evaluation(int testImages, double noiseSigma, long noiseSeed) {
        /** Validates every field. */
        public Evaluation {
            if (testImages < 1) {
                throw new FieldException("testImages", "must be >= 1, but was " + testImages + ".");
            }
            if (!(noiseSigma >= 0 && noiseSigma <= 1)) {
                throw new FieldException("noiseSigma", "must be in [0, 1], but was " + noiseSigma + ".");
            }
        }
    }

    /**
     * Inference latency: {@code warmup} untimed then {@code runs} timed forward passes of one batch.
     *
     * @param batch  images per forward pass
     * @param warmup untimed passes first
     * @param runs   timed passes; the median is reported
     */
    public record Latency(int batch, int warmup, int runs) {
        /** Validates every field. */
        public Latency {
            if (batch < 1) {
                throw new FieldException("batch", "must be >= 1, but was " + batch + ".");
            }
            if (warmup < 0) {
                throw new FieldException("warmup", "must be >= 0, but was " + warmup + ".");
            }
            if (runs < 1) {
                throw new FieldException("runs", "must be >= 1, but was " + runs + ".");
            }
        }
    }

    /**
     * Convergence speed (see {@link ConvergenceSpeed}).
     *
     * @param threshold fraction of the final smoothed training accuracy to reach, in (0, 1]
     * @param window    steps of the trailing moving average
     */
    public record Convergence(double threshold, int window) {
        /** Validates every field. */
        public Convergence {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new FieldException("threshold", "must be in (0, 1], but was " + threshold + ".");
            }
            if (window < 1) {
                throw new FieldException("window", "must be >= 1, but was " + window + ".");
            }
        }
    }

    /**
     * Defaults, those of {@code experiments/measure.yaml}: Fashion-MNIST, C=8, ID nets; 250 + 250 nets; 60 SGD steps
     * of batch 64 (lr 0.05 cosine, momentum 0.9, wd 3e-4); 1000 test images, noise 0.08; latency of batch 64, 2
     * warm-up and 7 timed runs; convergence at 0.9 of the final accuracy smoothed over 10 steps.
     */
    public static MeasurementConfig defaults() {
        return new MeasurementConfig("fashion-mnist", 8, Family.ID, new SplitSampling(100, 250),
                new SplitSampling(200, 250), new Sgd(60, 64, 0.05, 0.9, 3e-4, 1), new Evaluation(1000, 0.08, 7),
                new Latency(64, 2, 7), new Convergence(0.9, 10));
    }

    /** The sampling settings of {@code split}. */
    public SplitSampling split(Split split) {
        requireSampled(split);
        return split == Split.TRAIN ? train : test;
    }

    private static void requireSampled(Split split) {
        if (!split.sampled()) {
            throw new IllegalArgumentException("split " + split.label() + " has no sampler settings");
        }
    }

    /** A copy with other sampling settings for {@code split}. */
    public MeasurementConfig withSplit(Split split, SplitSampling sampling) {
        requireSampled(split);
        return split == Split.TRAIN
                ? new MeasurementConfig(dataset, channels, family, sampling, test, sgd, evaluation, latency, convergence)
                : new MeasurementConfig(dataset, channels, family, train, sampling, sgd, evaluation, latency, convergence);
    }

    /** A copy with another training budget. */
    public MeasurementConfig withSgd(Sgd s) {
        return new MeasurementConfig(dataset, channels, family, train, test, s, evaluation, latency, convergence);
    }

    /** A copy with other evaluation settings. */
    public MeasurementConfig withEvaluation(Evaluation e) {
        return new MeasurementConfig(dataset, channels, family, train, test, sgd, e, latency, convergence);
    }

    /** A copy with other latency settings. */
    public MeasurementConfig withLatency(Latency l) {
        return new MeasurementConfig(dataset, channels, family, train, test, sgd, evaluation, l, convergence);
    }

    /** A copy with other convergence settings. */
    public MeasurementConfig withConvergence(Convergence c) {
        return new MeasurementConfig(dataset, channels, family, train, test, sgd, evaluation, latency, c);
    }

    /** The config as a nested JSON object, keys as in the YAML file. */
    public ObjectNode toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("dataset", dataset).put("channels", channels).put("family", family.name().toLowerCase(Locale.ROOT));
        ObjectNode splits = o.putObject("splits");
        splits.putObject("train").put("seed", train.seed()).put("count", train.count());
        splits.putObject("test").put("seed", test.seed()).put("count", test.count());
        o.putObject("sgd").put("steps", sgd.steps()).put("batchSize", sgd.batchSize())
                .put("learningRate", sgd.learningRate()).put("momentum", sgd.momentum())
                .put("weightDecay", sgd.weightDecay()).put("seed", sgd.seed());
        o.putObject("evaluation").put("testImages", evaluation.testImages()).put("noiseSigma", evaluation.noiseSigma())
                .put("noiseSeed", evaluation.noiseSeed());
        o.putObject("latency").put("batch", latency.batch()).put("warmup", latency.warmup()).put("runs", latency.runs());
        o.putObject("convergence").put("threshold", convergence.threshold()).put("window", convergence.window());
        return o;
    }

    /** The config as YAML text that {@link #read} reads back to an equal config. */
    public String toYaml() {
        StringBuilder sb = new StringBuilder();
        appendYaml(sb, toJson(), "");
        return sb.toString();
    }

    private static void appendYaml(StringBuilder sb, JsonNode node, String indent) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sb.append(indent).append(e.getKey()).append(':');
            if (e.getValue().isObject()) {
                sb.append('\n');
                appendYaml(sb, e.getValue(), indent + "  ");
            } else {
                sb.append(' ').append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())
                        .append('\n');
            }
        }
    }

    /**
     * The dotted paths of the fields whose values differ between this config and {@code other}, in file order.
     */
    public List<String> differences(MeasurementConfig other) {
        Map<String, JsonNode> a = flatten(toJson());
        Map<String, JsonNode> b = flatten(other.toJson());
        List<String> diff = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : a.entrySet()) {
            if (!e.getValue().equals(b.get(e.getKey()))) {
                diff.add(e.getKey());
            }
        }
        return diff;
    }

    private static Map<String, JsonNode> flatten(JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        flatten(node, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String path, Map<String, JsonNode> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
        } else {
            out.put(path, node);
        }
    }

    /**
     * Reads a YAML config file strictly.
     *
     * @throws IllegalArgumentException {@code "FILE: field.path: message"} for a missing file, invalid YAML, an
     *                                  unknown key, a wrong type or a value out of range
     */
    public static MeasurementConfig read(Path file) {
        return fromJson(StrictYaml.read(file), file.toString());
    }

    /**
     * Reads a config from a YAML/JSON object tree strictly; missing keys take the {@link #defaults()}.
     *
     * @param source names the file in messages
     * @throws IllegalArgumentException {@code "SOURCE: field.path: message"}
     */
    public static MeasurementConfig fromJson(JsonNode node, String source) {
        MeasurementConfig d = defaults();
        StrictYaml root = StrictYaml.of(node, source, "", ROOT);
        String familyName = root.stringOf("family", d.family.name().toLowerCase(Locale.ROOT));
        Family family;
        try {
            family = Family.valueOf(familyName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw root.invalid("family", "must be one of id, wide, deep, dense, bnfree, but was '" + familyName + "'.");
        }
        StrictYaml splits = root.mapping("splits", List.of("train", "test"));
        SplitSampling train = sampling(splits, "train", d.train);
        SplitSampling test = sampling(splits, "test", d.test);
        StrictYaml s = root.mapping("sgd",
                List.of("steps", "batchSize", "learningRate", "momentum", "weightDecay", "seed"));
        Sgd sgd = build(s, () -> new Sgd(s.intOf("steps", d.sgd.steps), s.intOf("batchSize", d.sgd.batchSize),
                s.doubleOf("learningRate", d.sgd.learningRate), s.doubleOf("momentum", d.sgd.momentum),
                s.doubleOf("weightDecay", d.sgd.weightDecay), s.longOf("seed", d.sgd.seed)));
        StrictYaml e = root.mapping("evaluation", List.of("testImages", "noiseSigma", "noiseSeed"));
        Evaluation evaluation = build(e, () -> new Evaluation(e.intOf("testImages", d.evaluation.testImages),
                e.doubleOf("noiseSigma", d.evaluation.noiseSigma), e.longOf("noiseSeed", d.evaluation.noiseSeed)));
        StrictYaml l = root.mapping("latency", List.of("batch", "warmup", "runs"));
        Latency latency = build(l, () -> new Latency(l.intOf("batch", d.latency.batch),
                l.intOf("warmup", d.latency.warmup), l.intOf("runs", d.latency.runs)));
        StrictYaml c = root.mapping("convergence", List.of("threshold", "window"));
        Convergence convergence = build(c, () -> new Convergence(c.doubleOf("threshold", d.convergence.threshold),
                c.intOf("window", d.convergence.window)));
        return build(root, () -> new MeasurementConfig(root.stringOf("dataset", d.dataset),
                root.intOf("channels", d.channels), family, train, test, sgd, evaluation, latency, convergence));
    }

    private static SplitSampling sampling(StrictYaml splits, String name, SplitSampling fallback) {
        StrictYaml f = splits.mapping(name, List.of("seed", "count"));
        return build(f, () -> new SplitSampling(f.longOf("seed", fallback.seed()), f.intOf("count", fallback.count())));
    }

    private static <T> T build(StrictYaml fields, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (FieldException e) {
            throw fields.invalid(e.field(), e.detail());
        }
    }

    /** A value that breaks its field's rule; the loader adds the file and the field's path. */
    static final class FieldException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;
        private final String detail;

        FieldException(String field, String detail) {
            super(field + " " + detail);
            this.field = field;
            this.detail = detail;
        }

        String field() {
            return field;
        }

        String detail() {
            return detail;
        }
    }
}
