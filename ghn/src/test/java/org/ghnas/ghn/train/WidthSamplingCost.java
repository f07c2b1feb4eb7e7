package org.ghnas.ghn.train;

import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;

/**
 * What drawing widths ({@code sampleWidthsFrom}) costs a training run: over the nets of the first STEPS steps of
 * the default config (m=4, C=8, fc 64), the share of nets at each C and the ratio of their multiply-accumulates to
 * the same nets at C=8. Run: {@code java ... WidthSamplingCost [steps]}.
 */
public final class WidthSamplingCost {

    private WidthSamplingCost() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        GhnTrainingConfig c = GhnTrainingConfig.defaults();
        WidthSampler widths = new WidthSampler(c.channels(), c.fcDim());
        SplittableRandom rng = new SplittableRandom(c.seed());
        TreeMap<Integer, Integer> nets = new TreeMap<>();
        double base = 0;
        double widened = 0;
        for (int t = 0; t < steps; t++) {
            for (NetworkSpec s : DeepNets1MSampler.builder(GhnTrainer.trainingSamplerSeed(c.seed(), t))
                    .channels(c.channels()).fcDim(c.fcDim()).build().sample(c.metaBatch())) {
                NetworkSpec w = widths.widen(s, rng);
                base += NetworkPlan.of(s, InputShape.FASHION_MNIST).macs();
                widened += NetworkPlan.of(w, InputShape.FASHION_MNIST).macs();
                nets.merge(w.channels(), 1, Integer::sum);
            }
        }
        int n = steps * c.metaBatch();
        System.out.printf("%d nets of %d steps; multiply-accumulates with drawn widths / at C=%d: %.2f%n", n, steps,
                c.channels(), widened / base);
        nets.forEach((ch, k) -> System.out.printf("C=%d: %.1f%%%n", ch, 100.0 * k / n));
    }
}
