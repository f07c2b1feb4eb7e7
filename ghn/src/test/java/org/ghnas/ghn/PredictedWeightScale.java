package org.ghnas.ghn;

import java.util.Arrays;
import java.util.List;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdTrainer;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.Family;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How large the shipped GHN's predicted conv weights are against He init (std sqrt(2 / fan_in)), and what that does
 * to the logits of a net on 64 Fashion-MNIST test images: the first N nets (default 5) of a family at C=8. Args:
 * FAMILY SEED [N [K,K,..]] (e.g. BNFREE 4 20, ID 0, the benchmark's seeds and net counts). With factors K, also each
 * net's accuracy on the first 1024 test images with every predicted conv weight multiplied by K: whether the scale
 * of the predicted weights is what holds a net back (a diagnosis, not a way to predict parameters). Besides numbers,
 * K may be {@code he} (each conv tensor rescaled to the standard deviation of §3.7's normalisation, {@link
 * Ghn2#normalizationScale}: whether the scale of single layers is off) or {@code channel}
 * (each output channel's filter rescaled to its tensor's standard deviation: whether the scales of a layer's
 * channels against each other are).
 */
public final class PredictedWeightScale {

    private PredictedWeightScale() {
    }

    public static void main(String[] a) {
        // without BatchNorm nothing rescales the activations: weights below He scale shrink them layer by layer
        String checkpoint = System.getProperty("checkpoint");
        GraphHyperNetwork ghn = checkpoint == null ? GraphHyperNetwork.pretrained()
                : GraphHyperNetwork.load(java.nio.file.Path.of(checkpoint));
        ImageDataset test = FashionMnist.load(FashionMnist.DEFAULT_DIR).test();
        ImageBatch batch = test.batch(0, 64);
        Family fam = Family.valueOf(a[0]);
        List<NetworkSpec> nets = DeepNets1MSampler.builder(Integer.parseInt(a[1])).family(fam).channels(8).build()
                .sample(a.length > 2 ? Integer.parseInt(a[2]) : 5);
        List<String> factors = a.length > 3 ? Arrays.asList(a[3].split(",")) : List.of();
        ImageDataset evalImages = test.subset(0, 1024);
        for (NetworkSpec s : nets) {
            PredictedParameters p = ghn.predict(s);
            NetworkPlan plan = p.plan();
            NetworkParameters pp = p.toNetworkParameters();
            double ratioSum = 0;
            int convs = 0;
            for (ParameterSpec ps : plan.parameters()) {
                long[] sh = ps.shape().stream().mapToLong(Integer::longValue).toArray();
                if (sh.length == 4) {
                    INDArray w = pp.tensor(ps.index());
                    double fanIn = sh[1] * sh[2] * sh[3];
                    double he = Math.sqrt(2.0 / fanIn);
                    ratioSum += w.stdNumber().doubleValue() / he;
                    convs++;
                }
            }
            RunnableNetwork net = RunnableNetwork.of(plan);
            INDArray logits = net.predict(pp, ImageTensors.of(batch));
            System.out.printf("%s: %2d cells, %3d convs, mean std/He %.3f, logits abs mean %.3g, max %.3g%n", fam,
                    s.cells(), convs, ratioSum / convs, logits.ameanNumber().doubleValue(),
                    logits.amaxNumber().doubleValue());
            for (String k : factors) {
                NetworkParameters scaled = p.toNetworkParameters();
                for (ParameterSpec ps : plan.parameters()) {
                    if (ps.shape().size() == 4) {
                        rescale(scaled.tensor(ps.index()), k);
                    }
                }
                System.out.printf("    conv weights %s: accuracy %.2f%%%n", k.matches("[a-z]+") ? k : "x " + k,
                        100 * SgdTrainer.accuracy(net, scaled, evalImages, 64));
            }
        }
    }

    private static void rescale(INDArray w, String how) {
        long out = w.size(0);
        long fanIn = w.length() / out;
        switch (how) {
            case "he" -> w.muli(Ghn2.normalizationScale(Arrays.stream(w.shape()).mapToObj(d -> (int) d).toList())
                    / w.stdNumber().doubleValue());
            case "channel" -> {
                if (fanIn < 2) {
                    return; // one weight per channel: nothing to rescale against
                }
                double tensorStd = w.stdNumber().doubleValue();
                INDArray rows = w.reshape(out, fanIn);
                INDArray rowStd = rows.std(1).reshape(out, 1).addi(1e-12);
                w.assign(rows.diviColumnVector(rowStd).muli(tensorStd).reshape(w.shape()));
            }
            default -> w.muli(Double.parseDouble(how));
        }
    }
}
