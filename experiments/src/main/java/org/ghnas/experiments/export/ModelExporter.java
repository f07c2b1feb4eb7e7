package org.ghnas.experiments.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.space.Architecture;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
import org.ghnas.space.runtime.BatchNormStatistics;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.Workspaces;
import org.ghnas.surrogate.Property;
import org.ghnas.surrogate.PropertyEstimate;
import org.ghnas.surrogate.PropertyPrediction;
import org.ghnas.surrogate.PropertyPredictor;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exports architectures with their GHN-predicted parameters as files that run without ghnas: a SameDiff FlatBuffers
 * model (plain ND4J), an ONNX model (any ONNX runtime), the spec and the predicted-parameters file (for ghnas's own
 * tools), and a manifest of what was measured.
 *
 * <p>The GHN predicts no BatchNorm running statistics (the reference evaluates on batch statistics), so the export
 * calibrates them on {@link Builder#calibrationImages} training images drawn with {@link Builder#calibrationSeed},
 * in batches of {@value #BATCH}; the exported models are then pure inference graphs. The test accuracy in the
 * manifest is measured through the exported SameDiff file, read back, on the first {@link Builder#testImages} test
 * images.
 *
 * <pre>{@code
 * ModelExporter exporter = ModelExporter.builder(GraphHyperNetwork.pretrained(), Datasets.open(null, null))
 *         .calibrationImages(640).testImages(10_000).build();
 * ExportedModel m = exporter.export(spec, Path.of("export", ModelExporter.directoryName(0, spec)), null);
 * m.testAccuracy();
 * }</pre>
 *
 * <p>Each architecture's directory is written as a whole: into a temporary sibling, then renamed into place.
 */
public final class ModelExporter {

    /** The spec, as {@code ArchitectureJson} writes it. */
    public static final String SPEC = "spec.json";
    /** The GHN-predicted parameters, as {@code PredictedParameters.write} writes them. */
    public static final String PARAMETERS = "parameters.ghnp";
    /** The SameDiff FlatBuffers model. */
    public static final String SAMEDIFF = "model.sdz";
    /** The ONNX model. */
    public static final String ONNX = "model.onnx";
    /** What was exported and measured. */
    public static final String MANIFEST = "manifest.json";
    /** How to load the models. */
    public static final String README = "README.md";
    /** Images per calibration and evaluation batch. */
    public static final int BATCH = 64;

    private final GraphHyperNetwork ghn;
    private final DatasetSplits data;
    private final int calibrationImages;
    private final long calibrationSeed;
    private final int testImages;
    private final PropertyPredictor predictor;

    private ModelExporter(Builder b) {
        this.ghn = b.ghn;
        this.data = b.data;
        this.calibrationImages = b.calibrationImages;
        this.calibrationSeed = b.calibrationSeed;
        this.testImages = Math.min(b.testImages, b.data.test().size());
        this.predictor = b.predictor;
        InputShape in = ghn.input();
        ImageDataset train = data.train();
        if (train.channels() != in.channels() || train.height() != in.height() || train.width() != in.width()
                || train.classes() != in.classes()) {
            throw new IllegalArgumentException("data: " + data.name() + " has " + train.channels() + "x" + train.height()
                    + "x" + train.width() + " images in " + train.classes() + " classes, but the GHN predicts nets for "
                    + in.channels() + "x" + in.height() + "x" + in.width() + " images in " + in.classes() + " classes");
        }
        if (calibrationImages > train.size()) {
            throw new IllegalArgumentException("calibrationImages must be at most the " + train.size()
                    + " training images, but was " + calibrationImages);
        }
    }

    /** An exporter of the nets {@code ghn} predicts, calibrated and tested on {@code data}. */
    public static Builder builder(GraphHyperNetwork ghn, DatasetSplits data) {
        return new Builder(ghn, data);
    }

    /**
     * {@code <index>-<first 8 hex digits of the SHA-256 of the compact spec JSON>}: stable across runs, distinct for
     * distinct specs at the same index.
     */
    public static String directoryName(int index, Architecture architecture) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, but was " + index);
        }
        return index + "-" + shortHash(architecture);
    }

    static String shortHash(Architecture architecture) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(ArchitectureJson.toCompactJson(architecture).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The inference graph of a network in SameDiff: placeholder {@code input [N, C, H, W]}, output {@code logits}.
     *
     * @param statisticsOrNull running BatchNorm statistics; may be null only for nets without BatchNorm
     */
    public static SameDiff toSameDiff(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statisticsOrNull) {
        return SameDiffTranslator.build(plan, params, statisticsOrNull);
    }

    /** The same network as a serialized ONNX model (opset 13), input {@code input}, output {@code logits}. */
    public static byte[] toOnnx(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statisticsOrNull) {
        return OnnxTranslator.build(plan, params, statisticsOrNull, "ghnas export of " + plan.architecture());
    }

    /**
     * Predicts, calibrates, writes and checks one architecture.
     *
     * @param architecture        the architecture to export
     * @param directory           the directory to create (replaced if it exists)
     * @param searchResultsOrNull what the search recorded about it (copied into the manifest), or null
     * @throws IllegalArgumentException (one line) if the GHN cannot predict the architecture
     */
    public ExportedModel export(Architecture architecture, Path directory, JsonNode searchResultsOrNull) {
        requireNonNull(architecture, "architecture");
        PredictedParameters predicted = ghn.predict(architecture);
        NetworkPlan plan = predicted.plan();
        NetworkParameters params = predicted.toNetworkParameters();
        RunnableNetwork net = RunnableNetwork.of(plan);
        boolean hasBatchNorm = plan.layers().stream().anyMatch(l -> l.op() instanceof Op.BatchNorm);
        BatchNormStatistics stats = hasBatchNorm ? calibrate(net, params) : null;
        Path target = directory.toAbsolutePath().normalize();
        Check check = AtomicFiles.writeDirectory(target, tmp -> {
            Files.writeString(tmp.resolve(SPEC), ArchitectureJson.toJson(architecture) + "\n");
            predicted.write(tmp.resolve(PARAMETERS));
            SameDiff sd = toSameDiff(plan, params, stats);
            sd.asFlatFile(tmp.resolve(SAMEDIFF).toFile());
            Files.write(tmp.resolve(ONNX), toOnnx(plan, params, stats));
            SameDiff loaded = SameDiff.fromFlatFile(tmp.resolve(SAMEDIFF).toFile());
            Check c = check(loaded, net, params, stats);
            ObjectNode manifest = manifest(architecture, plan, stats, c.accuracy(), c.maxDifference(),
                    searchResultsOrNull);
            Files.writeString(tmp.resolve(MANIFEST), manifest.toPrettyString() + "\n");
            Files.writeString(tmp.resolve(README), readme(plan));
            return c;
        });
        return new ExportedModel(target, architecture, testImages, check.accuracy(), check.maxDifference());
    }

    /** The running statistics an export of these parameters calibrates (deterministic in the seed). */
    BatchNormStatistics calibrate(RunnableNetwork net, NetworkParameters params) {
        ImageDataset train = data.train();
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(calibrationSeed);
        for (int i = 0; i < calibrationImages; i++) {
            int j = i + rng.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return Workspaces.scoped("export-calibrate", () -> {
            List<INDArray> batches = new ArrayList<>();
            for (int from = 0; from < calibrationImages; from += BATCH) {
                int[] indices = Arrays.copyOfRange(order, from, from + BATCH);
                batches.add(ImageTensors.of(train.batch(indices)));
            }
            BatchNormStatistics s = net.calibrate(params, batches);
            Map<Integer, INDArray> mean = new HashMap<>();
            Map<Integer, INDArray> var = new HashMap<>();
            s.mean().forEach((k, a) -> mean.put(k, a.detach()));
            s.variance().forEach((k, a) -> var.put(k, a.detach()));
            return new BatchNormStatistics(mean, var, s.images());
        });
    }

    /** What the exported model did on the test images. */
    private record Check(double accuracy, double maxDifference) {}

    /**
     * Accuracy of the exported model on the first {@link #testImages} test images, and the largest |exported - ghnas|
     * over the logits of the first batch of them.
     */
    private Check check(SameDiff model, RunnableNetwork net, NetworkParameters params, BatchNormStatistics stats) {
        ImageDataset test = data.test();
        int correct = 0;
        double maxDifference = 0;
        for (int from = 0; from < testImages; from += BATCH) {
            ImageBatch batch = test.batch(from, Math.min(testImages, from + BATCH));
            float[] y = logits(model, ImageTensors.of(batch));
            if (from == 0) {
                float[] own = Workspaces.scoped("export-check", () -> {
                    INDArray x = ImageTensors.of(batch);
                    INDArray z = stats == null ? net.predict(params, x) : net.forward(params, x, stats).logits();
                    return z.dup('c').data().asFloat();
                });
                for (int i = 0; i < own.length; i++) {
                    maxDifference = Math.max(maxDifference, Math.abs(own[i] - y[i]));
                }
            }
            int classes = y.length / batch.size();
            for (int n = 0; n < batch.size(); n++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (y[n * classes + c] > y[n * classes + best]) {
                        best = c;
                    }
                }
                correct += best == batch.labels()[n] ? 1 : 0;
            }
        }
        return new Check((double) correct / testImages, maxDifference);
    }

    /** Row-major logits of a SameDiff model for {@code [N, C, H, W]} images. */
    static float[] logits(SameDiff model, INDArray images) {
        INDArray y = model.outputSingle(Map.of(PlanTranslator.INPUT, images), PlanTranslator.OUTPUT);
        return y.dup('c').data().asFloat();
    }

    private ObjectNode manifest(Architecture architecture, NetworkPlan plan, BatchNormStatistics stats, double accuracy,
                                double difference, JsonNode searchResults) {
        ObjectNode m = ArchitectureJson.mapper().createObjectNode();
        m.put("format", "ghnas-export");
        m.put("version", 1);
        m.set("spec", ArchitectureJson.toNode(architecture));
        ObjectNode a = m.putObject("architecture");
        a.put("description", architecture.toString());
        a.put("parameters", plan.parameterCount());
        a.put("live_parameters", plan.liveParameterCount());
        a.put("flops", plan.flops());
        a.put("layers", plan.layers().size());
        a.put("graph_nodes", plan.graph().nodeCount());
        ObjectNode in = m.putObject("input");
        in.put("name", PlanTranslator.INPUT);
        in.putArray("shape").add(-1).add(plan.input().channels()).add(plan.input().height()).add(plan.input().width());
        in.put("dataset", data.name());
        ObjectNode norm = in.putObject("normalisation");
        norm.put("formula", "(pixel / 255 - mean[c]) / std[c], after zero-padding in raw pixel space");
        var means = norm.putArray("mean");
        var stds = norm.putArray("std");
        for (int c = 0; c < data.train().channels(); c++) {
            means.add(data.train().mean(c));
            stds.add(data.train().std(c));
        }
        ObjectNode out = m.putObject("output");
        out.put("name", PlanTranslator.OUTPUT);
        out.putArray("shape").add(-1).add(plan.input().classes());
        m.putObject("ghn").put("sha256", ghn.checksum());
        ObjectNode cal = m.putObject("batchnorm_calibration");
        if (stats == null) {
            cal.put("images", 0);
            cal.put("note", "no BatchNorm layers");
        } else {
            cal.put("split", "train");
            cal.put("images", stats.images());
            cal.put("seed", calibrationSeed);
            cal.put("batch_size", BATCH);
            cal.put("sampling", "first images of a SplittableRandom(seed) Fisher-Yates shuffle of the training set");
            cal.put("statistics", "mean of per-batch means and biased variances");
        }
        ObjectNode test = m.putObject("test");
        test.put("split", "test");
        test.put("images", testImages);
        test.put("selection", "the first images of the test set, in file order");
        test.put("accuracy", accuracy);
        test.put("model", SAMEDIFF);
        ObjectNode check = m.putObject("verification");
        check.put("images", Math.min(BATCH, testImages));
        check.put("max_abs_logit_difference_samediff_vs_ghnas", difference);
        if (predictor != null) {
            PropertyPrediction p = predictor.predict(List.of(architecture)).get(0);
            ObjectNode pred = m.putObject("predictions");
            for (Property property : Property.values()) {
                PropertyEstimate e = p.estimate(property);
                ObjectNode o = pred.putObject(property.key());
                o.put("mean", e.mean());
                if (e.hasStddev()) {
                    o.put("stddev", e.stddev());
                }
            }
            pred.put("ood_score", p.oodScore());
        }
        if (searchResults != null && !searchResults.isMissingNode() && !searchResults.isNull()) {
            m.set("search", searchResults.deepCopy());
        }
        ObjectNode files = m.putObject("files");
        files.put("spec", SPEC);
        files.put("parameters", PARAMETERS);
        files.put("samediff", SAMEDIFF);
        files.put("onnx", ONNX);
        files.put("onnx_opset", OnnxTranslator.OPSET);
        return m;
    }

    private String readme(NetworkPlan plan) {
        InputShape in = plan.input();
        return """
                # Exported ghnas network

                `%s`: %,d parameters, %,d FLOPs (multiply-accumulates) per image. See `manifest.json` for the test \
                accuracy and how BatchNorm was calibrated.

                Input `input`: float32 `[N, %d, %d, %d]`, pixels scaled to [0, 1], Fashion-MNIST's 28x28 images \
                zero-padded to 32x32, then normalised `(x - %.4f) / %.4f`. Output `logits`: `[N, %d]`.

                Plain ND4J (`org.nd4j:nd4j-native-platform:1.0.0-M2.1`), no ghnas needed:

                ```java
                SameDiff sd = SameDiff.fromFlatFile(new File("model.sdz"));
                INDArray logits = sd.outputSingle(Map.of("input", images), "logits");
                ```

                ONNX Runtime (`com.microsoft.onnxruntime:onnxruntime`):

                ```java
                try (OrtEnvironment env = OrtEnvironment.getEnvironment();
                     OrtSession session = env.createSession("model.onnx", new OrtSession.SessionOptions());
                     OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {n, %d, %d, %d});
                     OrtSession.Result r = session.run(Map.of("input", x))) {
                    float[][] logits = (float[][]) r.get(0).getValue();
                }
                ```

                Python: `onnxruntime.InferenceSession("model.onnx").run(["logits"], {"input": images})`.

                `spec.json` and `parameters.ghnp` are the architecture and its GHN-predicted parameters for ghnas itself \
                (e.g. `ghnas finetune`).
                """.formatted(plan.architecture(), plan.parameterCount(), plan.flops(), in.channels(), in.height(),
                in.width(), data.train().mean(0), data.train().std(0), in.classes(), in.channels(), in.height(),
                in.width());
    }

    /** Settings of an export; defaults as documented on each method. */
    public static final class Builder {
        private final GraphHyperNetwork ghn;
        private final DatasetSplits data;
        private int calibrationImages = 640;
        private long calibrationSeed = 0;
        private int testImages = 10_000;
        private PropertyPredictor predictor;

        private Builder(GraphHyperNetwork ghn, DatasetSplits data) {
            this.ghn = requireNonNull(ghn, "ghn");
            this.data = requireNonNull(data, "data");
        }

        /** Training images the BatchNorm running statistics are computed on: a positive multiple of 64 (640). */
        public Builder calibrationImages(int n) {
            if (n < BATCH || n % BATCH != 0) {
                throw new IllegalArgumentException("calibration images must be a positive multiple of " + BATCH
                        + ", but was " + n);
            }
            this.calibrationImages = n;
            return this;
        }

        /** Seed of the draw of calibration images (0). */
        public Builder calibrationSeed(long seed) {
            this.calibrationSeed = seed;
            return this;
        }

        /** Test images the accuracy is measured on, from the start of the test set (10,000: all of them). */
        public Builder testImages(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("test images must be >= 1, but was " + n);
            }
            this.testImages = n;
            return this;
        }

        /** Surrogates whose predictions go into the manifest (none). */
        public Builder predictor(PropertyPredictor p) {
            this.predictor = p;
            return this;
        }

        public ModelExporter build() {
            return new ModelExporter(this);
        }
    }
}
