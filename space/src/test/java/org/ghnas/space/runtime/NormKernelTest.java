package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NormKernelTest {
    private final SplittableRandom rng = new SplittableRandom(11);
    private final INDArray x = Tensors.random(rng, 3, 4, 5, 3).muli(2.0).addi(0.3);
    private final INDArray gamma = Tensors.random(rng, 4);
    private final INDArray beta = Tensors.random(rng, 4);
    private final INDArray dy = Tensors.random(rng, 3, 4, 5, 3);

    @Test
    void givenBatch_whenBatchNormTrain_thenNormalisesWithBatchStatisticsInBothDtypes() {
        INDArray expected = Reference.norm(x, gamma, beta, false);

        Tensors.assertClose(BatchNormKernel.forwardTrain(x, gamma, beta).output(), expected, 1e-12);
        INDArray single = BatchNormKernel.forwardTrain(
                x.castTo(DataType.FLOAT), gamma.castTo(DataType.FLOAT), beta.castTo(DataType.FLOAT)).output();
        assertThat(single.dataType()).isEqualTo(DataType.FLOAT);
        Tensors.assertClose(single, expected, 1e-5);
    }

    @Test
    void givenBatchStatistics_whenInference_thenEqualsTrainingOutput() {
        INDArray[] stats = BatchNormKernel.batchStatistics(x);

        INDArray y = BatchNormKernel.forwardInference(x, gamma, beta, stats[0], stats[1]);

        assertThat(stats[1].getDouble(0)).isCloseTo(
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                        .dup().var(false).getDouble(0), org.assertj.core.api.Assertions.within(1e-12));
        Tensors.assertClose(y, Reference.norm(x, gamma, beta, false), 1e-12);
    }

    @Test
    void givenBatchNormTrain_whenBackward_thenMatchesFiniteDifferencesThroughTheBatchStatistics() {
        INDArray[] grads = BatchNormKernel.backward(BatchNormKernel.forwardTrain(x, gamma, beta), dy);

        Tensors.checkGradients(a -> BatchNormKernel.forwardTrain(a[0], a[1], a[2]).output(),
                new INDArray[] {x, gamma, beta}, dy, grads, 60);
        INDArray[] single = BatchNormKernel.backward(BatchNormKernel.forwardTrain(x.castTo(DataType.FLOAT),
                gamma.castTo(DataType.FLOAT), beta.castTo(DataType.FLOAT)), dy.castTo(DataType.FLOAT));
        for (int i = 0; i < 3; i++) {
            Tensors.assertClose(single[i], grads[i], 1e-4);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "vector loops {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void givenFloatActivationsFarFromZero_whenBatchNormTrain_thenOutputAndGradientsAgreeWithFloat64(boolean vector) {
        org.junit.jupiter.api.Assumptions.assumeTrue(!vector || VectorApi.available(),
                "needs --add-modules jdk.incubator.vector");
        // A training batch's shape and channels whose mean is up to 50 times their spread, as in deep predicted
        // nets: float sums of squares lose digits of the variance there, and BatchNorm's gradient amplifies them
        // from layer to layer. 15x15 maps: rows that end in a partial vector.
        INDArray big = Tensors.random(rng, 32, 4, 15, 15).addi(Nd4j.createFromArray(30.0, -30.0, 0.0, 3.0)
                .reshape(1, 4, 1, 1));
        INDArray upstream = Tensors.random(rng, 32, 4, 15, 15);
        BatchNormKernel.Cache expected = BatchNormKernel.forwardTrain(big, gamma, beta);
        INDArray[] expectedGrads = BatchNormKernel.backward(expected, upstream);

        BatchNormKernel.Cache single = FusedBatchNorm.forwardTrain(big.castTo(DataType.FLOAT),
                gamma.castTo(DataType.FLOAT), beta.castTo(DataType.FLOAT), vector);
        INDArray output = single.output().castTo(DataType.DOUBLE);
        INDArray[] grads = FusedBatchNorm.backward(single, upstream.castTo(DataType.FLOAT), vector);

        assertThat(relativeError(output, expected.output())).isLessThan(3e-6);
        for (int i = 0; i < 3; i++) {
            assertThat(relativeError(grads[i], expectedGrads[i])).as("gradient %d", i).isLessThan(1e-5);
        }
    }

    private static double relativeError(INDArray actual, INDArray expected) {
        return actual.castTo(DataType.DOUBLE).sub(expected).norm2Number().doubleValue()
                / expected.norm2Number().doubleValue();
    }

    @Test
    void givenMap_whenLayerNorm_thenNormalisesEachPositionOverChannels() {
        INDArray expected = Reference.norm(x, gamma, beta, true);

        Tensors.assertClose(LayerNormKernel.forward(x, gamma, beta).output(), expected, 1e-12);
        Tensors.assertClose(LayerNormKernel.forward(x.castTo(DataType.FLOAT), gamma.castTo(DataType.FLOAT),
                beta.castTo(DataType.FLOAT)).output(), expected, 1e-5);
    }

    @Test
    void givenLayerNorm_whenBackward_thenMatchesFiniteDifferences() {
        INDArray[] grads = LayerNormKernel.backward(LayerNormKernel.forward(x, gamma, beta), dy);

        Tensors.checkGradients(a -> LayerNormKernel.forward(a[0], a[1], a[2]).output(),
                new INDArray[] {x, gamma, beta}, dy, grads, 60);
    }
}
