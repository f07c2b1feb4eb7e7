package org.ghnas.experiments.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.space.Architecture;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.OpType;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.Datasets;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.Layer;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
import org.ghnas.space.runtime.BatchNormStatistics;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.Workspaces;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.Family;
import org.ghnas.space.sample.PredefinedNets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exports sampled architectures that together use every op of the space, then loads the SameDiff file with plain
 * {@code SameDiff.fromFlatFile} and the ONNX file with ONNX Runtime and checks both against ghnas's own forward pass
 * on real Fashion-MNIST test images.
 */
class ModelExporterTest {

    /** Absolute tolerance on logits. */
    private static final double TOLERANCE = 1e-4;
    /** Test images compared: a batch away from the one the export checks itself on. */
    private static final int FROM = 1000;
    private static final int COUNT = 16;

    private static GraphHyperNetwork ghn;
    private static DatasetSplits data;
    private static OrtEnvironment env;
    private static final Set<String> covered = new TreeSet<>();
    private static double maxSameDiffError;
    private static double maxOnnxError;

    @BeforeAll
    static void load() {
        ghn = GraphHyperNetwork.pretrained();
        data = Datasets.open(null, null);
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void report() {
        System.out.printf("export round trip: max |logit error| SameDiff %.3g, ONNX Runtime %.3g; ops covered %s%n",
                maxSameDiffError, maxOnnxError, covered);
    }

    private static ModelExporter exporter(int calibrationImages) {
        return ModelExporter.builder(ghn, data).calibrationImages(calibrationImages).calibrationSeed(7).testImages(64)
                .build();
    }

    @Test
    void givenSmallNetsCoveringEveryOp_whenExported_thenSameDiffAndOnnxReproduceGhnasLogits(@TempDir Path dir)
            throws Exception {
        Set<String> kinds = exportAndCheck(specs(16, 5), 64, dir);
        assertThat(kinds).containsAll(List.of("Conv", "Conv-depthwise", "Conv-depthwise-dilated", "Conv-asymmetric",
                "Linear-vector", "Linear-map", "BatchNorm", "LayerNorm", "Activation-RELU", "Activation-GELU",
                "Activation-HARDSWISH", "MaxPool", "AvgPool", "GlobalAvgPool", "ChannelMean", "Flatten", "Sum",
                "Concat", "Subsample", "Shift", "Zeros", "Attention", "ChannelScale", "PositionEncoding", "Dropout"));
    }

    /** The same nets at their sampled widths, plus ResNet-50: minutes on 2 cores, so only on request. */
    @Test
    @EnabledIfSystemProperty(named = "ghnas.export.full", matches = "true")
    void givenFullSizeNetsAndResNet50_whenExported_thenSameDiffAndOnnxReproduceGhnasLogits(@TempDir Path dir)
            throws Exception {
        List<Architecture> all = new ArrayList<>(specs(0, 0));
        all.add(PredefinedNets.resnet50());
        exportAndCheck(all, 640, dir);
    }

    private static Set<String> exportAndCheck(List<Architecture> specs, int calibrationImages, Path dir)
            throws Exception {
        Set<String> kinds = new TreeSet<>();
        for (int i = 0; i < specs.size(); i++) {
            Architecture arch = specs.get(i);
            long t0 = System.nanoTime();
            ExportedModel m = exporter(calibrationImages).export(arch,
                    dir.resolve(ModelExporter.directoryName(i, arch)), null);
            kinds.addAll(checkRoundTrip(m, calibrationImages));
            System.out.printf("  (%s: %d layers, export and check %.1f s)%n", m.directory().getFileName(),
                    planOf(arch).layers().size(), (System.nanoTime() - t0) / 1e9);
        }
        return kinds;
    }

    /**
     * Specs that together use every op kind, at {@code channels} base channels and at most {@code maxCells} cells
     * (0: as sampled).
     */
    static List<Architecture> specs(int channels, int maxCells) {
        List<NetworkSpec> nets = List.of(
                // bnfree, dilated depthwise convs, average pooling
                DeepNets1MSampler.builder(1).family(Family.BNFREE).build().sample(),
                // squeeze-excitation (hardswish gate), zeros for empty states, dropout in cells, and a strided
                // squeeze-excitation in the reduction cells (subsampling)
                withStridedCse(DeepNets1MSampler.builder(2).family(Family.ID).build().sample()),
                // attention, LayerNorm, GELU, position encoding; flatten head, MLP head
                DeepNets1MSampler.builder(1).family(Family.DENSE).build().sample().toBuilder()
                        .globalAvg(false).preproc(false).fcLayers(2).fcDim(64).build(),
                // asymmetric 1x7/7x1 convs
                DeepNets1MSampler.builder(2).family(Family.DENSE).build().sample(),
                PredefinedNets.vit());
        if (channels == 0) {
            return List.copyOf(nets);
        }
        return nets.stream().map(n -> (Architecture) n.toBuilder().channels(channels)
                .cells(Math.min(n.cells(), maxCells)).build()).toList();
    }

    /** Compares the exported files with ghnas's forward pass; returns the op kinds the net used. */
    private static Set<String> checkRoundTrip(ExportedModel m, int calibrationImages) throws IOException, OrtException {
        // the parameters file and spec that ghnas's own tools read back
        PredictedParameters predicted = PredictedParameters.read(m.parameters());
        assertThat(ArchitectureJson.read(m.spec())).containsExactly(m.architecture());
        NetworkPlan plan = predicted.plan();
        NetworkParameters params = predicted.toNetworkParameters();
        RunnableNetwork net = RunnableNetwork.of(plan);
        boolean hasBatchNorm = plan.layers().stream().anyMatch(l -> l.op() instanceof Op.BatchNorm);
        BatchNormStatistics stats = hasBatchNorm ? exporter(calibrationImages).calibrate(net, params) : null;

        ImageBatch batch = data.test().batch(FROM, FROM + COUNT);
        float[] expected = Workspaces.scoped("test", () -> {
            INDArray x = ImageTensors.of(batch);
            INDArray y = stats == null ? net.predict(params, x) : net.forward(params, x, stats).logits();
            return y.dup('c').data().asFloat();
        });

        SameDiff sd = SameDiff.fromFlatFile(m.sameDiff().toFile());
        INDArray sdLogits = sd.outputSingle(Map.of("input", ImageTensors.of(batch)), "logits");
        assertThat(sdLogits.shape()).containsExactly(COUNT, 10);
        double sdError = maxError(expected, sdLogits.dup('c').data().asFloat());

        float[] onnx;
        try (OrtSession session = env.createSession(m.onnx().toString(), exactOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.pixels()),
                     new long[] {COUNT, batch.channels(), batch.height(), batch.width()});
             OrtSession.Result r = session.run(Map.of("input", x))) {
            float[][] y = (float[][]) r.get(0).getValue();
            onnx = new float[COUNT * 10];
            for (int n = 0; n < COUNT; n++) {
                System.arraycopy(y[n], 0, onnx, n * 10, 10);
            }
        }
        double onnxError = maxError(expected, onnx);
        maxSameDiffError = Math.max(maxSameDiffError, sdError);
        maxOnnxError = Math.max(maxOnnxError, onnxError);
        Set<String> kinds = kinds(plan);
        covered.addAll(kinds);
        System.out.printf("%s: SameDiff %.3g ONNX %.3g accuracy %.3f (logit range %.2f)%n", m.directory().getFileName(),
                sdError, onnxError, m.testAccuracy(), range(expected));
        assertThat(sdError).as("SameDiff logits of %s", m.architecture()).isLessThanOrEqualTo(TOLERANCE);
        // float32 rounding grows with the logits' magnitude: absolute below |logit| 1, relative above
        assertThat(onnxError).as("ONNX logits of %s", m.architecture())
                .isLessThanOrEqualTo(TOLERANCE * Math.max(1, range(expected)));
        assertThat(m.maxLogitDifference()).isLessThanOrEqualTo(TOLERANCE);

        JsonNode manifest = ArchitectureJson.mapper().readTree(Files.readString(m.manifest()));
        assertThat(manifest.path("ghn").path("sha256").asText()).isEqualTo(ghn.checksum());
        assertThat(manifest.path("architecture").path("parameters").asLong()).isEqualTo(plan.parameterCount());
        assertThat(manifest.path("batchnorm_calibration").path("images").asInt()).isEqualTo(hasBatchNorm ? calibrationImages : 0);
        assertThat(manifest.path("test").path("accuracy").asDouble()).isEqualTo(m.testAccuracy());
        return kinds;
    }

    /**
     * Without graph optimisations: ONNX Runtime would otherwise fold BatchNorm into the preceding convolution's
     * weights, which rounds differently from running the two ops as exported.
     */
    private static OrtSession.SessionOptions exactOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        return o;
    }

    /** The net with its reduction cells' first op replaced by a squeeze-excitation of the cell's first input. */
    private static NetworkSpec withStridedCse(NetworkSpec n) {
        Genotype g = n.genotype();
        List<CellOp> reduce = new ArrayList<>(g.reduce());
        reduce.set(0, CellOp.of(OpType.CSE, 0));
        return n.toBuilder().genotype(new Genotype(g.normal(), g.normalConcat(), reduce, g.reduceConcat())).build();
    }

    private static NetworkPlan planOf(Architecture arch) {
        return NetworkPlan.of(arch, ghn.input());
    }

    static Set<String> kinds(NetworkPlan plan) {
        Set<String> k = new TreeSet<>();
        for (Layer l : plan.layers()) {
            Op op = l.op();
            String n = op.getClass().getSimpleName();
            if (op instanceof Op.Conv c) {
                n += (c.depthwise() ? "-depthwise" : "") + (c.dilation() > 1 ? "-dilated" : "");
                if (c.kh() != c.kw()) {
                    k.add("Conv-asymmetric");
                }
            } else if (op instanceof Op.Activation a) {
                n += "-" + a.kind();
            } else if (op instanceof Op.Linear) {
                n += plan.layer(l.input(0)).output().vector() ? "-vector" : "-map";
            }
            k.add(n);
        }
        return k;
    }

    private static double maxError(float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }

    private static double range(float[] v) {
        double max = 0;
        for (float f : v) {
            max = Math.max(max, Math.abs(f));
        }
        return max;
    }
}
