package org.ghnas.space.runtime;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class AttentionKernelTest {
    private static final int HEADS = 2;
    private final SplittableRandom rng = new SplittableRandom(8);
    // inner = 2 heads * 3 channels, tokens = 3 x 4 positions
    private final INDArray qkv = Tensors.random(rng, 2, 18, 3, 4).muli(2.0);

    @Test
    void givenQkv_whenForward_thenEachHeadAttendsOverAllPositions() {
        INDArray expected = Reference.attention(qkv, HEADS);

        Tensors.assertClose(AttentionKernel.forward(qkv, HEADS).output(), expected, 1e-12);
        Tensors.assertClose(AttentionKernel.forward(qkv.castTo(DataType.FLOAT), HEADS).output(), expected, 1e-5);
    }

    @Test
    void givenQkv_whenBackward_thenMatchesFiniteDifferencesForQueriesKeysAndValues() {
        INDArray dy = Tensors.random(rng, 2, 6, 3, 4);

        INDArray dqkv = AttentionKernel.backward(AttentionKernel.forward(qkv, HEADS), dy);

        Tensors.checkGradients(a -> AttentionKernel.forward(a[0], HEADS).output(), new INDArray[] {qkv}, dy,
                new INDArray[] {dqkv}, 432);
    }
}
