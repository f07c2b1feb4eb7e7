package org.ghnas.space.runtime;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ActivationKernelTest {
    private static final INDArray X = Tensors.of(new double[] {-4, -1.5, -1, -0.5, 0, 1, 2, 3.5}, 2, 4);

    @Test
    void givenValues_whenRelu_thenNegativesAreZero() {
        Tensors.assertClose(ActivationKernel.relu(X), Tensors.of(new double[] {0, 0, 0, 0, 0, 1, 2, 3.5}, 2, 4), 0);
    }

    @Test
    void givenValues_whenGelu_thenEqualsXTimesTheNormalCdf() {
        // Phi(-4), Phi(-1.5), Phi(-1), Phi(-0.5), Phi(0), Phi(1), Phi(2), Phi(3.5) from the normal table
        double[] phi = {3.167124183311998e-05, 0.0668072012688581, 0.15865525393145707, 0.3085375387259869, 0.5,
            0.8413447460685429, 0.9772498680518208, 0.9997673709209645};
        double[] expected = new double[phi.length];
        double[] x = Tensors.values(X);
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * phi[i];
        }

        Tensors.assertClose(ActivationKernel.gelu(X), Tensors.of(expected, 2, 4), 1e-12);
        Tensors.assertClose(ActivationKernel.gelu(X.castTo(DataType.FLOAT)), Tensors.of(expected, 2, 4), 1e-6);
    }

    @Test
    void givenValues_whenHardswish_thenEqualsXTimesRelu6OfXPlus3Over6() {
        double[] expected = {0, -1.5 * 1.5 / 6, -1 * 2.0 / 6, -0.5 * 2.5 / 6, 0, 4.0 / 6, 2 * 5.0 / 6, 3.5};

        Tensors.assertClose(ActivationKernel.hardswish(X), Tensors.of(expected, 2, 4), 1e-12);
    }

    @Test
    void givenRandomInputs_whenBackward_thenEachActivationMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        INDArray x = Tensors.random(rng, 3, 4, 5, 5).muli(5.0);
        INDArray dy = Tensors.random(rng, 3, 4, 5, 5);

        check(ActivationKernel::relu, x, dy, ActivationKernel.reluBackward(x, dy));
        check(ActivationKernel::gelu, x, dy, ActivationKernel.geluBackward(x, dy));
        check(ActivationKernel::hardswish, x, dy, ActivationKernel.hardswishBackward(x, dy));
    }

    private static void check(UnaryOperator<INDArray> f, INDArray x, INDArray dy, INDArray dx) {
        Tensors.checkGradients(a -> f.apply(a[0]), new INDArray[] {x}, dy, new INDArray[] {dx}, 300);
    }
}
