package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Stream;
import org.ghnas.space.Architecture;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.OpType;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Finite-difference check of back-propagation through whole tiny networks, one per op type and network-level
 * choice, in float64.
 */
class RunnableNetworkGradientTest {

    static final InputShape TINY = new InputShape(2, 12, 12, 3, false);

    static NetworkSpec.Builder cellNet(String op) {
        Genotype g = new Genotype(
                List.of(CellOp.of(op, 1), CellOp.of("conv_1x1", 0), CellOp.of(op, 2), CellOp.of("skip_connect", 0)),
                List.of(2, 3),
                List.of(CellOp.of(op, 0), CellOp.of("max_pool_3x3", 1)), List.of(2));
        return NetworkSpec.builder(g).channels(8).cells(3).channelMultiplier(2);
    }

    static Stream<Arguments> networks() {
        List<Arguments> all = new ArrayList<>();
        for (OpType op : OpType.all()) {
            if (op != OpType.NONE) {
                all.add(Arguments.of(op.specName(), cellNet(op.specName()).build()));
            }
        }
        all.add(Arguments.of("none + zeros", cellNet("none").build()));
        all.add(Arguments.of("stem_type 1, fc 2", cellNet("sep_conv_3x3").stemType(1).fcLayers(2).fcDim(6).build()));
        all.add(Arguments.of("stem_pool, flatten", cellNet("dil_conv_3x3").stemPool(true).globalAvg(false).build()));
        all.add(Arguments.of("bn-free", cellNet("conv_3x3").norm(Norm.NONE).build()));
        Genotype vit = new Genotype(List.of(CellOp.of("none", 0), CellOp.of("msa", 1)), List.of(2),
                List.of(CellOp.of("none", 0), CellOp.of("avg_pool_3x3", 1)), List.of(2));
        all.add(Arguments.of("vit stem", NetworkSpec.builder(vit).channels(8).cells(2).channelMultiplier(1)
                .preproc(false).build()));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void backwardMatchesFiniteDifferences(String label, Architecture spec) {
        NetworkPlan plan = NetworkPlan.of(spec, TINY);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 7, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, TINY.channels(), TINY.height(), TINY.width());
        INDArray r = Nd4j.randn(DataType.DOUBLE, 4, TINY.classes());

        INDArray[] grads = net.backward(net.forward(params, x, true, rng()), r);
        assertThat(grads).hasSize(plan.parameters().size());

        RandomGenerator pick = rng();
        double eps = 1e-6;
        int checked = 0;
        // one tensor of every (layer kind, role, position) triple, two entries each: every op's reverse step is covered
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (ParameterSpec p : plan.parameters()) {
            String kind = plan.layer(p.layer()).op().getClass().getSimpleName() + "/" + p.role()
                    + "/" + plan.layer(p.layer()).name().replaceAll("[0-9]+", "#");
            if (seen.merge(kind, 1, Integer::sum) > 1) {
                continue;
            }
            INDArray w = params.tensor(p.index());
            for (int k = 0; k < 2; k++) {
                long i = pick.nextLong(w.length());
                double old = w.getDouble(i);
                w.putScalar(i, old + eps);
                double plus = loss(net, params, x, r);
                w.putScalar(i, old - eps);
                double minus = loss(net, params, x, r);
                w.putScalar(i, old);
                double numeric = (plus - minus) / (2 * eps);
                double analytic = grads[p.index()].getDouble(i);
                assertThat(analytic).as("%s: d/d %s[%d]", label, p.name(), i)
                        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-5 + 1e-4 * Math.abs(numeric)));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(0);
    }

    private static double loss(RunnableNetwork net, NetworkParameters params, INDArray x, INDArray r) {
        return net.forward(params, x, true, rng()).logits().mul(r).sumNumber().doubleValue();
    }

    /** The same dropout masks on every pass. */
    private static RandomGenerator rng() {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(3);
    }
}
