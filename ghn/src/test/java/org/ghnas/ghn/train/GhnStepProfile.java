package org.ghnas.ghn.train;

import java.util.List;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.Workspaces;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a GHN training step's time goes: sampling + planning, GHN forward (GNN + decoder), target-net forward,
 * target-net backward, GHN backward; summed over {@code nets} sampled nets. Args: nets C batch fcDim.
 */
public final class GhnStepProfile {

    private GhnStepProfile() {
    }

    public static void main(String[] args) {
        int nets = Integer.parseInt(args[0]);
        int c = Integer.parseInt(args[1]);
        int batchSize = Integer.parseInt(args[2]);
        int fc = Integer.parseInt(args[3]);
        ImageDataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR).train();
        ImageBatch batch = train.batch(0, batchSize);
        Ghn2 ghn = new Ghn2(GhnTrainingConfig.defaults().ghnConfig(), 1);
        long t0 = System.nanoTime();
        List<NetworkSpec> specs = DeepNets1MSampler.builder(-5).channels(c).fcDim(fc).build().sample(nets + 1);
        double sample = (System.nanoTime() - t0) / 1e9;
        double[] t = new double[5];
        long nodes = 0;
        for (int i = 0; i < specs.size(); i++) {
            boolean warm = i == 0;
            NetworkSpec spec = specs.get(i);
            double[] ti = Workspaces.scoped("profile", () -> {
                double[] r = new double[5];
                long a = System.nanoTime();
                NetworkPlan plan = NetworkPlan.of(spec, InputShape.FASHION_MNIST);
                long b = System.nanoTime();
                Ghn2.Prediction p = ghn.forward(plan);
                long c2 = System.nanoTime();
                RunnableNetwork net = RunnableNetwork.of(plan);
                RunnableNetwork.Pass pass = net.forward(p.parameters(), ImageTensors.of(batch), true,
                        new java.util.SplittableRandom(1));
                INDArray dz = Nd4j.rand(pass.logits().dataType(), pass.logits().shape()).muli(1e-3);
                long d = System.nanoTime();
                INDArray[] g = net.backward(pass, dz);
                long e = System.nanoTime();
                ghn.backward(p, g);
                long f = System.nanoTime();
                r[0] = (b - a) / 1e9;
                r[1] = (c2 - b) / 1e9;
                r[2] = (d - c2) / 1e9;
                r[3] = (e - d) / 1e9;
                r[4] = (f - e) / 1e9;
                return r;
            });
            if (!warm) {
                nodes += NetworkPlan.of(spec, InputShape.FASHION_MNIST).graph().nodeCount();
                for (int k = 0; k < 5; k++) {
                    t[k] += ti[k];
                }
            }
        }
        System.out.printf("nets=%d C=%d batch=%d fc=%d (mean %d nodes): sampling %.2f s, plan %.2f s, ghn forward %.2f s,"
                        + " net forward %.2f s, net backward %.2f s, ghn backward %.2f s%n", nets, c, batchSize, fc,
                nodes / nets, sample, t[0], t[1], t[2], t[3], t[4]);
    }
}
