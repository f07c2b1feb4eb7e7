package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ConvKernelTest {
    private static final int CHANNELS = 3;

    static Stream<ConvGeometry> geometries() {
        return Stream.of(
                ConvGeometry.square(3, 1, 1, 1, 1),
                ConvGeometry.square(3, 2, 1, 1, 1),
                ConvGeometry.square(5, 1, 2, 1, 1),
                ConvGeometry.square(1, 2, 0, 1, 1),
                new ConvGeometry(1, 7, 1, 2, 0, 3, 1, 1),
                new ConvGeometry(7, 1, 2, 1, 3, 0, 1, 1),
                ConvGeometry.square(3, 1, 1, 1, CHANNELS),
                ConvGeometry.square(5, 2, 2, 1, CHANNELS),
                ConvGeometry.square(3, 1, 2, 2, CHANNELS),
                ConvGeometry.square(5, 2, 4, 2, CHANNELS),
                ConvGeometry.square(3, 2, 2, 2, CHANNELS),
                ConvGeometry.square(3, 1, 1, 2, CHANNELS));
    }

    private static INDArray[] inputs(ConvGeometry g, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long out = g.groups() == 1 ? 4 : CHANNELS;
        INDArray x = Tensors.random(rng, 2, CHANNELS, 7, 8);
        INDArray w = Tensors.random(rng, out, CHANNELS / g.groups(), g.kh(), g.kw());
        INDArray y = ConvKernel.forward(x, w, g);
        INDArray dy = Tensors.random(rng, y.shape());
        return new INDArray[] {x, w, dy};
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void givenGeometry_whenForward_thenMatchesNaiveConvolutionInBothDtypes(ConvGeometry g) {
        INDArray[] in = inputs(g, 1);
        INDArray expected = Reference.conv(in[0], in[1], g);

        Tensors.assertClose(ConvKernel.forward(in[0], in[1], g), expected, 1e-12);
        INDArray single = ConvKernel.forward(in[0].castTo(DataType.FLOAT), in[1].castTo(DataType.FLOAT), g);
        assertThat(single.dataType()).isEqualTo(DataType.FLOAT);
        Tensors.assertClose(single, expected, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void givenGeometry_whenBackward_thenMatchesFiniteDifferences(ConvGeometry g) {
        INDArray[] in = inputs(g, 2);
        INDArray x = in[0], w = in[1], dy = in[2];

        INDArray[] grads = ConvKernel.backward(x, w, dy, g);

        Tensors.checkGradients(a -> ConvKernel.forward(a[0], a[1], g), new INDArray[] {x, w}, dy, grads, 30);
        INDArray[] single = ConvKernel.backward(
                x.castTo(DataType.FLOAT), w.castTo(DataType.FLOAT), dy.castTo(DataType.FLOAT), g);
        Tensors.assertClose(single[0], grads[0], 1e-4);
        Tensors.assertClose(single[1], grads[1], 1e-4);
    }

    @Test
    void givenStridedViews_whenForwardAndBackward_thenSameAsOnDenseCopies() {
        SplittableRandom rng = new SplittableRandom(4);
        INDArray wide = Tensors.random(rng, 2, CHANNELS, 7, 16).castTo(DataType.FLOAT);
        INDArray x = wide.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 16));
        INDArray w = Tensors.random(rng, 4, 3, 3, CHANNELS).castTo(DataType.FLOAT).permute(0, 3, 1, 2);
        ConvGeometry g = ConvGeometry.square(3, 1, 1, 1, 1);
        INDArray dy = Tensors.random(rng, 2, 4, 7, 8).castTo(DataType.FLOAT);

        Tensors.assertClose(ConvKernel.forward(x, w, g), ConvKernel.forward(x.dup(), w.dup(), g), 0);
        Tensors.assertClose(ConvKernel.backward(x, w, dy, g)[1], ConvKernel.backward(x.dup(), w.dup(), dy, g)[1], 0);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4, 5})
    void givenTinyMaps_whenDilatedDepthwise_thenMatchesNaiveConvolutionInBothDtypes(int size) {
        SplittableRandom rng = new SplittableRandom(size);
        for (int k : new int[] {3, 5}) {
            for (int stride : new int[] {1, 2}) {
                ConvGeometry g = ConvGeometry.square(k, stride, k - k % 2, 2, CHANNELS);
                INDArray x = Tensors.random(rng, 2, CHANNELS, size, size);
                INDArray w = Tensors.random(rng, CHANNELS, 1, k, k);
                INDArray y = ConvKernel.forward(x, w, g);
                Tensors.assertClose(y, Reference.conv(x, w, g), 1e-12);
                INDArray[] grads = ConvKernel.backward(x, w, y, g);
                assertThat(grads[1].shape()).isEqualTo(w.shape());
                INDArray xf = x.castTo(DataType.FLOAT);
                INDArray wf = w.castTo(DataType.FLOAT);
                Tensors.assertClose(ConvKernel.forward(xf, wf, g), y, 1e-5);
                INDArray[] single = ConvKernel.backward(xf, wf, y.castTo(DataType.FLOAT), g);
                Tensors.assertClose(single[0], grads[0], 1e-4);
                Tensors.assertClose(single[1], grads[1], 1e-4);
            }
        }
    }

    static Stream<ConvGeometry> depthwiseStrideOne() {
        return Stream.of(ConvGeometry.square(3, 1, 1, 1, CHANNELS), ConvGeometry.square(5, 1, 2, 1, CHANNELS),
                ConvGeometry.square(7, 1, 3, 1, CHANNELS), ConvGeometry.square(3, 1, 2, 2, CHANNELS),
                ConvGeometry.square(5, 1, 4, 2, CHANNELS), ConvGeometry.square(3, 1, 0, 1, CHANNELS));
    }

    @ParameterizedTest
    @MethodSource("depthwiseStrideOne")
    void givenMapsOfTrainingSize_whenDepthwiseInFloat_thenForwardAndBackwardMatchFloat64(ConvGeometry g) {
        // 16x20 maps: the size from which float32 depthwise passes run DepthwiseConv's loops.
        SplittableRandom rng = new SplittableRandom(9);
        INDArray x = Tensors.random(rng, 3, CHANNELS, 16, 20);
        INDArray w = Tensors.random(rng, CHANNELS, 1, g.kh(), g.kw());
        INDArray y = ConvKernel.forward(x, w, g);
        INDArray dy = Tensors.random(rng, y.shape());
        INDArray[] grads = ConvKernel.backward(x, w, dy, g);

        INDArray xf = x.castTo(DataType.FLOAT);
        INDArray wf = w.castTo(DataType.FLOAT);
        INDArray[] single = ConvKernel.backward(xf, wf, dy.castTo(DataType.FLOAT), g);

        Tensors.assertClose(ConvKernel.forward(xf, wf, g), y, 1e-5);
        Tensors.assertClose(single[0], grads[0], 1e-4);
        Tensors.assertClose(single[1], grads[1], 1e-4);
    }

    @ParameterizedTest(name = "[{0}, {1}, {2}, {2}] to {3} channels")
    @CsvSource({"2, 8, 32, 8", "1, 8, 33, 5", "2, 16, 16, 24", "2, 3, 16, 40", "10, 6, 11, 7", "2, 64, 8, 4"})
    void givenOneByOneConvOnLargeMaps_whenFloat_thenForwardAndBackwardMatchFloat64(int n, int in, int side, int out) {
        // the sizes at which float32 1x1 convs run PointwiseConv's loops (forward, and backward up to 8 channels;
        // with the Vector API all but 64 channels on 8x8); 33x33 and 11x11 leave planes that are no multiple of 8 or
        // 16, 7 and 5 channels leave partial blocks of outputs, 10 samples a partial block of the weight gradient
        ConvGeometry g = ConvGeometry.square(1, 1, 0, 1, 1);
        SplittableRandom rng = new SplittableRandom(side);
        INDArray x = Tensors.random(rng, n, in, side, side);
        INDArray w = Tensors.random(rng, out, in, 1, 1);
        INDArray dy = Tensors.random(rng, n, out, side, side);
        INDArray[] grads = ConvKernel.backward(x, w, dy, g);

        INDArray xf = x.castTo(DataType.FLOAT);
        INDArray wf = w.castTo(DataType.FLOAT);
        INDArray[] single = ConvKernel.backward(xf, wf, dy.castTo(DataType.FLOAT), g);

        Tensors.assertClose(ConvKernel.forward(xf, wf, g), Reference.conv(x, w, g), 1e-5);
        Tensors.assertClose(single[0], grads[0], 1e-5);
        Tensors.assertClose(single[1], grads[1], 1e-5);
    }

    @Test
    void givenGroupsOtherThanOneOrChannels_whenForward_thenRejected() {
        SplittableRandom rng = new SplittableRandom(3);
        INDArray x = Tensors.random(rng, 1, 4, 5, 5);
        INDArray w = Tensors.random(rng, 4, 2, 3, 3);

        assertThatThrownBy(() -> ConvKernel.forward(x, w, ConvGeometry.square(3, 1, 1, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groups");
    }

    @Test
    void givenNegativePadding_whenConstructingGeometry_thenRejected() {
        assertThatThrownBy(() -> new ConvGeometry(3, 3, 1, 1, -1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ph must be >= 0, but was -1.");
    }
}
