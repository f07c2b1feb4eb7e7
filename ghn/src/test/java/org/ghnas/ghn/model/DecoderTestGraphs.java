package org.ghnas.ghn.model;

import java.util.List;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.NodeType;

/** Hand-built computational graphs covering every kind of parameter node the decoders handle. */
final class DecoderTestGraphs {

    private DecoderTestGraphs() {
    }

    /**
     * A chain through every parameter kind. With {@code hidden = 8} (2h = 16) and {@code s = 3} it exercises
     * tiling along out- and in-channels (24x20 conv, LN of 20, classifier 5x20), in-channel counts that do not
     * divide 2h (5, 10), kernels larger than s (1x7, 7x1, dilated 5x5, 4x4 position encoding) and depthwise convs.
     */
    static ComputationalGraph zoo() {
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        int prev = b.addNode(NodeType.INPUT, "input", List.of(), 0);
        prev = chain(b, prev, NodeType.CONV, "stem.conv", List.of(24, 20, 3, 3));        // tiled out and in
        prev = chain(b, prev, NodeType.BN, "stem.bn", List.of(24));                      // tiled 1-D
        prev = chain(b, prev, NodeType.CONV, "c1.conv1x1", List.of(8, 5, 1, 1));         // in 5 does not divide 16
        prev = chain(b, prev, NodeType.CONV, "c1.conv1x7", List.of(8, 8, 1, 7));         // kw > s, beta 1
        prev = chain(b, prev, NodeType.CONV, "c1.conv7x1", List.of(8, 8, 7, 1));         // kh > s, beta 2
        prev = chain(b, prev, NodeType.BN, "c1.bn", List.of(8));
        prev = chain(b, prev, NodeType.SEP_CONV, "c1.sep3x3", List.of(8, 1, 3, 3));      // depthwise
        prev = chain(b, prev, NodeType.DIL_CONV, "c1.dil5x5", List.of(12, 1, 5, 5));     // depthwise, k > s
        prev = chain(b, prev, NodeType.MAX_POOL, "c1.pool", List.of(1, 1, 3, 3));       // no parameters
        prev = chain(b, prev, NodeType.CONV, "c2.conv3x3", List.of(6, 3, 3, 3));         // in 3 -> key 4
        int pos = b.addNode(NodeType.POS_ENC, "pos_enc", List.of(1, 6, 4, 4), 0);        // not normalised, k > s
        int sum = b.addNode(NodeType.SUM, "c2.sum", List.of(), 2);
        b.addEdge(prev, sum).addEdge(pos, sum);
        prev = chain(b, sum, NodeType.LN, "c2.ln", List.of(20));                         // tiled 1-D
        prev = chain(b, prev, NodeType.CONV, "c2.linear", List.of(12, 10));              // 2-D linear
        prev = chain(b, prev, NodeType.BIAS, "c2.linear.bias", List.of(12));
        prev = chain(b, prev, NodeType.GLOB_AVG, "glob_avg", List.of());
        prev = chain(b, prev, NodeType.CONV, "classifier.weight", List.of(5, 20));       // tiled out and in
        chain(b, prev, NodeType.BIAS, "classifier.bias", List.of(5));                    // tiled
        return b.build();
    }

    static int chain(ComputationalGraph.Builder b, int prev, NodeType type, String name, List<Integer> shape) {
        int node = b.addNode(type, name, shape, 0);
        b.addEdge(prev, node);
        return node;
    }
}
