package org.ghnas.ghn.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;

/** The reference's per-net widths during GHN training, scaled to C=8 and fc_dim 64. */
class WidthSamplerTest {

    private final WidthSampler sampler = new WidthSampler(8, 64);
    private final List<NetworkSpec> nets = DeepNets1MSampler.builder(-7).channels(8).fcDim(64).build().sample(300);

    @Test
    void givenNetsLargeAtC32_thenTheyKeepTheBaseWidth() {
        SplittableRandom rng = new SplittableRandom(1);
        for (NetworkSpec net : nets) {
            long paramsAt32 = NetworkPlan.parameterCount(net.withChannels(32).withFcDim(256), InputShape.CIFAR10);
            if (net.cells() > 12 || !net.globalAvg() || paramsAt32 > 800_000) {
                NetworkSpec widened = sampler.widen(net, rng);
                assertThat(widened.channels()).isEqualTo(8);
                assertThat(widened.fcDim()).isIn(64, 128, 192, 256);
                assertThat(widened.genotype()).isEqualTo(net.genotype());
            }
        }
    }

    @Test
    void givenManyNets_thenWidthsSpanOneToFourTimesTheBase_andOnlySmallNetsGetTheWidest() {
        SplittableRandom rng = new SplittableRandom(1);
        TreeSet<Integer> widths = new TreeSet<>();
        for (NetworkSpec net : nets) {
            NetworkSpec widened = sampler.widen(net, rng);
            widths.add(widened.channels());
            if (widened.channels() > 16) {
                assertThat(WidthSampler.factorCount(net)).isEqualTo(7);
                assertThat(net.cells()).isLessThanOrEqualTo(8);
            }
            assertThat(widened.withChannels(net.channels()).withFcDim(net.fcDim())).isEqualTo(net);
        }
        assertThat(widths).containsExactly(8, 12, 16, 20, 24, 28, 32);
    }

    @Test
    void givenTheSameRandomStream_thenTheSameWidths() {
        List<NetworkSpec> a = nets.stream().map(n -> sampler.widen(n, new SplittableRandom(5))).toList();
        List<NetworkSpec> b = nets.stream().map(n -> sampler.widen(n, new SplittableRandom(5))).toList();
        assertThat(a).isEqualTo(b);
    }
}
