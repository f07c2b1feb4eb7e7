package org.ghnas.ghn.train;

import java.util.ArrayList;
import java.util.List;
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
 * pass profiled per op kind. Args: steps metaBatch C batch [warmRounds]. Run with OMP_NUM_THREADS=1.
 *
 * <p>{@code warmRounds} (default 0) first runs every net that many times untimed. Without them the JIT is still
 * compiling the kernels during the profiled passes (a run of 16 nets at batch 64 measured 10.7 s with none and
 * 6.7-7.1 s with three), which a training run of hours pays only once.
 */
public final class GhnNetOpProfile {

    private GhnNetOpProfile() {
    }

    public static void main(String[] args) {
        TrainingDraws draws = TrainingDraws.of(args);
        int warmRounds = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        ImageBatch batch = draws.batch();
        Ghn2 ghn = draws.ghn();
        List<NetworkPlan> plans = new ArrayList<>();
        for (int t = 0; t < draws.steps(); t++) {
            for (NetworkSpec spec : draws.nets(t)) {
                plans.add(NetworkPlan.of(spec, InputShape.FASHION_MNIST));
            }
        }
        for (int round = 0; round < warmRounds; round++) {
            for (NetworkPlan plan : plans) {
                pass(ghn, plan, batch, new OpProfile());
            }
        }
        OpProfile profile = new OpProfile();
        double forward = 0;
        double backward = 0;
        for (NetworkPlan plan : plans) {
            pass(ghn, plan, batch, new OpProfile());
            double[] s = pass(ghn, plan, batch, profile);
            forward += s[0];
            backward += s[1];
        }
        System.out.printf("%d nets of C=%d, batch %d, %d warm rounds: forward %.2f s, backward %.2f s%n", plans.size(),
                draws.channels(), draws.batchSize(), warmRounds, forward, backward);
        System.out.print(profile.table());
    }

    /** Seconds of one forward and one backward pass of the net on GHN-predicted parameters, profiled into use. */
    private static double[] pass(Ghn2 ghn, NetworkPlan plan, ImageBatch batch, OpProfile use) {
        return Workspaces.scoped("profile", () -> {
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
}
