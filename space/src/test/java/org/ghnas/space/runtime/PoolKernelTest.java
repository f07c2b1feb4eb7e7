package org.ghnas.space.runtime;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PoolKernelTest {
    @ParameterizedTest(name = "{0} k={1} s={2} p={3} on {4}x{4}")
    @CsvSource({"max,3,1,1,6", "max,3,1,1,1", "max,3,1,1,11", "max,2,1,0,5", "max,5,1,2,7", "max,3,2,1,7",
        "max,3,2,1,8", "max,2,2,0,5", "avg,3,1,1,6", "avg,3,2,1,7",
        "avg,3,2,1,8", "avg,2,2,0,5", "avg,5,1,2,7", "avg,3,1,1,1", "avg,3,1,1,2"})
    void givenPooling_whenForward_thenMatchesNaivePoolingAtTheBorders(String kind, int k, int s, int p, int size) {
        SplittableRandom rng = new SplittableRandom(size * 31L + k);
        INDArray x = Tensors.random(rng, 2, 3, size, size);
        boolean avg = kind.equals("avg");
        INDArray expected = Reference.pool(x, k, s, p, avg);

        Tensors.assertClose(forward(avg, x, k, s, p), expected, 1e-12);
        Tensors.assertClose(forward(avg, x.castTo(DataType.FLOAT), k, s, p), expected, 1e-6);
    }

    @ParameterizedTest(name = "{0} k={1} s={2} p={3} on {4}x{4}")
    @CsvSource({"max,3,1,1,6", "max,3,2,1,7", "max,3,1,1,1", "max,3,1,1,11", "max,2,1,0,5", "max,5,1,2,7",
        "avg,3,1,1,6", "avg,3,2,1,7", "avg,3,2,1,8", "avg,5,1,2,7", "avg,3,1,1,2"})
    void givenPooling_whenBackward_thenMatchesFiniteDifferences(String kind, int k, int s, int p, int size) {
        SplittableRandom rng = new SplittableRandom(size * 17L + s);
        INDArray x = Tensors.random(rng, 2, 2, size, size);
        boolean avg = kind.equals("avg");
        INDArray dy = Tensors.random(rng, forward(avg, x, k, s, p).shape());

        INDArray dx = avg ? PoolKernel.avgBackward(x, dy, k, s, p) : PoolKernel.maxBackward(x, dy, k, s, p);

        Tensors.checkGradients(a -> forward(avg, a[0], k, s, p), new INDArray[] {x}, dy, new INDArray[] {dx}, 200);
        INDArray single = avg
                ? PoolKernel.avgBackward(x.castTo(DataType.FLOAT), dy.castTo(DataType.FLOAT), k, s, p)
                : PoolKernel.maxBackward(x.castTo(DataType.FLOAT), dy.castTo(DataType.FLOAT), k, s, p);
        Tensors.assertClose(single, dx, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DOUBLE", "FLOAT"})
    void givenTiedWindows_whenMaxBackward_thenEachGradientGoesToTheFirstMaximumOnly(DataType type) {
        // a plane of zeros, as after a ReLU: every window is a tie, won by its first in-bounds input
        INDArray x = Nd4j.zeros(type, 1, 1, 4, 5);
        INDArray dy = Tensors.random(new SplittableRandom(3), 1, 1, 4, 5).castTo(type);

        INDArray dx = PoolKernel.maxBackward(x, dy, 3, 1, 1);

        double[] expected = new double[20];
        double[] g = Tensors.values(dy);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                expected[Math.max(0, i - 1) * 5 + Math.max(0, j - 1)] += g[i * 5 + j];
            }
        }
        Tensors.assertClose(dx, Nd4j.create(expected, new long[] {1, 1, 4, 5},
                DataType.DOUBLE), 1e-6);
    }

    @Test
    void givenMap_whenGlobalAverage_thenMeanPerChannelAndGradientSpreadEvenly() {
        SplittableRandom rng = new SplittableRandom(5);
        INDArray x = Tensors.random(rng, 2, 3, 4, 5);
        INDArray dy = Tensors.random(rng, 2, 3);

        INDArray y = PoolKernel.globalAvgForward(x);
        INDArray dx = PoolKernel.globalAvgBackward(dy, 4, 5);

        Tensors.assertClose(y, x.reshape(6, 20).mean(1).reshape(2, 3), 1e-12);
        Tensors.checkGradients(a -> PoolKernel.globalAvgForward(a[0]), new INDArray[] {x}, dy,
                new INDArray[] {dx}, 120);
    }

    private static INDArray forward(boolean avg, INDArray x, int k, int s, int p) {
        return avg ? PoolKernel.avgForward(x, k, s, p) : PoolKernel.maxForward(x, k, s, p);
    }
}
