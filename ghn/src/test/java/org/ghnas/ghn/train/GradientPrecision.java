package org.ghnas.ghn.train;

import java.util.Locale;
import java.util.SplittableRandom;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How far the float32 target-network gradients of GHN training are from float64: the nets of the trainer's first
 * {@code steps} steps (seed 1), parameters predicted by a freshly initialised GHN, one image batch, a fixed random
 * upstream gradient on the logits; prints per net the relative L2 error of all parameter gradients in float32
 * against the same pass in float64. Args: steps metaBatch C batch. Run with OMP_NUM_THREADS=1.
 */
public final class GradientPrecision {

    private GradientPrecision() {
    }

    public static void main(String[] args) {
        TrainingDraws draws = TrainingDraws.of(args);
        ImageBatch batch = draws.batch();
        Ghn2 ghn = draws.ghn();
        double worst = 0;
        for (int t = 0; t < draws.steps(); t++) {
            for (NetworkSpec spec : draws.nets(t)) {
                NetworkPlan plan = NetworkPlan.of(spec, InputShape.FASHION_MNIST);
                NetworkParameters single = ghn.forward(plan).parameters();
                INDArray[] wide = new INDArray[single.size()];
                for (int i = 0; i < wide.length; i++) {
                    wide[i] = single.tensor(i).castTo(DataType.DOUBLE);
                }
                INDArray images = ImageTensors.of(batch);
                INDArray[] reference = gradients(plan, NetworkParameters.of(plan, wide),
                        images.castTo(DataType.DOUBLE));
                INDArray[] actual = gradients(plan, single, images);
                double err = 0;
                double norm = 0;
                for (int i = 0; i < reference.length; i++) {
                    if (reference[i] != null) {
                        norm += Math.pow(reference[i].norm2Number().doubleValue(), 2);
                        err += Math.pow(actual[i].sub(reference[i]).norm2Number().doubleValue(), 2);
                    }
                }
                double relative = Math.sqrt(err / norm);
                worst = Math.max(worst, relative);
                System.out.printf(Locale.ROOT, "step %d: %d layers, |grad| %.4g, float32 relative error %.3g%n", t,
                        plan.layers().size(), Math.sqrt(norm), relative);
            }
        }
        System.out.printf(Locale.ROOT, "largest relative error %.3g%n", worst);
    }

    /** Parameter gradients in double, for the same upstream gradient in both precisions. */
    private static INDArray[] gradients(NetworkPlan plan, NetworkParameters params, INDArray images) {
        RunnableNetwork net = RunnableNetwork.of(plan);
        try (RunnableNetwork.Pass pass = net.forward(params, images, true, new SplittableRandom(1))) {
            Nd4j.getRandom().setSeed(5);
            INDArray dz = Nd4j.rand(DataType.DOUBLE, pass.logits().shape()).muli(1e-3)
                    .castTo(pass.logits().dataType());
            INDArray[] g = net.backward(pass, dz);
            INDArray[] out = new INDArray[g.length];
            for (int i = 0; i < g.length; i++) {
                out[i] = g[i] == null ? null : g[i].castTo(DataType.DOUBLE).dup();
            }
            return out;
        }
    }
}
