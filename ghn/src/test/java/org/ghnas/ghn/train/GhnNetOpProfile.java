package org.ghnas.ghn.train;

import java.util.SplittableRandom;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.OpProfile;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.Workspaces;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ops the target nets of GHN training spend their time in: the nets of the first {@code steps} training steps
 * (the trainer's own draws for seed 1), each run forward and backward twice on GHN-predicted parameters, the second
 * pass profiled per op kind. Args: steps metaBatch C batch. Run with OMP_NUM_THREADS=1.
 */
public final class GhnNetOpProfile {

    private GhnNetOpProfile() {
    }

    public static void main(String[] args) {
        TrainingDraws draws = TrainingDraws.of(args);
        ImageBatch batch = draws.batch();
        Ghn2 ghn = draws.ghn();
        OpProfile profile = new OpProfile();
        double forward = 0;
        double backward = 0;
        int nets = 0;
        for (int t = 0; t < draws.steps(); t++) {
            for (NetworkSpec spec : draws.nets(t)) {
                NetworkPlan plan = NetworkPlan.of(spec, InputShape.FASHION_MNIST);
                double[] s = null;
                for (int rep = 0; rep < 2; rep++) {
                    OpProfile use = rep == 1 ? profile : new OpProfile();
                    s = Workspaces.scoped("profile", () -> {
                        Ghn2.Prediction p = ghn.forward(plan);
                        RunnableNetwork net = RunnableNetwork.profiled(plan, use);
                        long t0 = System.nanoTime();
                        try (RunnableNetwork.Pass pass = net.forward(p.parameters(), ImageTensors.of(batch), true,
                                new SplittableRandom(1))) {
                            INDArray dz = Nd4j.rand(pass.logits().dataType(), pass.logits().shape()).muli(1e-3);
                            long t1 = System.nanoTime();
                            net.backward(pass, dz);
                            return new double[] {(t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9};
                        }
                    });
                }
                forward += s[0];
                backward += s[1];
                nets++;
            }
        }
        System.out.printf("%d nets of C=%d, batch %d: forward %.2f s, backward %.2f s%n", nets, draws.channels(),
                draws.batchSize(), forward, backward);
        System.out.print(profile.table());
    }
}
