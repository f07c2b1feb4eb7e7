package org.ghnas.ghn.model;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.NodeType;

/**
 * Random chain-with-skips computational graphs shaped like DeepNets-1M graphs (average undirected degree about
 * 2.3, a long backbone so that virtual edges reach up to the cutoff), for benchmarks and tests of the GNN alone.
 */
final class SyntheticGraphs {

    private static final NodeType[] BODY = {
        NodeType.CONV, NodeType.CONV, NodeType.BN, NodeType.BN, NodeType.SEP_CONV, NodeType.DIL_CONV,
        NodeType.SUM, NodeType.CONCAT, NodeType.MAX_POOL, NodeType.AVG_POOL, NodeType.MSA, NodeType.CSE,
        NodeType.LN, NodeType.BIAS,
    };

    private SyntheticGraphs() {
    }

    /**
     * A graph of {@code nodes} nodes: input, a chain of random body nodes where each node also reads one random
     * node 2..8 positions back with probability 0.15 (about 1.15 real edges per node), a global pooling, and the
     * classifier weight and bias.
     *
     * @throws IllegalArgumentException if {@code nodes < 5}
     */
    static ComputationalGraph chainWithSkips(int nodes, RandomGenerator rng) {
        if (nodes < 5) {
            throw new IllegalArgumentException("nodes must be >= 5, but was " + nodes + ".");
        }
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        b.addNode(NodeType.INPUT, "input", List.of(), 0);
        int[] widths = {16, 32, 48, 64, 96, 128, 256};
        for (int i = 1; i < nodes - 3; i++) {
            NodeType type = BODY[rng.nextInt(BODY.length)];
            int c = widths[rng.nextInt(widths.length)];
            int k = 1 + 2 * rng.nextInt(4);
            List<Integer> shape = switch (type) {
                case CONV -> List.of(c, c, k, k);
                case SEP_CONV, DIL_CONV -> List.of(c, 1, k, k);
                case BN, LN, BIAS -> List.of(c);
                case MAX_POOL, AVG_POOL -> List.of(1, 1, 3, 3);
                default -> List.of();
            };
            int cell = i * 8 / nodes;
            b.addNode(type, "cells." + cell + ".n" + i, shape, cell);
            b.addEdge(i - 1, i);
            if (i >= 3 && rng.nextDouble() < 0.15) {
                int back = 2 + rng.nextInt(Math.min(7, i - 1));
                b.addEdge(i - back, i);
            }
        }
        int pool = b.addNode(NodeType.GLOB_AVG, "glob_avg", List.of(), 8);
        b.addEdge(pool - 1, pool);
        int weight = b.addNode(NodeType.CONV, "classifier.weight", List.of(10, 256), 8);
        b.addEdge(pool, weight);
        int bias = b.addNode(NodeType.BIAS, "classifier.bias", List.of(10), 8);
        b.addEdge(weight, bias);
        return b.build();
    }
}
