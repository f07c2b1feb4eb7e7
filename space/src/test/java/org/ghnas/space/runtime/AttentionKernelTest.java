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

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"8, 24, 11", "2, 18, 5"})
    void givenFloatQkv_whenBackward_thenMatchesFloat64(int heads, int channels, int side) {
        // 8 heads of dimension 1 over 11x11 tokens: the msa of a C=8 ViT net; 2 heads of dimension 3.
        INDArray input = Tensors.random(rng, 3, channels, side, side).muli(2.0);
        INDArray dy = Tensors.random(rng, 3, channels / 3, side, side);
        INDArray expected = AttentionKernel.backward(AttentionKernel.forward(input, heads), dy);

        INDArray single = AttentionKernel.backward(AttentionKernel.forward(input.castTo(DataType.FLOAT), heads),
                dy.castTo(DataType.FLOAT));

        org.assertj.core.api.Assertions.assertThat(single.dataType()).isEqualTo(DataType.FLOAT);
        Tensors.assertClose(single, expected, 1e-5);
    }
}
