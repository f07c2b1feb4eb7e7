package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        Tensors.assertClose(AttentionKernel.forward(qkv.castTo(DataType.FLOAT), HEADS, false).output(), expected,
                1e-5);
    }

    @Test
    void givenFloatQkv_whenForwardFused_thenMatchesTheReference() {
        assumeTrue(VectorApi.available(), "needs --add-modules jdk.incubator.vector");
        INDArray expected = Reference.attention(qkv, HEADS);

        AttentionKernel.Cache fused = AttentionKernel.forward(qkv.castTo(DataType.FLOAT), HEADS, true);

        assertThat(fused).isInstanceOf(AttentionKernel.Fused.class);
        Tensors.assertClose(fused.output(), expected, 1e-5);
    }

    @Test
    void givenQkv_whenBackward_thenMatchesFiniteDifferencesForQueriesKeysAndValues() {
        INDArray dy = Tensors.random(rng, 2, 6, 3, 4);

        INDArray dqkv = AttentionKernel.backward(AttentionKernel.forward(qkv, HEADS), dy);

        Tensors.checkGradients(a -> AttentionKernel.forward(a[0], HEADS).output(), new INDArray[] {qkv}, dy,
                new INDArray[] {dqkv}, 432);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"8, 24, 11, false", "2, 18, 5, false", "8, 24, 11, true",
        "2, 18, 5, true", "2, 48, 11, true"})
    void givenFloatQkv_whenBackward_thenMatchesFloat64(int heads, int channels, int side, boolean fused) {
        assumeTrue(!fused || VectorApi.available(), "needs --add-modules jdk.incubator.vector");
        // 8 heads of dimension 1 over 11x11 tokens: the msa of a C=8 ViT net; 2 heads of dimension 3 and 8.
        INDArray input = Tensors.random(rng, 3, channels, side, side).muli(2.0);
        INDArray dy = Tensors.random(rng, 3, channels / 3, side, side);
        INDArray expected = AttentionKernel.backward(AttentionKernel.forward(input, heads), dy);

        INDArray single = AttentionKernel.backward(
                AttentionKernel.forward(input.castTo(DataType.FLOAT), heads, fused), dy.castTo(DataType.FLOAT));

        assertThat(single.dataType()).isEqualTo(DataType.FLOAT);
        Tensors.assertClose(single, expected, 1e-5);
    }
}
