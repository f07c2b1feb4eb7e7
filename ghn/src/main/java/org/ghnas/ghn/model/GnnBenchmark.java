package org.ghnas.ghn.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prints the median time of {@link GatedGnn#embed} and of forward + backward for GHN-2 (hidden 32, virtual edges
 * up to 50, LayerNorm) on chain-with-skips graphs of 50, 200 and 700 nodes, and the embeddings per second.
 *
 * <p>Run with {@code OMP_NUM_THREADS=1}; arguments: optional repetitions per size (default 30).
 */
public final class GnnBenchmark {

    private GnnBenchmark() {
    }

    /**
     * Entry point.
     *
     * @param args optional: repetitions per size
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(1));
        SplittableRandom rng = new SplittableRandom(2);
        System.out.printf("GatedGnn GHN-2 (hidden 32, cutoff 50, LN), %d parameters, %d reps%n",
                gnn.parameterCount(), reps);
        for (int size : new int[] {50, 200, 700}) {
            List<ComputationalGraph> graphs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                graphs.add(SyntheticGraphs.chainWithSkips(size, rng));
            }
            ComputationalGraph g0 = graphs.get(0);
            double degree = 2.0 * g0.realEdgeCount() / g0.nodeCount();
            int virtualEdges = new GraphTopology(g0, gnn.shapes(), 50).virtualEdgeCount();
            // warm-up
            for (int i = 0; i < Math.max(20, reps); i++) {
                gnn.embed(graphs.get(i % 8));
                step(gnn, graphs.get(i % 8));
            }
            java.util.function.Function<ComputationalGraph, float[]> frozen = gnn.embedder();
            double[] frozenMs = new double[reps];
            double[] embedMs = new double[reps];
            double[] stepMs = new double[reps];
            double[] forwardMs = new double[reps];
            for (int r = 0; r < reps; r++) {
                ComputationalGraph g = graphs.get(r % 8);
                long t0 = System.nanoTime();
                gnn.embed(g);
                long t1 = System.nanoTime();
                GatedGnn.Cache c = gnn.forward(g);
                long t2 = System.nanoTime();
                INDArray d = Nd4j.onesLike(c.states());
                long t3 = System.nanoTime();
                gnn.backward(c, d);
                long t4 = System.nanoTime();
                long t5 = System.nanoTime();
                frozen.apply(g);
                frozenMs[r] = (System.nanoTime() - t5) / 1e6;
                embedMs[r] = (t1 - t0) / 1e6;
                forwardMs[r] = (t2 - t1) / 1e6;
                stepMs[r] = ((t2 - t1) + (t4 - t3)) / 1e6;
            }
            double embed = Median.of(embedMs);
            double frozenEmbed = Median.of(frozenMs);
            System.out.printf("N=%4d (degree %.2f, %6d virtual edges): embed %.3f ms (%.0f graphs/s), "
                            + "frozen embedder %.3f ms (%.0f graphs/s), forward %.3f ms, "
                            + "forward+backward %.3f ms (x8 = %.1f ms)%n",
                    size, degree, virtualEdges, embed, 1000 / embed, frozenEmbed, 1000 / frozenEmbed,
                    Median.of(forwardMs), Median.of(stepMs), 8 * Median.of(stepMs));
        }
        metaBatches(gnn, reps);
    }

    /** Meta-batches of 8 graphs with DeepNets-1M-like sizes (192 +- 95 nodes, clipped to 35..681). */
    private static void metaBatches(GatedGnn gnn, int reps) {
        SplittableRandom rng = new SplittableRandom(3);
        double[] ms = new double[reps];
        int totalNodes = 0;
        for (int r = 0; r < reps; r++) {
            List<ComputationalGraph> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int size = (int) Math.max(35, Math.min(681, Math.round(192 + 95 * rng.nextGaussian())));
                batch.add(SyntheticGraphs.chainWithSkips(size, rng));
                totalNodes += size;
            }
            long t0 = System.nanoTime();
            for (ComputationalGraph g : batch) {
                step(gnn, g);
            }
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        System.out.printf("meta-batch of 8 DeepNets-like graphs (mean %.0f nodes): forward+backward %.1f ms%n",
                totalNodes / (8.0 * reps), Median.of(ms));
    }

    private static void step(GatedGnn gnn, ComputationalGraph g) {
        GatedGnn.Cache c = gnn.forward(g);
        gnn.backward(c, Nd4j.onesLike(c.states()));
    }
}
