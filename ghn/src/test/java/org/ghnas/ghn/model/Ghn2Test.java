package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.RunnableNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The glue's reverse pass against finite differences: image cross-entropy of a tiny target net whose every tensor
 * the GHN predicts, differentiated w.r.t. every GHN tensor (GNN and decoders) along a random direction.
 */
class Ghn2Test {

    static final GhnConfig SMALL = new GhnConfig(8, 50, true, 3, 10);
    static final InputShape TINY = new InputShape(1, 8, 8, 10, false);

    /** Two cells with conv, separable, dilated, pool and skip ops, BN, a two-layer classifier. */
    static NetworkSpec tinySpec() {
        Genotype g = new Genotype(
                List.of(CellOp.of("conv_3x3", 0), CellOp.of("sep_conv_3x3", 1),
                        CellOp.of("dil_conv_3x3", 2), CellOp.of("skip_connect", 0)),
                List.of(2, 3),
                List.of(CellOp.of("max_pool_3x3", 0), CellOp.of("conv_1x1", 1),
                        CellOp.of("avg_pool_3x3", 2), CellOp.of("conv_3x3", 1)),
                List.of(2, 3));
        return NetworkSpec.builder(g).channels(8).cells(2).channelMultiplier(1).fcLayers(2).fcDim(12).build();
    }

    private static INDArray images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Nd4j.create(v, new long[] {n, 1, 8, 8}, DataType.DOUBLE);
    }

    private static final int[] LABELS = {3, 7, 1, 0};

    private static double loss(Ghn2 ghn, NetworkPlan plan, INDArray x) {
        Ghn2.Prediction p = ghn.forward(plan);
        INDArray logits = RunnableNetwork.of(plan).predict(p.parameters(), x);
        return crossEntropy(logits.toDoubleMatrix())[0][0];
    }

    /** {{loss}, dLogits rows...}: mean softmax cross-entropy over the batch. */
    private static double[][] crossEntropy(double[][] z) {
        double[][] out = new double[z.length + 1][];
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            double max = java.util.Arrays.stream(z[i]).max().orElseThrow();
            double sum = 0;
            out[i + 1] = new double[z[i].length];
            for (int j = 0; j < z[i].length; j++) {
                out[i + 1][j] = Math.exp(z[i][j] - max);
                sum += out[i + 1][j];
            }
            loss += Math.log(sum) - (z[i][LABELS[i]] - max);
            for (int j = 0; j < z[i].length; j++) {
                out[i + 1][j] = (out[i + 1][j] / sum - (j == LABELS[i] ? 1 : 0)) / z.length;
            }
        }
        out[0] = new double[] {loss / z.length};
        return out;
    }

    @Test
    void givenTinyNet_whenBackward_thenEveryGhnGradientMatchesFiniteDifferences() {
        // Given a float64 GHN predicting every tensor of a tiny net, and its analytic gradient
        Ghn2 ghn = new Ghn2(SMALL, new SplittableRandom(5), DataType.DOUBLE);
        NetworkPlan plan = NetworkPlan.of(tinySpec(), TINY);
        INDArray x = images(4, 6);
        RunnableNetwork net = RunnableNetwork.of(plan);
        Ghn2.Prediction p = ghn.forward(plan);
        RunnableNetwork.Pass pass = net.forward(p.parameters(), x, false, null);
        double[][] ce = crossEntropy(pass.logits().toDoubleMatrix());
        double[][] dz = java.util.Arrays.copyOfRange(ce, 1, ce.length);
        ghn.zeroGrad();
        ghn.backward(p, net.backward(pass, Nd4j.create(dz)));

        SplittableRandom r = new SplittableRandom(9);
        for (Parameter param : ghn.parameters()) {
            // When the loss is moved along a random direction over the whole tensor
            INDArray value = param.value();
            INDArray base = value.dup();
            double[] d = new double[Math.toIntExact(value.length())];
            for (int k = 0; k < d.length; k++) {
                d[k] = r.nextDouble() - 0.5;
            }
            INDArray dir = Nd4j.create(d, value.shape(), DataType.DOUBLE).castTo(value.dataType());
            double step = value.dataType() == DataType.DOUBLE ? 1e-6 : 1e-4;
            value.assign(base.add(dir.mul(step)));
            INDArray plus = value.castTo(DataType.DOUBLE).dup();
            double lossPlus = loss(ghn, plan, x);
            value.assign(base.sub(dir.mul(step)));
            INDArray minus = value.castTo(DataType.DOUBLE).dup();
            double lossMinus = loss(ghn, plan, x);
            value.assign(base);
            double numeric = lossPlus - lossMinus;
            double analytic = param.grad().castTo(DataType.DOUBLE).mul(plus.sub(minus)).sumNumber().doubleValue();

            // Then it changes as the gradient says
            assertThat(param.grad().amaxNumber().doubleValue()).as(param.name() + " receives a gradient").isPositive();
            double tol = 1e-4 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 1e-10;
            assertThat(analytic).as(param.name()).isCloseTo(numeric, org.assertj.core.data.Offset.offset(
                    value.dataType() == DataType.DOUBLE ? tol : 2e-2 * Math.abs(numeric) + 1e-9));
        }
    }

    @Test
    void givenSameSeed_whenBuiltTwice_thenPredictionsAreIdentical() {
        NetworkPlan plan = NetworkPlan.of(tinySpec(), TINY);
        Ghn2.Prediction a = new Ghn2(SMALL, 11).forward(plan);
        Ghn2.Prediction b = new Ghn2(SMALL, 11).forward(plan);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertThat(a.parameters().tensor(i)).isEqualTo(b.parameters().tensor(i));
        }
        assertThat(a.embedding()).containsExactly(b.embedding());
    }

    @Test
    void givenPredictionOfAnotherGhn_whenBackward_thenRejected() {
        NetworkPlan plan = NetworkPlan.of(tinySpec(), TINY);
        Ghn2.Prediction p = new Ghn2(SMALL, 1).forward(plan);
        assertThatThrownBy(() -> new Ghn2(SMALL, 2).backward(p, new INDArray[plan.parameters().size()]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction");
    }
    @Test
    void givenTwoNetsBackwardOnTwoThreads_whenEachFillsItsOwnGradients_thenTheirSumEqualsTheSequentialPasses()
            throws Exception {
        // Given a GHN and the loss gradients of two differently seeded image batches through the tiny net
        Ghn2 ghn = new Ghn2(SMALL, 3);
        NetworkPlan plan = NetworkPlan.of(tinySpec(), TINY);
        RunnableNetwork net = RunnableNetwork.of(plan);
        Ghn2.Prediction[] p = new Ghn2.Prediction[2];
        INDArray[][] planGrads = new INDArray[2][];
        for (int k = 0; k < 2; k++) {
            p[k] = ghn.forward(plan);
            RunnableNetwork.Pass pass = net.forward(p[k].parameters(), images(4, 20 + k).castTo(DataType.FLOAT),
                    false, null);
            double[][] ce = crossEntropy(pass.logits().toDoubleMatrix());
            planGrads[k] = net.backward(pass, Nd4j.create(java.util.Arrays.copyOfRange(ce, 1, ce.length))
                    .castTo(DataType.FLOAT));
        }
        ghn.zeroGrad();
        ghn.backward(p[0], planGrads[0]);
        ghn.backward(p[1], planGrads[1]);
        List<INDArray> sequential = ghn.parameters().stream().map(q -> q.grad().dup()).toList();

        // When each pass goes into its own accumulators on its own thread, and these are added in net order
        Ghn2.Gradients[] g = {ghn.newGradients(), ghn.newGradients()};
        Thread other = new Thread(() -> ghn.backward(p[1], planGrads[1], g[1]));
        other.start();
        ghn.backward(p[0], planGrads[0], g[0]);
        other.join();
        ghn.zeroGrad();
        ghn.addGradients(g[0]);
        List<INDArray> first = ghn.parameters().stream().map(q -> q.grad().dup()).toList();
        ghn.addGradients(g[1]);

        // Then one pass alone is bit for bit the direct pass, and the two agree with the sequential sum to rounding
        ghn.zeroGrad();
        ghn.backward(p[0], planGrads[0]);
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i)).as(ghn.parameters().get(i).name()).isEqualTo(ghn.parameters().get(i).grad());
        }
        ghn.zeroGrad();
        ghn.addGradients(g[0]);
        ghn.addGradients(g[1]);
        for (int i = 0; i < sequential.size(); i++) {
            INDArray want = sequential.get(i);
            INDArray got = ghn.parameters().get(i).grad();
            double scale = want.amaxNumber().doubleValue();
            assertThat(scale).as(ghn.parameters().get(i).name() + " receives a gradient").isPositive();
            assertThat(got.sub(want).amaxNumber().doubleValue()).as(ghn.parameters().get(i).name())
                    .isLessThanOrEqualTo(1e-5 * scale);
        }
    }

    @Test
    void givenGradientsOfAnotherGhn_whenBackwardOrAdded_thenRejected() {
        NetworkPlan plan = NetworkPlan.of(tinySpec(), TINY);
        Ghn2 ghn = new Ghn2(SMALL, 1);
        Ghn2.Gradients foreign = new Ghn2(SMALL, 2).newGradients();
        Ghn2.Prediction p = ghn.forward(plan);
        assertThatThrownBy(() -> ghn.backward(p, new INDArray[plan.parameters().size()], foreign))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("into");
        assertThatThrownBy(() -> ghn.addGradients(foreign))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another");
    }
}
