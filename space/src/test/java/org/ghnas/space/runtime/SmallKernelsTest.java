package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Channel scaling, slicing, the loss and dropout. */
class SmallKernelsTest {
    private final SplittableRandom rng = new SplittableRandom(4);

    @Test
    void givenGate_whenChannelScale_thenEachChannelIsMultipliedAndGradientsMatch() {
        INDArray x = Tensors.random(rng, 2, 3, 4, 5);
        INDArray gate = Tensors.random(rng, 2, 3);
        INDArray dy = Tensors.random(rng, 2, 3, 4, 5);

        INDArray y = ChannelScaleKernel.forward(x, gate);

        assertThat(y.getDouble(1, 2, 3, 4)).isCloseTo(x.getDouble(1, 2, 3, 4) * gate.getDouble(1, 2), within(1e-15));
        assertThat(y.getDouble(0, 1, 2, 0)).isCloseTo(x.getDouble(0, 1, 2, 0) * gate.getDouble(0, 1), within(1e-15));
        Tensors.checkGradients(a -> ChannelScaleKernel.forward(a[0], a[1]), new INDArray[] {x, gate}, dy,
                ChannelScaleKernel.backward(x, gate, dy), 120);
    }

    @Test
    void givenOddMap_whenSubsampleAndShift_thenTheyPickTheStridedAndShiftedPixels() {
        INDArray x = Tensors.random(rng, 2, 3, 5, 7);

        INDArray sub = SliceKernel.subsample(x, 2);
        INDArray shifted = SliceKernel.shift(x);

        assertThat(sub.shape()).containsExactly(2, 3, 3, 4);
        assertThat(sub.getDouble(1, 2, 2, 3)).isEqualTo(x.getDouble(1, 2, 4, 6));
        assertThat(shifted.shape()).containsExactly(2, 3, 4, 6);
        assertThat(shifted.getDouble(1, 0, 0, 5)).isEqualTo(x.getDouble(1, 0, 1, 6));
        INDArray dSub = Tensors.random(rng, sub.shape());
        INDArray dShift = Tensors.random(rng, shifted.shape());
        Tensors.checkGradients(a -> SliceKernel.subsample(a[0], 2), new INDArray[] {x}, dSub,
                new INDArray[] {SliceKernel.subsampleBackward(dSub, x.shape(), 2)}, 210);
        Tensors.checkGradients(a -> SliceKernel.shift(a[0]), new INDArray[] {x}, dShift,
                new INDArray[] {SliceKernel.shiftBackward(dShift, x.shape())}, 210);
    }

    @Test
    void givenLogits_whenCrossEntropy_thenMeanLossGradientAndAccuracy() {
        INDArray logits = Tensors.of(new double[] {2, 1, 0, 0, 0, 3}, 2, 3);
        int[] labels = {0, 1};

        LossKernel.Result r = LossKernel.crossEntropy(logits, labels);

        double z0 = Math.exp(2) + Math.exp(1) + 1;
        double z1 = 2 + Math.exp(3);
        assertThat(r.loss()).isCloseTo((Math.log(z0) - 2 + Math.log(z1)) / 2, within(1e-12));
        assertThat(r.correct()).isEqualTo(1);
        Tensors.checkGradients(a -> Tensors.of(new double[] {LossKernel.crossEntropy(a[0], labels).loss()}, 1),
                new INDArray[] {logits}, Tensors.of(new double[] {1}, 1), new INDArray[] {r.dLogits()}, 6);
        assertThat(LossKernel.crossEntropy(logits.castTo(DataType.FLOAT), labels).dLogits().dataType())
                .isEqualTo(DataType.FLOAT);
    }

    @Test
    void givenSeed_whenDropout_thenSameMaskDropsAboutPAndScalesSurvivors() {
        INDArray x = Tensors.random(rng, 20, 50).addi(2.0);
        INDArray dy = Tensors.random(rng, 20, 50);

        DropoutKernel.Cache a = DropoutKernel.forward(x, 0.3, new SplittableRandom(9));
        DropoutKernel.Cache b = DropoutKernel.forward(x, 0.3, new SplittableRandom(9));

        Tensors.assertClose(a.output(), b.output(), 0);
        double dropped = a.output().eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertThat(dropped).isCloseTo(0.3, within(0.05));
        assertThat(a.output().maxNumber().doubleValue() / x.maxNumber().doubleValue()).isLessThanOrEqualTo(1 / 0.7 + 1e-12);
        Tensors.checkGradients(in -> in[0].mul(a.mask()), new INDArray[] {x}, dy,
                new INDArray[] {DropoutKernel.backward(a, dy)}, 100);
        Tensors.assertClose(DropoutKernel.forward(x, 0.0, new SplittableRandom(1)).output(),
                x, 0);
        assertThat(x.get(NDArrayIndex.point(0), NDArrayIndex.point(0)).getDouble(0)).isGreaterThan(0.0);
    }
}
