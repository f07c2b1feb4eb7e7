package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.GraphNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Finite-difference checks, in float64, of every decoder parameter and of the node-state gradient on the zoo graph
 * (conv 3x3/1x1/1x7/7x1, depthwise 3x3, dilated 5x5, linear, classifier weight and bias, BN, LN, bias, position
 * encoding, out/in tiling, kernels larger than s). The loss is {@code sum_i <T_i, R_i>} for fixed random R.
 */
class ParameterDecoderGradientTest {

    private static final GhnConfig SMALL = new GhnConfig(8, 50, true, 3, 4);
    private static final double EPS = 1e-6;

    private ComputationalGraph graph;
    private ParameterDecoder decoder;
    private INDArray states;
    private INDArray[][] weights;

    @BeforeEach
    void setUp() {
        graph = DecoderTestGraphs.zoo();
        decoder = new ParameterDecoder(SMALL, new SplittableRandom(21), DataType.DOUBLE);
        states = ParameterDecoderTest.randomStates(graph.nodeCount(), 8, 22, DataType.DOUBLE);
        SplittableRandom r = new SplittableRandom(23);
        weights = new INDArray[graph.nodeCount()][];
        for (GraphNode node : graph.nodes()) {
            weights[node.index()] = new INDArray[node.tensorCount()];
            long[] shape = node.shape().stream().mapToLong(Integer::longValue).toArray();
            for (int k = 0; k < node.tensorCount(); k++) {
                weights[node.index()][k] = ParameterDecoderTest.randomStates(1, (int) shapeLength(shape),
                        r.nextLong(), DataType.DOUBLE).reshape(shape);
            }
        }
    }

    private static long shapeLength(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private double loss(INDArray x) {
        ParameterDecoder.Cache cache = decoder.forward(graph, x);
        double l = 0;
        for (GraphNode node : graph.nodes()) {
            INDArray[] t = cache.tensors(node.index());
            for (int k = 0; k < t.length; k++) {
                l += t[k].mul(weights[node.index()][k]).sumNumber().doubleValue();
            }
        }
        return l;
    }

    private INDArray backward() {
        decoder.zeroGrad();
        return decoder.backward(decoder.forward(graph, states), i -> weights[i]);
    }

    @Test
    void givenEveryDecoderParameter_whenPerturbed_thenLossChangesByItsGradient() {
        // Given the analytic gradients
        backward();
        SplittableRandom r = new SplittableRandom(24);
        for (Parameter p : decoder.parameters()) {
            INDArray grad = p.grad().dup();
            assertThat(grad.amaxNumber().doubleValue()).as(p.name() + " gradient is used").isPositive();

            // When moving along a random direction over the whole tensor
            INDArray dir = ParameterDecoderTest.randomStates(1, (int) p.size(), r.nextLong(), DataType.DOUBLE)
                    .reshape(p.value().shape());
            INDArray saved = p.value().dup();
            p.value().addi(dir.mul(EPS));
            double plus = loss(states);
            p.value().assign(saved).subi(dir.mul(EPS));
            double minus = loss(states);
            p.value().assign(saved);

            // Then the loss changes by <grad, direction>
            assertClose((plus - minus) / (2 * EPS), grad.mul(dir).sumNumber().doubleValue(), p.name());

            // And single entries agree too: the largest-gradient entry and a few random ones
            long[] picks = {grad.reshape(grad.length()).argMax(0).getLong(0), r.nextLong(p.size()),
                r.nextLong(p.size()), r.nextLong(p.size())};
            for (long idx : picks) {
                assertClose(numericEntry(p.value(), idx), grad.reshape(grad.length()).getDouble(idx),
                        p.name() + "[" + idx + "]");
            }
        }
    }

    @Test
    void givenEveryNodeState_whenPerturbed_thenLossChangesByStateGradient() {
        // Given
        INDArray dStates = backward();

        // When / Then: every entry of every row (nodes without parameters get zero)
        for (int i = 0; i < graph.nodeCount(); i++) {
            for (int c = 0; c < 8; c++) {
                long idx = (long) i * 8 + c;
                double numeric = numericEntry(states, idx);
                assertClose(numeric, dStates.getDouble(i, c), "dStates[" + i + "," + c + "]");
                if (!graph.node(i).hasParameters()) {
                    assertThat(dStates.getDouble(i, c)).isZero();
                }
            }
        }
    }

    @Test
    void givenTwoBackwardPasses_thenGradientsAccumulate() {
        backward();
        INDArray once = decoder.parameters().get(4).grad().dup();

        decoder.backward(decoder.forward(graph, states), i -> weights[i]);

        assertThat(decoder.parameters().get(4).grad().sub(once.mul(2)).amaxNumber().doubleValue())
                .isLessThan(1e-12);
    }

    @Test
    void givenGradientsForSomeTensorsOnly_thenOthersCountAsZero() {
        // Given only the BN shift of the stem has a gradient
        int bn = ParameterDecoderTest.find(graph, "stem.bn").index();
        INDArray shiftGrad = weights[bn][1];

        // When
        INDArray dStates = decoder.backward(decoder.forward(graph, states),
                i -> i == bn ? new INDArray[] {null, shiftGrad} : null);

        // Then only that node's state and the 1-D decoder receive gradient
        assertThat(dStates.getRow(bn).amaxNumber().doubleValue()).isPositive();
        assertThat(dStates.sumNumber().doubleValue()).isEqualTo(dStates.getRow(bn).sumNumber().doubleValue());
        assertThat(decoder.parameters().get(0).grad().amaxNumber().doubleValue()).isZero();
        assertThat(decoder.parameters().get(10).grad().amaxNumber().doubleValue()).isPositive();
        Nd4j.getExecutioner().commit();
    }

    private double numericEntry(INDArray array, long idx) {
        INDArray flat = array.reshape(array.length());
        double v = flat.getDouble(idx);
        flat.putScalar(idx, v + EPS);
        double plus = loss(states);
        flat.putScalar(idx, v - EPS);
        double minus = loss(states);
        flat.putScalar(idx, v);
        return (plus - minus) / (2 * EPS);
    }

    private static void assertClose(double numeric, double analytic, String what) {
        double tol = 1e-7 + 1e-6 * Math.max(Math.abs(numeric), Math.abs(analytic));
        assertThat(analytic).as(what + " numeric=" + numeric).isCloseTo(numeric,
                org.assertj.core.api.Assertions.within(tol));
    }
}
