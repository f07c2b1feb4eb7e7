package org.ghnas.ghn.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.GraphNode;
import org.ghnas.space.graph.NodeType;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prints median times of {@link ParameterDecoder} forward and forward+backward passes (GHN-2 sizes, float32) for a
 * ResNet-50-like node set and for DARTS-like cell networks of about 200 nodes at C = 16..64, plus the cost of one
 * GHN training step's decoding (8 such networks). Run it once with {@code OMP_NUM_THREADS=1} and once with 2.
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp ... org.ghnas.ghn.model.DecoderBenchmark [repeats]
 * }</pre>
 */
public final class DecoderBenchmark {

    private DecoderBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional number of timed repeats per case (default 7)
     */
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        GhnConfig config = GhnConfig.ghn2();
        ParameterDecoder decoder = new ParameterDecoder(config, new SplittableRandom(1));
        System.out.printf("OMP_NUM_THREADS=%s, repeats=%d, %s%n", System.getenv("OMP_NUM_THREADS"), repeats,
                Nd4j.getExecutioner().getClass().getSimpleName());

        ComputationalGraph resnet = resnet50Like(10);
        report("ResNet-50-like", resnet, decoder, repeats);

        double stepTotal = 0;
        for (int c : new int[] {16, 32, 48, 64}) {
            ComputationalGraph cell = cellNet(c, 10, c);
            stepTotal += 2 * report("cells C=" + c, cell, decoder, repeats);
        }
        System.out.printf("one training step's decoding (2 nets each at C=16,32,48,64), forward+backward: %.1f ms%n",
                stepTotal);
    }

    /** Prints and returns the median forward+backward time in ms. */
    private static double report(String label, ComputationalGraph graph, ParameterDecoder decoder, int repeats) {
        int hidden = decoder.config().hidden();
        INDArray states = Nd4j.rand(DataType.FLOAT, graph.nodeCount(), hidden).subi(0.5).muli(2);
        INDArray[][] grads = new INDArray[graph.nodeCount()][];
        for (GraphNode node : graph.nodes()) {
            grads[node.index()] = new INDArray[node.tensorCount()];
            long[] shape = node.shape().stream().mapToLong(Integer::longValue).toArray();
            for (int k = 0; k < node.tensorCount(); k++) {
                grads[node.index()][k] = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
            }
        }
        for (int w = 0; w < 2; w++) {
            decoder.backward(decoder.forward(graph, states), i -> grads[i]);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] fwd = new double[repeats];
        double[] both = new double[repeats];
        double[] cpuF = new double[repeats];
        double[] cpuB = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            ParameterDecoder.Cache cache = decoder.forward(graph, states);
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            decoder.backward(cache, i -> grads[i]);
            long t2 = System.nanoTime();
            long c2 = threads.getCurrentThreadCpuTime();
            fwd[r] = (t1 - t0) / 1e6;
            both[r] = (t2 - t0) / 1e6;
            cpuF[r] = (c1 - c0) / 1e6;
            cpuB[r] = (c2 - c0) / 1e6;
        }
        double medB = Median.of(both);
        System.out.printf("%-15s nodes=%4d params=%,11d groups=%2d  forward %7.1f ms (cpu %7.1f)"
                + "  forward+backward %7.1f ms (cpu %7.1f)%n", label, graph.nodeCount(), graph.parameterCount(),
                decoder.forward(graph, states).groupCount(), Median.of(fwd), Median.of(cpuF), medB, Median.of(cpuB));
        return medB;
    }

    /**
     * A ResNet-50-like node set (CIFAR stem): 53 convs of widths 64..2048 with 1x1 and 3x3 kernels, 53 BN nodes,
     * residual sums and a 2048 &rarr; {@code classes} classifier; about 23.5M parameters.
     */
    static ComputationalGraph resnet50Like(int classes) {
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        int prev = b.addNode(NodeType.INPUT, "input", List.of(), 0);
        prev = chain(b, prev, NodeType.CONV, "conv1", List.of(64, 3, 3, 3));
        prev = chain(b, prev, NodeType.BN, "bn1", List.of(64));
        int in = 64;
        int[] blocks = {3, 4, 6, 3};
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            int w = widths[stage];
            for (int blk = 0; blk < blocks[stage]; blk++) {
                String p = "layer" + (stage + 1) + "." + blk + ".";
                int x = prev;
                prev = chain(b, prev, NodeType.CONV, p + "conv1", List.of(w, in, 1, 1));
                prev = chain(b, prev, NodeType.BN, p + "bn1", List.of(w));
                prev = chain(b, prev, NodeType.CONV, p + "conv2", List.of(w, w, 3, 3));
                prev = chain(b, prev, NodeType.BN, p + "bn2", List.of(w));
                prev = chain(b, prev, NodeType.CONV, p + "conv3", List.of(4 * w, w, 1, 1));
                prev = chain(b, prev, NodeType.BN, p + "bn3", List.of(4 * w));
                if (blk == 0) {
                    int d = chain(b, x, NodeType.CONV, p + "downsample.0", List.of(4 * w, in, 1, 1));
                    x = chain(b, d, NodeType.BN, p + "downsample.1", List.of(4 * w));
                }
                int sum = b.addNode(NodeType.SUM, p + "sum", List.of(), stage + 1);
                b.addEdge(prev, sum).addEdge(x, sum);
                prev = sum;
                in = 4 * w;
            }
        }
        prev = chain(b, prev, NodeType.GLOB_AVG, "avgpool", List.of());
        prev = chain(b, prev, NodeType.CONV, "fc.weight", List.of(classes, 2048));
        chain(b, prev, NodeType.BIAS, "fc.bias", List.of(classes));
        return b.build();
    }

    /**
     * A DARTS-like network of {@code cells} cells (two steps each, ops drawn from sep/dil/3x3/7x1-1x7 convs, pools
     * and skips; C doubles at the two reduction cells), about 200 nodes for 10 cells.
     */
    static ComputationalGraph cellNet(int c, int cells, long seed) {
        RandomGenerator rng = new SplittableRandom(seed);
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        int input = b.addNode(NodeType.INPUT, "input", List.of(), 0);
        int stem = chain(b, input, NodeType.CONV, "stem.0", List.of(3 * c, 3, 3, 3));
        int s0 = chain(b, stem, NodeType.BN, "stem.1", List.of(3 * c));
        int s1 = s0;
        int cPrevPrev = 3 * c;
        int cPrev = 3 * c;
        int cCurr = c;
        for (int k = 0; k < cells; k++) {
            if (k > 0 && (k == cells / 3 || k == 2 * cells / 3)) {
                cCurr *= 2;
            }
            String p = "cells." + k + ".";
            int pre0 = chain(b, chain(b, s0, NodeType.CONV, p + "preprocess0.conv", List.of(cCurr, cPrevPrev, 1, 1)),
                    NodeType.BN, p + "preprocess0.bn", List.of(cCurr));
            int pre1 = chain(b, chain(b, s1, NodeType.CONV, p + "preprocess1.conv", List.of(cCurr, cPrev, 1, 1)),
                    NodeType.BN, p + "preprocess1.bn", List.of(cCurr));
            List<Integer> states = new ArrayList<>(List.of(pre0, pre1));
            for (int step = 0; step < 2; step++) {
                List<Integer> outs = new ArrayList<>();
                for (int e = 0; e < 2; e++) {
                    // the first step reads both cell inputs, so that every node reaches the output
                    int from = step == 0 ? states.get(e) : states.get(rng.nextInt(states.size()));
                    outs.add(op(b, from, rng.nextInt(6), cCurr, p + "ops." + (2 * step + e) + "."));
                }
                int sum = b.addNode(NodeType.SUM, p + "sum" + step, List.of(), k);
                for (int o : outs) {
                    b.addEdge(o, sum);
                }
                states.add(sum);
            }
            int concat = b.addNode(NodeType.CONCAT, p + "concat", List.of(), k);
            b.addEdge(states.get(2), concat).addEdge(states.get(3), concat);
            s0 = s1;
            s1 = concat;
            cPrevPrev = cPrev;
            cPrev = 2 * cCurr;
        }
        int pool = chain(b, s1, NodeType.GLOB_AVG, "global_pooling", List.of());
        int fc = chain(b, pool, NodeType.CONV, "classifier.weight", List.of(10, cPrev));
        chain(b, fc, NodeType.BIAS, "classifier.bias", List.of(10));
        return b.build();
    }

    private static int op(ComputationalGraph.Builder b, int from, int kind, int c, String p) {
        return switch (kind) {
            case 0 -> { // sep_conv_3x3
                int x = chain(b, from, NodeType.SEP_CONV, p + "op.1", List.of(c, 1, 3, 3));
                x = chain(b, x, NodeType.CONV, p + "op.2", List.of(c, c, 1, 1));
                x = chain(b, x, NodeType.BN, p + "op.3", List.of(c));
                x = chain(b, x, NodeType.SEP_CONV, p + "op.5", List.of(c, 1, 3, 3));
                x = chain(b, x, NodeType.CONV, p + "op.6", List.of(c, c, 1, 1));
                yield chain(b, x, NodeType.BN, p + "op.7", List.of(c));
            }
            case 1 -> { // dil_conv_5x5
                int x = chain(b, from, NodeType.DIL_CONV, p + "op.1", List.of(c, 1, 5, 5));
                x = chain(b, x, NodeType.CONV, p + "op.2", List.of(c, c, 1, 1));
                yield chain(b, x, NodeType.BN, p + "op.3", List.of(c));
            }
            case 2 -> { // conv_3x3
                int x = chain(b, from, NodeType.CONV, p + "op.1", List.of(c, c, 3, 3));
                yield chain(b, x, NodeType.BN, p + "op.2", List.of(c));
            }
            case 3 -> { // conv_7x1_1x7
                int x = chain(b, from, NodeType.CONV, p + "op.1", List.of(c, c, 1, 7));
                x = chain(b, x, NodeType.CONV, p + "op.2", List.of(c, c, 7, 1));
                yield chain(b, x, NodeType.BN, p + "op.3", List.of(c));
            }
            case 4 -> chain(b, from, NodeType.MAX_POOL, p + "op", List.of(1, 1, 3, 3));
            default -> from; // skip_connect
        };
    }

    private static int chain(ComputationalGraph.Builder b, int prev, NodeType type, String name, List<Integer> shape) {
        int node = b.addNode(type, name, shape, 0);
        b.addEdge(prev, node);
        return node;
    }
}
