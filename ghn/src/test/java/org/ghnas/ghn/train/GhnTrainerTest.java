package org.ghnas.ghn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.ghnas.ghn.io.MalformedArchiveException;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.ghn.model.Parameter;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GHN training on a tiny synthetic image set: learning, exact resume, checkpoint integrity. */
class GhnTrainerTest {

    /** Small GHN (hidden 8), 2 nets of C=8 per step, 8 images per step. */
    static final GhnTrainingConfig TINY = new GhnTrainingConfig(3, 100, 2, 8, 16, 8, 1e-2, 1e-5, 5.0, 10, 8, 50);

    /** 16 grey 32x32 images of two classes: class 1 has a bright left half, class 0 a bright right half. */
    static ImageDataset images() {
        int n = 16;
        byte[] pixels = new byte[n * 1024];
        byte[] labels = new byte[n];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 2);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean bright = (x < 16) == (i % 2 == 1);
                    pixels[i * 1024 + y * 32 + x] = (byte) ((bright ? 180 : 40) + r.nextInt(40));
                }
            }
        }
        return ImageDataset.of("synthetic", pixels, labels, 1, 32, 32, 10, new double[] {0.45}, new double[] {0.3});
    }

    /** A run of {@code config} trained {@code steps} steps from the start. */
    private static GhnTrainer trained(GhnTrainingConfig config, ImageDataset data, int steps) {
        GhnTrainer t = GhnTrainer.start(config, data);
        for (int i = 0; i < steps; i++) {
            t.step();
        }
        return t;
    }

    /** The checkpoint of a {@link #trained} run, saved in {@code dir}. */
    private static Path checkpoint(GhnTrainingConfig config, ImageDataset data, int steps, Path dir) {
        Path ckpt = dir.resolve("run.ckpt");
        trained(config, data, steps).save(ckpt);
        return ckpt;
    }

    private static List<float[]> weights(GhnTrainer t) {
        return t.ghn().parameters().stream().map(p -> p.value().dup('c').data().asFloat()).toList();
    }

    @Test
    void givenFixedNetsAndBatch_whenTrainedAFewSteps_thenTheirLossDecreases() {
        // Given
        ImageDataset data = images();
        GhnTrainer t = GhnTrainer.start(TINY, data);
        List<NetworkSpec> held = DeepNets1MSampler.builder(0).channels(8).fcDim(16).build().sample(2);
        double before = t.evaluate(held, data.batch(0, 16));

        // When
        for (int i = 0; i < 8; i++) {
            t.step();
        }

        // Then
        double after = t.evaluate(held, data.batch(0, 16));
        assertThat(after).isLessThan(before - 0.1);
        assertThat(t.completedSteps()).isEqualTo(8);
        assertThat(t.lossHistory()).hasSize(8);
    }

    @Test
    void givenCheckpointAfterKSteps_whenResumed_thenWeightsEqualAnUninterruptedRunBitForBit(@TempDir Path dir) {
        // Given N = 4 steps straight
        ImageDataset data = images();
        GhnTrainer straight = trained(TINY, data, 4);

        // When k = 2 steps, checkpoint, reload, 2 more
        GhnTrainer resumed = GhnTrainer.resume(checkpoint(TINY, data, 2, dir), data);
        assertThat(resumed.completedSteps()).isEqualTo(2);
        resumed.step();
        resumed.step();

        // Then
        List<float[]> a = weights(straight);
        List<float[]> b = weights(resumed);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).as(straight.ghn().parameters().get(i).name()).containsExactly(a.get(i));
        }
        assertThat(resumed.runningLoss()).isEqualTo(straight.runningLoss());
        assertThat(resumed.lossHistory()).containsExactly(straight.lossHistory());
    }

    @Test
    void givenWidthSamplingAddedOnResume_thenTheRunEqualsOneScheduledSoFromTheStart(@TempDir Path dir) {
        // Given a run that draws its nets' widths from step 2 on, and one at the base width checkpointed at step 2
        GhnTrainingConfig mixed = TINY.withSampleWidthsFrom(2);

        // When the latter is resumed with width sampling, then it trains as the former did
        GhnTrainer resumed = assertResumedWithEqualsScheduled(mixed, dir);
        assertThat(resumed.config().sampleWidthsFrom()).isEqualTo(2);
        assertThat(weights(trained(TINY, images(), 4)).get(0)).isNotEqualTo(weights(resumed).get(0));
    }

    @Test
    void givenADecayAddedOnResume_thenTheRunEqualsOneScheduledSoFromTheStart(@TempDir Path dir) {
        // Given a run scheduled from the start to divide its rate by 10 from step 2, and a constant-rate one
        // checkpointed at step 2
        GhnTrainingConfig decayed = TINY.withSchedule(new GhnTrainingConfig(3, 100, 2, 8, 16, 8, 1e-2, 1e-5, 5.0, 10,
                8, 50, List.of(2), 0.1, -1, 0, 0));

        // When the latter is resumed with the decay, then it trains as the former did
        GhnTrainer resumed = assertResumedWithEqualsScheduled(decayed, dir);
        assertThat(resumed.config().lrMilestones()).containsExactly(2);
    }

    @Test
    void givenABnFreeShare_thenThatShareOfTheNetsIsReplacedByInDistributionNetsWithoutBatchNorm() {
        GhnTrainingConfig reference = TINY.withSteps(400);
        GhnTrainingConfig half = reference.withSchedule(new GhnTrainingConfig(3, 400, 2, 8, 16, 8, 1e-2, 1e-5, 5.0,
                10, 8, 50, List.of(), 0.1, -1, 0.5, 0));
        int replaced = 0;
        try (GhnTrainer a = GhnTrainer.start(reference, images(), 1); GhnTrainer b = GhnTrainer.start(half, images(), 1)) {
            for (long t = 0; t < 200; t++) {
                List<NetworkSpec> kept = a.nets(t);
                List<NetworkSpec> mixed = b.nets(t);
                assertThat(b.nets(t)).isEqualTo(mixed);
                for (int j = 0; j < kept.size(); j++) {
                    if (!mixed.get(j).equals(kept.get(j))) {
                        replaced++;
                        // the in-distribution sampler only lets shallow nets go without BatchNorm
                        assertThat(mixed.get(j).norm()).isEqualTo(Norm.NONE);
                        assertThat(mixed.get(j).cells()).isLessThanOrEqualTo(5);
                        assertThat(mixed.get(j).channels()).isEqualTo(8);
                    }
                }
            }
        }
        // 400 draws at probability 1/2: 200 expected, 3.5 standard deviations either side
        assertThat(replaced).isBetween(165, 235);
    }

    /** Resumes TINY's step-2 checkpoint under {@code changed} for two steps; asserts it equals 4 steps of it. */
    private static GhnTrainer assertResumedWithEqualsScheduled(GhnTrainingConfig changed, Path dir) {
        ImageDataset data = images();
        GhnTrainer scheduled = trained(changed, data, 4);
        GhnTrainer resumed = GhnTrainer.resume(checkpoint(TINY, data, 2, dir), data, 1, changed);
        resumed.step();
        resumed.step();
        List<float[]> a = weights(scheduled);
        List<float[]> b = weights(resumed);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).containsExactly(a.get(i));
        }
        assertThat(resumed.lossHistory()).containsExactly(scheduled.lossHistory());
        return resumed;
    }

    @Test
    void theScaleAnchorAddsTheGradientOfItsPenalty() {
        // Given a net's predicted parameters and gradients that are zero so far
        NetworkPlan plan = NetworkPlan.of(DeepNets1MSampler.builder(5).channels(8).fcDim(16).build().sample(1).get(0),
                new InputShape(1, 32, 32, 10, false));
        Ghn2.Prediction p = new Ghn2(TINY.ghnConfig(), 3).forward(plan);
        INDArray[] grads = new INDArray[plan.parameters().size()];
        for (ParameterSpec ps : plan.parameters()) {
            grads[ps.index()] = p.parameters().tensor(ps.index()).like();
        }

        // When the anchor's gradient (weight 2, a meta-batch of 4 nets) is added
        GhnTrainer.addScaleAnchor(2.0, plan, p, grads, 4);

        // Then along a random direction it is the derivative of 2 / (4 T) * sum over conv weights of (std/s - 1)^2
        NetworkParameters w = p.parameters();
        SplittableRandom r = new SplittableRandom(7);
        double directional = 0;
        INDArray[] direction = new INDArray[grads.length];
        for (int k = 0; k < grads.length; k++) {
            double[] d = new double[(int) grads[k].length()];
            for (int i = 0; i < d.length; i++) {
                d[i] = r.nextGaussian();
            }
            direction[k] = Nd4j.create(d, grads[k].shape(), DataType.DOUBLE);
            directional += grads[k].castTo(DataType.DOUBLE).mul(direction[k]).sumNumber().doubleValue();
        }
        double eps = 1e-3;
        double numeric = (anchorPenalty(plan, w, direction, eps) - anchorPenalty(plan, w, direction, -eps)) / (2 * eps)
                * 2.0 / 4;
        assertThat(directional).isNotZero().isCloseTo(numeric, org.assertj.core.data.Percentage.withPercentage(1));
    }

    /** Sum over the plan's conv weights W + t D of (std / s - 1)^2, divided by their number. */
    private static double anchorPenalty(NetworkPlan plan, NetworkParameters w, INDArray[] d, double t) {
        double sum = 0;
        int convs = 0;
        for (ParameterSpec ps : plan.parameters()) {
            List<Integer> sh = ps.shape();
            if (sh.size() != 4 || sh.get(0) == 1 || ps.role() != ParameterSpec.Role.WEIGHT) {
                continue;
            }
            INDArray x = w.tensor(ps.index()).castTo(DataType.DOUBLE).add(d[ps.index()].mul(t));
            double s = Ghn2.normalizationScale(sh);
            double[] v = x.data().asDouble();
            double mean = java.util.Arrays.stream(v).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(v).map(e -> (e - mean) * (e - mean)).sum() / v.length);
            sum += Math.pow(sd / s - 1, 2);
            convs++;
        }
        return sum / convs;
    }

    @Test
    void givenAnotherWidth_whenResumed_thenRefusedNamingTheCheckpoint(@TempDir Path dir) {
        ImageDataset data = images();
        Path ckpt = checkpoint(TINY, data, 1, dir);
        GhnTrainingConfig wider = new GhnTrainingConfig(3, 100, 2, 16, 16, 8, 1e-2, 1e-5, 5.0, 10, 8, 50);

        assertThatThrownBy(() -> GhnTrainer.resume(ckpt, data, 1, wider))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ckpt.toString())
                .hasMessageContaining("only steps, lrMilestones, lrGamma, sampleWidthsFrom, bnFreeShare and scaleAnchor "
                        + "may change on resume");
    }

    @Test
    void givenOneOrThreeWorkers_whenTrained_thenWeightsAreIdenticalBitForBit() {
        // Given: 3 nets per step, so that with 3 workers their image passes overlap and finish in any order
        GhnTrainingConfig config = new GhnTrainingConfig(5, 100, 3, 8, 16, 8, 1e-2, 1e-5, 5.0, 10, 8, 50);
        ImageDataset data = images();

        // When
        List<float[]> a;
        List<float[]> b;
        try (GhnTrainer one = GhnTrainer.start(config, data, 1); GhnTrainer three = GhnTrainer.start(config, data, 3)) {
            for (int i = 0; i < 3; i++) {
                GhnTrainer.StepResult r1 = one.step();
                GhnTrainer.StepResult r3 = three.step();
                assertThat(r3).usingRecursiveComparison().ignoringFields("netSeconds").isEqualTo(r1);
                assertThat(r1.netSeconds()).isPositive();
            }
            a = weights(one);
            b = weights(three);
        }

        // Then
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).containsExactly(a.get(i));
        }
    }

    @Test
    void givenCorruptedOrMissingCheckpoint_whenResumed_thenOneLineErrorNamesTheFile(@TempDir Path dir)
            throws IOException {
        ImageDataset data = images();
        Path ckpt = checkpoint(TINY, data, 0, dir);
        byte[] bytes = Files.readAllBytes(ckpt);
        bytes[bytes.length / 2] ^= 1;
        Path bad = dir.resolve("bad.ckpt");
        Files.write(bad, bytes);

        assertThatThrownBy(() -> GhnTrainer.resume(bad, data)).isInstanceOf(MalformedArchiveException.class)
                .hasMessageStartingWith(bad.toString()).hasMessageContaining("SHA-256").hasMessageNotContaining("\n");
        Path missing = dir.resolve("missing.ckpt");
        assertThatThrownBy(() -> GhnTrainer.resume(missing, data)).isInstanceOf(MalformedArchiveException.class)
                .hasMessage(missing + ": no such file");
        Path truncated = dir.resolve("short.ckpt");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(ckpt), 100));
        assertThatThrownBy(() -> GhnTrainer.resume(truncated, data)).hasMessageStartingWith(truncated.toString());
    }

    @Test
    void givenAnySeedAndStep_whenTrainingSeedDerived_thenItIsNegativeSoNeverAnEvaluationSeed() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(GhnTrainer.trainingSamplerSeed(r.nextLong(), r.nextLong(1_000_000))).isNegative();
        }
        assertThat(GhnTrainer.trainingSamplerSeed(1, 0)).isNotEqualTo(GhnTrainer.trainingSamplerSeed(1, 1));
    }

    @Test
    void givenParameters_whenListed_thenNamesAreUnique() {
        GhnTrainer t = GhnTrainer.start(TINY, images());
        assertThat(t.ghn().parameters().stream().map(Parameter::name)).doesNotHaveDuplicates();
    }
}
