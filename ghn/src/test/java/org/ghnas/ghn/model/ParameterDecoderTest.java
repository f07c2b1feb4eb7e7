package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.GraphNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ParameterDecoderTest {

    private static final GhnConfig SMALL = new GhnConfig(8, 50, true, 3, 4);

    static INDArray randomStates(int n, int hidden, long seed, DataType dtype) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n * hidden];
        for (int k = 0; k < v.length; k++) {
            v[k] = 2 * r.nextDouble() - 1;
        }
        return Nd4j.createFromArray(v).castTo(dtype).reshape(n, hidden);
    }

    @Test
    void givenGhn2Config_whenBuilt_thenDecoderParameterCountMatchesReference() {
        // Given the reference GHN-2 (CIFAR-10) sizes
        ParameterDecoder decoder = new ParameterDecoder(GhnConfig.ghn2(), new SplittableRandom(1));

        // When counting the decoders' scalars
        long count = decoder.parameters().stream().mapToLong(Parameter::size).sum();

        // Then they are the reference's 1,620,764 minus embeddings, shape encoder, GNN and LayerNorm (12,232)
        assertThat(count).isEqualTo(1_608_532L);
        assertThat(decoder.parameters()).extracting(Parameter::name).startsWith("decoder.fc.0.weight")
                .contains("decoder.class_layer_predictor.1.weight", "decoder_1d.fc.2.bias", "bias_class.1.bias");
    }

    @Test
    void givenZooGraph_whenDecoded_thenEveryParameterNodeGetsTensorsOfItsShape() {
        // Given
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder decoder = new ParameterDecoder(SMALL, new SplittableRandom(3));

        // When
        ParameterDecoder.Cache cache = decoder.forward(graph, randomStates(graph.nodeCount(), 8, 4, DataType.FLOAT));

        // Then
        for (GraphNode node : graph.nodes()) {
            INDArray[] t = cache.tensors(node.index());
            assertThat(t).hasSize(node.tensorCount());
            for (INDArray tensor : t) {
                assertThat(tensor.shape()).containsExactly(node.shape().stream().mapToLong(Integer::longValue).toArray());
                assertThat(tensor.dataType()).isEqualTo(DataType.FLOAT);
            }
        }
    }

    @Test
    void givenZooGraph_whenDecoded_thenTensorsEqualTheLoopByLoopReference() {
        // Given a float64 decoder and its naive transcription
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder decoder = new ParameterDecoder(SMALL, new SplittableRandom(5), DataType.DOUBLE);
        INDArray states = randomStates(graph.nodeCount(), 8, 6, DataType.DOUBLE);
        NaiveDecoder naive = new NaiveDecoder(decoder);

        // When
        ParameterDecoder.Cache cache = decoder.forward(graph, states);

        // Then every tensor matches, classifier heads included
        int n = graph.nodeCount();
        for (GraphNode node : graph.nodes()) {
            if (!node.hasParameters()) {
                continue;
            }
            double[][] expected = naive.decode(node, node.index() == n - 2, node.index() == n - 1,
                    NaiveDecoder.row(states, node.index()));
            INDArray[] actual = cache.tensors(node.index());
            for (int k = 0; k < expected.length; k++) {
                assertThat(actual[k].dup('c').data().asDouble()).as(node.name() + " tensor " + k)
                        .containsExactly(expected[k], within(1e-12));
            }
        }
    }

    @Test
    void givenFloat32_whenDecoded_thenCloseToFloat64() {
        // Given the same initial values in float32 and float64
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder single = new ParameterDecoder(SMALL, new SplittableRandom(8));
        ParameterDecoder dbl = new ParameterDecoder(SMALL, new SplittableRandom(8), DataType.DOUBLE);
        INDArray states = randomStates(graph.nodeCount(), 8, 9, DataType.DOUBLE);

        // When
        ParameterDecoder.Cache a = single.forward(graph, states.castTo(DataType.FLOAT));
        ParameterDecoder.Cache b = dbl.forward(graph, states);

        // Then
        for (GraphNode node : graph.nodes()) {
            for (int k = 0; k < node.tensorCount(); k++) {
                double[] x = a.tensors(node.index())[k].castTo(DataType.DOUBLE).dup('c').data().asDouble();
                double[] y = b.tensors(node.index())[k].dup('c').data().asDouble();
                assertThat(x).containsExactly(y, within(1e-5));
            }
        }
    }

    @Test
    void givenSameSeed_whenBuiltAndDecoded_thenIdenticalResults() {
        // Given two decoders from the same seed and one from another
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        INDArray states = randomStates(graph.nodeCount(), 8, 10, DataType.FLOAT);
        ParameterDecoder a = new ParameterDecoder(SMALL, new SplittableRandom(42));
        ParameterDecoder b = new ParameterDecoder(SMALL, new SplittableRandom(42));
        ParameterDecoder c = new ParameterDecoder(SMALL, new SplittableRandom(43));

        // When
        ParameterDecoder.Cache ca = a.forward(graph, states);
        ParameterDecoder.Cache cb = b.forward(graph, states);
        ParameterDecoder.Cache cc = c.forward(graph, states);

        // Then
        for (int k = 0; k < a.parameters().size(); k++) {
            assertThat(a.parameters().get(k).value()).isEqualTo(b.parameters().get(k).value());
            assertThat(a.parameters().get(k).value()).isNotEqualTo(c.parameters().get(k).value());
        }
        int stem = 1;
        assertThat(ca.tensors(stem)[0]).isEqualTo(cb.tensors(stem)[0]);
        assertThat(ca.tensors(stem)[0]).isNotEqualTo(cc.tensors(stem)[0]);
    }

    @Test
    void givenInitialValues_thenUniformWithinPyTorchDefaultBounds() {
        ParameterDecoder decoder = new ParameterDecoder(GhnConfig.ghn2(), new SplittableRandom(2));
        Parameter fc = decoder.parameters().get(0);
        Parameter conv2 = decoder.parameters().get(4);

        assertThat(fc.value().shape()).containsExactly(128L * 11 * 11, 32L);
        assertThat(fc.value().maxNumber().doubleValue()).isLessThanOrEqualTo(1 / Math.sqrt(32)).isGreaterThan(0.17);
        assertThat(conv2.value().shape()).containsExactly(4096L, 256L);
        assertThat(conv2.value().minNumber().doubleValue()).isGreaterThanOrEqualTo(-1 / 16.0).isLessThan(-0.062);
        assertThat(fc.grad().sumNumber().doubleValue()).isZero();
    }

    @Test
    void givenReferenceExamples_whenKeyingChannels_thenMatchesMinSz() {
        ParameterDecoder decoder = new ParameterDecoder(GhnConfig.ghn2(), new SplittableRandom(1));

        // 3 -> 4 (multiple of 3 becomes 4/3 of it), 9 -> 12, 12 -> 16, small sizes stay, >= 32 -> 64
        assertThat(decoder.keyChannels(3)).isEqualTo(4);
        assertThat(decoder.keyChannels(9)).isEqualTo(12);
        assertThat(decoder.keyChannels(12)).isEqualTo(16);
        assertThat(decoder.keyChannels(16)).isEqualTo(16);
        assertThat(decoder.keyChannels(1)).isEqualTo(1);
        assertThat(decoder.keyChannels(24)).isEqualTo(64);
        assertThat(decoder.keyChannels(32)).isEqualTo(64);
        assertThat(decoder.keyChannels(2048)).isEqualTo(64);
    }

    @Test
    void givenResNet50_whenDecoded_thenGroupsAreTheReferenceKeys() {
        // Given ResNet-50: keys (64,0) BN, (64,64,1,1), (64,64,3,3), (64,4,3,3), classifier weight and bias
        ComputationalGraph graph = DecoderBenchmark.resnet50Like(10);
        ParameterDecoder decoder = new ParameterDecoder(GhnConfig.ghn2(), new SplittableRandom(1));

        // When
        ParameterDecoder.Cache cache = decoder.forward(graph, randomStates(graph.nodeCount(), 32, 1, DataType.FLOAT));

        // Then
        assertThat(cache.groupCount()).isEqualTo(6);
        assertThat(cache.tensors(graph.nodeCount() - 2)[0].shape()).containsExactly(10L, 2048L);
        long predicted = 0;
        for (GraphNode node : graph.nodes()) {
            for (INDArray t : cache.tensors(node.index())) {
                predicted += t.length();
            }
        }
        assertThat(predicted).isEqualTo(graph.parameterCount());
    }

    @Test
    void givenOneBySevenAndSevenByOneConvs_whenNormalised_thenOnlyTheWideKernelHasBetaOne() {
        // Given a float64 decoder, its raw (unnormalised) conv outputs are the naive ones divided by the scale
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder decoder = new ParameterDecoder(SMALL, new SplittableRandom(12), DataType.DOUBLE);
        INDArray states = randomStates(graph.nodeCount(), 8, 13, DataType.DOUBLE);
        ParameterDecoder.Cache cache = decoder.forward(graph, states);

        // When the same states decode a 1x7 conv (beta 1) and a 7x1 conv (beta 2) of equal fan-in
        GraphNode oneBySeven = find(graph, "c1.conv1x7");
        GraphNode sevenByOne = find(graph, "c1.conv7x1");
        INDArray sameStates = states.dup();
        sameStates.putRow(sevenByOne.index(), states.getRow(oneBySeven.index()));
        ParameterDecoder.Cache cache2 = decoder.forward(graph, sameStates);

        // Then element (0,0,0,0) is the same raw value scaled by sqrt(1/56) and sqrt(2/56)
        double a = cache.tensors(oneBySeven.index())[0].getDouble(0, 0, 0, 0);
        double b = cache2.tensors(sevenByOne.index())[0].getDouble(0, 0, 0, 0);
        assertThat(b / a).isCloseTo(Math.sqrt(2), within(1e-9));
        INDArray pos = cache.tensors(find(graph, "pos_enc").index())[0];
        assertThat(pos.shape()).containsExactly(1L, 6L, 4L, 4L);
        // spatial repeat of the 3x3 map: row 3 equals row 0
        assertThat(pos.getDouble(0, 2, 3, 1)).isEqualTo(pos.getDouble(0, 2, 0, 1));
    }

    @Test
    void givenBatchNormNode_whenDecoded_thenScaleInZeroTwoAndShiftInMinusOneOne() {
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder decoder = new ParameterDecoder(SMALL, new SplittableRandom(14));
        ParameterDecoder.Cache cache = decoder.forward(graph, randomStates(graph.nodeCount(), 8, 15, DataType.FLOAT)
                .muli(50));

        INDArray[] bn = cache.tensors(find(graph, "stem.bn").index());
        assertThat(bn[0].minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(bn[0].maxNumber().doubleValue()).isLessThanOrEqualTo(2.0);
        assertThat(bn[1].amaxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        // 24 channels from a 16-channel block: channel 16 repeats channel 0
        assertThat(bn[0].getDouble(16)).isEqualTo(bn[0].getDouble(0));
    }

    @Test
    void givenNullGradients_whenBackward_thenZeroStateGradientsAndNoParameterChange() {
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder decoder = new ParameterDecoder(SMALL, new SplittableRandom(16));
        ParameterDecoder.Cache cache = decoder.forward(graph, randomStates(graph.nodeCount(), 8, 17, DataType.FLOAT));

        INDArray dStates = decoder.backward(cache, i -> null);

        assertThat(dStates.shape()).containsExactly(graph.nodeCount(), 8L);
        assertThat(dStates.amaxNumber().doubleValue()).isZero();
        for (Parameter p : decoder.parameters()) {
            assertThat(p.grad().amaxNumber().doubleValue()).isZero();
        }
    }

    @Test
    void givenMismatchedInputs_thenRejectedWithNamedField() {
        ComputationalGraph graph = DecoderTestGraphs.zoo();
        ParameterDecoder decoder = new ParameterDecoder(SMALL, new SplittableRandom(18));
        ParameterDecoder other = new ParameterDecoder(SMALL, new SplittableRandom(18));
        ParameterDecoder.Cache cache = decoder.forward(graph, randomStates(graph.nodeCount(), 8, 19, DataType.FLOAT));

        assertThatThrownBy(() -> decoder.forward(graph, randomStates(graph.nodeCount(), 7, 1, DataType.FLOAT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("states shape");
        assertThatThrownBy(() -> other.backward(cache, i -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache");
        assertThatThrownBy(() -> decoder.backward(cache, i -> new INDArray[] {Nd4j.zeros(DataType.FLOAT, 3)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradient of node");
        assertThatThrownBy(() -> new GhnConfig(30, 50, true, 11, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden must be a positive multiple of 4, but was 30");
    }

    static GraphNode find(ComputationalGraph graph, String name) {
        return graph.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
