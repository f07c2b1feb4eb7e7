package org.ghnas.surrogate.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.BatchSequence;
import org.ghnas.space.data.DatasetInstaller;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthMeasurerTest {

    private static DatasetSplits data;

    /** Two nets per split, a handful of SGD steps, 128 test images: a few seconds per run. */
    private static final MeasurementConfig TINY = MeasurementConfig.defaults()
            .withSplit(Split.TRAIN, new MeasurementConfig.SplitSampling(100, 2))
            .withSplit(Split.TEST, new MeasurementConfig.SplitSampling(200, 2))
            .withConvergence(new MeasurementConfig.Convergence(0.9, 3))
            .withSgd(new MeasurementConfig.Sgd(6, 32, 0.05, 0.9, 3e-4, 1))
            .withEvaluation(new MeasurementConfig.Evaluation(128, 0.08, 7))
            .withLatency(new MeasurementConfig.Latency(16, 1, 3));

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** The train split of TINY measured in one go (shared by the tests: measuring is the slow part). */
    private static List<Measurement> nets;
    private static final List<Integer> progress = new ArrayList<>();

    @BeforeAll
    static void measureOnce() {
        data = FashionMnist.load(DatasetInstaller.ensureFashionMnist());
        nets = GroundTruthMeasurer.of(TINY, data).run(shared, Split.TRAIN, Integer.MAX_VALUE,
                (m, done, total) -> progress.add(done * 10 + total));
    }

    @Test
    void givenATinyBudget_whenTwoNetsAreMeasured_thenEveryFieldIsSaneAndTheTableReadsBack() {
        GroundTruthMeasurer measurer = GroundTruthMeasurer.of(TINY, data);

        assertThat(progress).containsExactly(12, 22);
        assertThat(nets).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Measurement m = nets.get(i);
            assertThat(m.split()).isEqualTo(Split.TRAIN);
            assertThat(m.samplerSeed()).isEqualTo(100);
            assertThat(m.index()).isEqualTo(i);
            assertThat(m.spec()).isEqualTo(measurer.sampler(Split.TRAIN).sample(i + 1).get(i));
            assertThat(m.spec().channels()).isEqualTo(8);
            assertThat(m.params()).isEqualTo(NetworkPlan.parameterCount(m.spec(), InputShape.FASHION_MNIST));
            assertThat(m.macs()).isPositive();
            assertThat(m.depth()).isBetween(3, m.nodes());
            // 128 images: accuracies are multiples of 1/128
            assertThat(m.cleanAccuracy() * 128).isCloseTo(Math.rint(m.cleanAccuracy() * 128), within(1e-9));
            assertThat(m.noiseRobustness() * 128).isCloseTo(Math.rint(m.noiseRobustness() * 128), within(1e-9));
            assertThat(m.inferenceLatencyMs()).isPositive();
            assertThat(m.inferenceWallMs()).isPositive();
            assertThat(m.convergence()).isIn(1 / 6.0, 2 / 6.0, 3 / 6.0, 4 / 6.0, 5 / 6.0, 1.0);
            assertThat(m.steps()).isEqualTo(6);
            assertThat(m.imagesSeen()).isEqualTo(6 * 32);
            assertThat(m.skippedSteps()).isBetween(0, 6);
            assertThat(m.finalLoss()).isPositive();
            assertThat(m.trainingSeconds()).isPositive().isLessThan(m.seconds());
            assertThat(m.cpuSeconds()).isPositive();
        }
        assertThat(nets.get(0).spec()).isNotEqualTo(nets.get(1).spec());
        assertThat(MeasurementTable.read(shared))
                .isEqualTo(Map.of(Split.TRAIN, nets, Split.TEST, List.of(), Split.SPECS, List.of()));
        assertThat(MeasurementTable.csv(shared, Split.TRAIN)).content()
                .startsWith(String.join(",", Measurement.COLUMNS) + "\ntrain,100,0,");
        assertThat(MeasurementConfig.read(shared.resolve(MeasurementTable.CONFIG))).isEqualTo(TINY);
    }

    @Test
    void givenAPartialRun_whenResumed_thenTheMissingNetsAreAddedAndEqualAnUninterruptedRun() {
        Path parts = dir.resolve("parts");
        GroundTruthMeasurer measurer = GroundTruthMeasurer.of(TINY, data);
        List<Measurement> uninterrupted = nets;

        List<Measurement> first = measurer.run(parts, Split.TRAIN, 1, null);
        List<Integer> measuredOnResume = new ArrayList<>();
        List<Measurement> resumed = GroundTruthMeasurer.of(TINY, data).run(parts, Split.TRAIN, Integer.MAX_VALUE,
                (m, done, total) -> measuredOnResume.add(m.index()));

        assertThat(first).hasSize(1);
        assertThat(measuredOnResume).containsExactly(1);
        assertThat(resumed).hasSize(2);
        assertThat(resumed.get(0)).isEqualTo(first.get(0));
        for (int i = 0; i < 2; i++) {
            // same seeds, same batches: the same accuracies and training curve summary
            assertThat(resumed.get(i).spec()).isEqualTo(uninterrupted.get(i).spec());
            assertThat(resumed.get(i).cleanAccuracy()).isEqualTo(uninterrupted.get(i).cleanAccuracy());
            assertThat(resumed.get(i).noiseRobustness()).isEqualTo(uninterrupted.get(i).noiseRobustness());
            assertThat(resumed.get(i).finalLoss()).isEqualTo(uninterrupted.get(i).finalLoss());
            assertThat(resumed.get(i).convergence()).isEqualTo(uninterrupted.get(i).convergence());
        }
        assertThat(measurer.run(parts, Split.TRAIN, Integer.MAX_VALUE, null)).isEqualTo(resumed);
        assertThat(MeasurementTable.read(parts, Split.TEST)).isEmpty();
    }

    @Test
    void givenASpecFilesNets_whenMeasured_thenSameProtocolInFileOrderAndResumable() {
        GroundTruthMeasurer measurer = GroundTruthMeasurer.of(TINY, data);
        List<NetworkSpec> specs = List.of(nets.get(1).spec(), nets.get(0).spec());
        List<Integer> measured = new ArrayList<>();

        List<Measurement> first = measurer.runSpecs(dir, specs, "picks.json", 1, null);
        List<Measurement> all = measurer.runSpecs(dir, specs, "picks.json", Integer.MAX_VALUE,
                (m, done, total) -> measured.add(m.index()));

        assertThat(first).hasSize(1);
        assertThat(measured).containsExactly(1);
        assertThat(all).hasSize(2).startsWith(first.get(0));
        for (int i = 0; i < 2; i++) {
            assertThat(all.get(i).split()).isEqualTo(Split.SPECS);
            assertThat(all.get(i).samplerSeed()).isZero();
            assertThat(all.get(i).index()).isEqualTo(i);
            assertThat(all.get(i).spec()).isEqualTo(specs.get(i));
            assertThat(all.get(i).steps()).isEqualTo(6);
            assertThat(all.get(i).params()).isEqualTo(nets.get(1 - i).params());
        }
        assertThat(MeasurementTable.read(dir, Split.SPECS)).isEqualTo(all);
        assertThat(MeasurementTable.read(dir, Split.TRAIN)).isEmpty();
        assertThatThrownBy(() -> measurer.runSpecs(dir, List.of(specs.get(1)), "other.json", 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(MeasurementTable.jsonl(dir, Split.SPECS) + ": holds 2 nets, more than the 1 nets of "
                        + "other.json");
        assertThatThrownBy(() -> measurer.runSpecs(dir, List.of(specs.get(1), specs.get(0)), "other.json", 1,
                null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(MeasurementTable.jsonl(dir, Split.SPECS) + ":1: spec: differs from net 0 of other.json "
                        + "(measure another spec file into another directory)");
        assertThatThrownBy(() -> measurer.run(dir, Split.SPECS, 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runSpecs");
    }

    @Test
    void givenADirectoryOfAnotherConfig_whenRun_thenRefusedNamingTheDifferingFields() throws Exception {
        Files.writeString(dir.resolve(MeasurementTable.CONFIG), TINY.withSgd(new MeasurementConfig.Sgd(7, 32, 0.05,
                0.9, 3e-4, 2)).toYaml());

        assertThatThrownBy(() -> GroundTruthMeasurer.of(TINY, data).run(dir, Split.TRAIN, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("measured under another config, differs in sgd.steps, sgd.seed");
    }

    @Test
    void givenACorruptLine_whenTheTableIsRead_thenTheMessageNamesFileAndLine() throws Exception {
        Files.writeString(MeasurementTable.jsonl(dir, Split.TEST), "{\"split\": \"test\"}\n");

        assertThatThrownBy(() -> MeasurementTable.read(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(MeasurementTable.jsonl(dir, Split.TEST) + ":1: samplerSeed: missing");
    }

    @Test
    void givenMoreTestImagesThanTheTestSet_thenRefused() {
        MeasurementConfig cfg = TINY.withEvaluation(new MeasurementConfig.Evaluation(10_001, 0.08, 7));

        assertThatThrownBy(() -> GroundTruthMeasurer.of(cfg, data))
                .hasMessage("evaluation.testImages must be <= 10000 (the test set of fashion-mnist), but was 10001.");
    }

    @Test
    void givenTheNoiseTransform_thenSeededGaussianNoiseInRawPixelSpaceClippedToUnitRange() {
        ImageDataset test = data.test().subset(0, 128);
        MeasurementConfig.Evaluation e = new MeasurementConfig.Evaluation(128, 0.08, 7);
        ImageBatch clean = test.batches(64).unnormalised().get(0);
        BatchSequence noisy = GroundTruthMeasurer.noisyBatches(test, 64, e);
        ImageBatch raw = noisy.unnormalised().get(0);

        double sum = 0;
        double sumSq = 0;
        int interior = 0;
        for (int k = 0; k < raw.pixels().length; k++) {
            float p = raw.pixels()[k];
            assertThat(p).isBetween(0f, 1f);
            float c = clean.pixels()[k];
            if (c > 0.3f && c < 0.7f) {
                // far from the clip bounds: the noise is unclipped
                double d = p - c;
                sum += d;
                sumSq += d * d;
                interior++;
            }
        }
        assertThat(interior).isGreaterThan(5_000);
        assertThat(sum / interior).isCloseTo(0, within(0.005));
        assertThat(Math.sqrt(sumSq / interior)).isCloseTo(0.08, within(0.004));
        // the same seed gives the same noise; normalised batches are the noisy raw ones normalised
        assertThat(GroundTruthMeasurer.noisyBatches(test, 64, e).get(1)).isEqualTo(noisy.get(1));
        assertThat(GroundTruthMeasurer.noisyBatches(test, 64, new MeasurementConfig.Evaluation(128, 0.08, 8)).get(0))
                .isNotEqualTo(noisy.get(0));
        float normalised = noisy.get(0).pixels()[400];
        assertThat(normalised).isCloseTo((float) ((raw.pixels()[400] - test.mean(0)) / test.std(0)), within(1e-5f));
    }

    @Test
    void givenNetSeeds_thenTheyDifferBySplitAndIndex() {
        assertThat(GroundTruthMeasurer.netSeed(1, Split.TRAIN, 0)).isNotEqualTo(GroundTruthMeasurer.netSeed(1,
                Split.TEST, 0)).isNotEqualTo(GroundTruthMeasurer.netSeed(1, Split.TRAIN, 1))
                .isNotEqualTo(GroundTruthMeasurer.netSeed(2, Split.TRAIN, 0))
                .isEqualTo(GroundTruthMeasurer.netSeed(1, Split.TRAIN, 0));
    }
}
