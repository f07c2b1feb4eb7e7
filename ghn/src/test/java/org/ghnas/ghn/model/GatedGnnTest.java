package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ghnas.space.graph.ComputationalGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GatedGnnTest {

    @Test
    void givenGhn2Config_whenBuilt_thenParametersHaveReferenceNamesAndSizes() {
        // When
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(1));

        // Then
        assertThat(gnn.parameters()).extracting(Parameter::name).containsExactly(
                "embed.weight", "shape_enc.embed_channel.weight", "shape_enc.embed_spatial.weight",
                "gnn.mlp.fc.0.weight", "gnn.mlp.fc.0.bias", "gnn.mlp.fc.2.weight", "gnn.mlp.fc.2.bias",
                "gnn.mlp_ve.fc.0.weight", "gnn.mlp_ve.fc.0.bias", "gnn.mlp_ve.fc.2.weight", "gnn.mlp_ve.fc.2.bias",
                "gnn.gru.weight_ih", "gnn.gru.weight_hh", "gnn.gru.bias_ih", "gnn.gru.bias_hh",
                "ln.weight", "ln.bias");
        assertThat(gnn.parameters().get(1).value().shape()).containsExactly(392, 8);
        assertThat(gnn.parameters().get(3).value().shape()).containsExactly(16, 32);
        assertThat(gnn.parameters().get(11).value().shape()).containsExactly(96, 32);
        // 15*32 + 392*8 + 9*8 + 2*(32*16+16+16*32+32) + 2*96*32 + 2*96 + 2*32
        assertThat(gnn.parameterCount()).isEqualTo(12232);
        // GHN-1 has one hid-hid-hid MLP and no LayerNorm: 96 scalars fewer, as in the reference (facts §3.1)
        assertThat(new GatedGnn(GhnConfig.ghn1(), new SplittableRandom(1)).parameterCount()).isEqualTo(12136);
    }

    @Test
    void givenGhn2Config_whenBuilt_thenInitialisationFollowsPytorchDefaults() {
        // When
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(3));

        // Then
        double[] embed = gnn.parameters().get(0).value().data().asDouble();
        double var = Stream.of(embed).flatMapToDouble(java.util.Arrays::stream).map(x -> x * x).sum() / embed.length;
        assertThat(var).isCloseTo(1.0, within(0.2));
        assertThat(gnn.parameters().get(3).value().amaxNumber().doubleValue()).isLessThanOrEqualTo(1 / Math.sqrt(32));
        assertThat(gnn.parameters().get(5).value().amaxNumber().doubleValue()).isLessThanOrEqualTo(1 / Math.sqrt(16))
                .isGreaterThan(1 / Math.sqrt(32));
        assertThat(gnn.parameters().get(15).value().toDoubleVector()).containsOnly(1.0);
        assertThat(gnn.parameters().get(16).value().toDoubleVector()).containsOnly(0.0);
        assertThat(gnn.parameters()).allSatisfy(p -> assertThat(p.grad().sumNumber().doubleValue()).isZero());
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("GHN-2", GhnConfig.ghn2()),
                Arguments.of("cutoff 3, no LayerNorm", GhnConfig.ghn2().withVirtualEdgeCutoff(3).withLayerNorm(false)),
                Arguments.of("GHN-1", GhnConfig.ghn1()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void givenHandBuiltGraph_whenForward_thenStatesMatchLiteralReferenceLoop(String label, GhnConfig config) {
        // Given
        GatedGnn gnn = new GatedGnn(config, new SplittableRandom(11));
        List<ComputationalGraph> graphs = List.of(TestGraphs.branchy(), TestGraphs.chain(9),
                SyntheticGraphs.chainWithSkips(70, new SplittableRandom(5)));

        for (ComputationalGraph g : graphs) {
            // When
            GatedGnn.Cache cache = gnn.forward(g);
            double[][] expected = new NaiveGatedGnn(gnn).states(g);

            // Then
            double[][] actual = cache.stateValues();
            assertThat(actual.length).isEqualTo(g.nodeCount());
            for (int v = 0; v < actual.length; v++) {
                for (int j = 0; j < actual[v].length; j++) {
                    assertThat(actual[v][j]).as("node %d, feature %d", v, j).isCloseTo(expected[v][j], within(1e-9));
                }
            }
            assertThat(cache.states().shape()).containsExactly(g.nodeCount(), config.hidden());
            assertThat(cache.states().getDouble(g.nodeCount() - 1, 3)).isCloseTo(expected[g.nodeCount() - 1][3],
                    within(1e-6));
        }
    }

    @Test
    void givenLongChain_whenCutoffChanges_thenVirtualEdgesChangeTheEmbedding() {
        // Given
        ComputationalGraph chain = TestGraphs.chain(30);
        GatedGnn far = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(4));
        GatedGnn near = new GatedGnn(GhnConfig.ghn2().withVirtualEdgeCutoff(2), new SplittableRandom(4));

        // When
        float[] a = far.embed(chain);
        float[] b = near.embed(chain);

        // Then: same parameters, different reach of the virtual-edge messages
        assertThat(a).isNotEqualTo(b);
    }

    static Stream<Arguments> gradientVariants() {
        return Stream.of(
                Arguments.of("GHN-2, hidden 8", GhnConfig.ghn2().withHidden(8), TestGraphs.branchy(), 0),
                Arguments.of("cutoff 3, no LN, hidden 8",
                        GhnConfig.ghn2().withHidden(8).withVirtualEdgeCutoff(3).withLayerNorm(false),
                        TestGraphs.branchy(), 0),
                Arguments.of("GHN-1, hidden 8", GhnConfig.ghn1().withHidden(8), TestGraphs.branchy(), 0),
                Arguments.of("GHN-2, hidden 32, 40-node graph, sampled", GhnConfig.ghn2(),
                        SyntheticGraphs.chainWithSkips(40, new SplittableRandom(9)), 24));
    }

    /**
     * Central differences of {@code L = sum(R * y) + sum(y^2) / 2} over the states {@code y} for every parameter
     * coordinate (or {@code samples} per parameter), step 1e-5 (1e-6 where the step crosses a ReLU kink); the loss is accumulated in double and the step is the
     * difference of the float32 values actually stored, so the comparison is tight.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientVariants")
    void givenLoss_whenBackward_thenGradientsMatchFiniteDifferences(String label, GhnConfig config,
            ComputationalGraph g, int samples) {
        // Given
        GatedGnn gnn = new GatedGnn(config, new SplittableRandom(21));
        SplittableRandom rng = new SplittableRandom(22);
        double[][] weights = new double[g.nodeCount()][config.hidden()];
        for (double[] row : weights) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }

        // When
        GatedGnn.Cache cache = gnn.forward(g);
        double[][] y = cache.stateValues();
        double[][] dy = new double[y.length][];
        for (int v = 0; v < y.length; v++) {
            dy[v] = new double[y[v].length];
            for (int j = 0; j < y[v].length; j++) {
                dy[v][j] = weights[v][j] + y[v][j];
            }
        }
        gnn.backward(cache, dy);

        // Then
        int checked = 0;
        for (Parameter p : gnn.parameters()) {
            DataBuffer value = p.value().data();
            DataBuffer grad = p.grad().data();
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < p.length(); i++) {
                indices.add(i);
            }
            if (samples > 0) {
                java.util.Collections.shuffle(indices, new java.util.Random(p.name().hashCode()));
                indices = indices.subList(0, Math.min(samples, indices.size()));
            }
            for (int i : indices) {
                double analytic = grad.getDouble(i);
                double numeric = centralDifference(gnn, g, weights, value, i, 1e-5);
                if (!close(analytic, numeric)) {
                    // a ReLU kink within the step: a ten times smaller step is past it
                    numeric = centralDifference(gnn, g, weights, value, i, 1e-6);
                }
                assertThat(close(analytic, numeric)).as("%s[%d]: analytic %s, numeric %s", p.name(), i, analytic,
                        numeric).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(samples > 0 ? 300 : 1000);
    }

    private static double centralDifference(GatedGnn gnn, ComputationalGraph g, double[][] weights,
            DataBuffer value, int i, double step) {
        float original = value.getFloat(i);
        float plus = (float) (original + step);
        float minus = (float) (original - step);
        value.put(i, plus);
        double lossPlus = loss(gnn, g, weights);
        value.put(i, minus);
        double lossMinus = loss(gnn, g, weights);
        value.put(i, original);
        return (lossPlus - lossMinus) / ((double) plus - minus);
    }

    private static boolean close(double analytic, double numeric) {
        return Math.abs(analytic - numeric) <= 1e-6 + 1e-5 * Math.max(Math.abs(numeric), Math.abs(analytic));
    }

    private static double loss(GatedGnn gnn, ComputationalGraph g, double[][] weights) {
        double[][] y = gnn.forward(g).stateValues();
        double l = 0;
        for (int v = 0; v < y.length; v++) {
            for (int j = 0; j < y[v].length; j++) {
                l += weights[v][j] * y[v][j] + 0.5 * y[v][j] * y[v][j];
            }
        }
        return l;
    }

    @Test
    void givenFloatStateGradient_whenBackwardTwice_thenGradientsAccumulate() {
        // Given
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(2));
        GatedGnn.Cache cache = gnn.forward(TestGraphs.branchy());
        INDArray ones = Nd4j.onesLike(cache.states());

        // When
        gnn.backward(cache, ones);
        INDArray once = gnn.parameters().get(11).grad().dup();
        gnn.backward(cache, ones);

        // Then
        INDArray twice = gnn.parameters().get(11).grad();
        assertThat(once.sumNumber().doubleValue()).isNotZero();
        assertThat(twice.sub(once.mul(2)).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void givenSameSeed_whenBuiltTwice_thenParametersAndEmbeddingsAreIdentical() {
        // Given
        ComputationalGraph g = SyntheticGraphs.chainWithSkips(120, new SplittableRandom(8));

        // When
        GatedGnn a = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(42));
        GatedGnn b = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(42));
        GatedGnn c = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(43));

        // Then
        for (int i = 0; i < a.parameters().size(); i++) {
            assertThat(a.parameters().get(i).value()).isEqualTo(b.parameters().get(i).value());
        }
        assertThat(a.embed(g)).containsExactly(b.embed(g));
        assertThat(a.embed(g)).isNotEqualTo(c.embed(g));
    }

    @Test
    void givenGraph_whenEmbedded_thenEqualsMeanOfForwardStates() {
        // Given
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(5));
        ComputationalGraph g = SyntheticGraphs.chainWithSkips(200, new SplittableRandom(6));

        // When
        float[] fast = gnn.embed(g);
        GatedGnn.Cache cache = gnn.forward(g);

        // Then
        assertThat(fast).hasSize(32).containsExactly(cache.embedding());
        float[] mean = cache.states().mean(0).toFloatVector();
        for (int j = 0; j < 32; j++) {
            assertThat(fast[j]).isCloseTo(mean[j], within(1e-5f));
        }
    }

    @Test
    void givenFrozenEmbedder_whenParametersChangeLater_thenItKeepsTheSnapshot() {
        // Given
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(5));
        ComputationalGraph g = TestGraphs.branchy();
        var embedder = gnn.embedder();
        float[] before = gnn.embed(g);

        // When
        gnn.parameters().get(0).value().addi(0.5);

        // Then
        assertThat(embedder.apply(g)).containsExactly(before);
        assertThat(gnn.embed(g)).isNotEqualTo(before);
    }

    @Test
    void givenWrongInputs_whenBackward_thenRejected() {
        // Given
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(5));
        GatedGnn other = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(5));
        GatedGnn.Cache cache = gnn.forward(TestGraphs.branchy());

        // Then
        assertThatThrownBy(() -> gnn.backward(cache, Nd4j.ones(11, 32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dStates must have shape [12, 32], but was [11, 32].");
        assertThatThrownBy(() -> other.backward(cache, Nd4j.ones(12, 32)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache must come from forward() of this GatedGnn");
    }
}
