package org.ghnas.space.runtime;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class LinearKernelTest {
    private final SplittableRandom rng = new SplittableRandom(21);
    private final INDArray w = Tensors.random(rng, 5, 3);
    private final INDArray b = Tensors.random(rng, 5);

    @Test
    void givenVectors_whenForward_thenEqualsXWTransposedPlusBias() {
        INDArray x = Tensors.random(rng, 4, 3);
        double[] expected = new double[20];
        for (int n = 0; n < 4; n++) {
            for (int o = 0; o < 5; o++) {
                double s = b.getDouble(o);
                for (int i = 0; i < 3; i++) {
                    s += x.getDouble(n, i) * w.getDouble(o, i);
                }
                expected[n * 5 + o] = s;
            }
        }

        Tensors.assertClose(LinearKernel.forward(x, w, b), Tensors.of(expected, 4, 5), 1e-12);
        Tensors.assertClose(LinearKernel.forward(x.castTo(DataType.FLOAT), w.castTo(DataType.FLOAT),
                b.castTo(DataType.FLOAT)), Tensors.of(expected, 4, 5), 1e-6);
    }

    @Test
    void givenMap_whenForward_thenAppliesTheLayerAtEveryPosition() {
        INDArray x = Tensors.random(rng, 2, 3, 4, 3);

        INDArray y = LinearKernel.forward(x, w, b);

        for (int h = 0; h < 4; h++) {
            for (int v = 0; v < 3; v++) {
                INDArray tokens = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(h),
                        NDArrayIndex.point(v)).dup();
                INDArray out = y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(h),
                        NDArrayIndex.point(v)).dup();
                Tensors.assertClose(out, LinearKernel.forward(tokens, w, b), 1e-12);
            }
        }
        Tensors.assertClose(LinearKernel.forward(x, w, null), y.sub(b.reshape(1, 5, 1, 1)), 1e-12);
    }

    @Test
    void givenVectorsOrMaps_whenBackward_thenMatchesFiniteDifferencesWithAndWithoutBias() {
        for (INDArray x : new INDArray[] {Tensors.random(rng, 4, 3), Tensors.random(rng, 2, 3, 4, 3)}) {
            INDArray dy = Tensors.random(rng, LinearKernel.forward(x, w, b).shape());

            INDArray[] withBias = LinearKernel.backward(x, w, true, dy);
            INDArray[] noBias = LinearKernel.backward(x, w, false, dy);

            Tensors.checkGradients(a -> LinearKernel.forward(a[0], a[1], a[2]), new INDArray[] {x, w, b}, dy,
                    withBias, 40);
            Tensors.checkGradients(a -> LinearKernel.forward(a[0], a[1], null), new INDArray[] {x, w}, dy,
                    noBias, 40);
            org.assertj.core.api.Assertions.assertThat(noBias[2]).isNull();
        }
    }
}
