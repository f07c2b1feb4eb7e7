package org.ghnas.ghn.model;

import java.util.List;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.NodeType;

/** Small hand-built graphs for the GNN tests. */
final class TestGraphs {

    private TestGraphs() {
    }

    /**
     * Twelve nodes with a stem, a position encoding without incoming edges, a sum, two branches joined by a
     * concat together with a skip from the stem, and the classifier: real paths of length 1 to 9, so shortest
     * distances 1..9 and several nodes reached through both a real edge and longer paths.
     */
    static ComputationalGraph branchy() {
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        int input = b.addNode(NodeType.INPUT, "input", List.of(), 0);
        int conv = b.addNode(NodeType.CONV, "stem.conv", List.of(16, 3, 3, 3), 0);
        int bn = b.addNode(NodeType.BN, "stem.bn", List.of(16), 0);
        int pos = b.addNode(NodeType.POS_ENC, "pos_enc", List.of(1, 16, 11, 11), 0);
        int sum = b.addNode(NodeType.SUM, "cells.0.sum", List.of(), 0);
        int pool = b.addNode(NodeType.MAX_POOL, "cells.0.pool", List.of(1, 1, 3, 3), 0);
        int sep = b.addNode(NodeType.SEP_CONV, "cells.0.sep", List.of(16, 1, 5, 5), 0);
        int pw = b.addNode(NodeType.CONV, "cells.0.pw", List.of(16, 16, 1, 1), 0);
        int cat = b.addNode(NodeType.CONCAT, "cells.0.concat", List.of(), 0);
        int gap = b.addNode(NodeType.GLOB_AVG, "glob_avg", List.of(), 1);
        int fc = b.addNode(NodeType.CONV, "classifier.weight", List.of(10, 48), 1);
        int bias = b.addNode(NodeType.BIAS, "classifier.bias", List.of(10), 1);
        b.addEdge(input, conv).addEdge(conv, bn).addEdge(bn, sum).addEdge(pos, sum);
        b.addEdge(sum, pool).addEdge(sum, sep).addEdge(sep, pw);
        b.addEdge(pool, cat).addEdge(pw, cat).addEdge(bn, cat);
        b.addEdge(cat, gap).addEdge(gap, fc).addEdge(fc, bias);
        return b.build();
    }

    /** A plain chain input -> conv x k -> classifier of {@code n} nodes (distances up to n - 1). */
    static ComputationalGraph chain(int n) {
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        b.addNode(NodeType.INPUT, "input", List.of(), 0);
        for (int i = 1; i < n - 2; i++) {
            b.addNode(i % 2 == 0 ? NodeType.BN : NodeType.CONV, "n" + i,
                    i % 2 == 0 ? List.of(32) : List.of(32, 32, 3, 3), 0);
            b.addEdge(i - 1, i);
        }
        b.addNode(NodeType.CONV, "classifier.weight", List.of(10, 32), 0);
        b.addEdge(n - 3, n - 2);
        b.addNode(NodeType.BIAS, "classifier.bias", List.of(10), 0);
        b.addEdge(n - 2, n - 1);
        return b.build();
    }
}
