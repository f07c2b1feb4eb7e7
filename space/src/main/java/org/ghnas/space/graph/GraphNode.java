package org.ghnas.space.graph;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One node of a {@link ComputationalGraph}.
 *
 * <p>{@code shape} is the reference's {@code _param_shapes} entry: the weight shape for parameter nodes
 * (conv {@code (out, in/groups, kh, kw)}, linear {@code (out, in)}, bias/bn/ln {@code (C)},
 * pos_enc {@code (1, C, H, W)}), {@code (1, 1, k, k)} for pooling nodes and empty for the rest.
 * A BN or LN node owns two tensors of that shape (scale and shift); every other parameter node owns one.
 *
 * @param index position in the graph's topological order
 * @param type  node type
 * @param name  a readable path such as {@code cells.3.ops.1.conv2}, unique within the graph
 * @param shape parameter shape, empty where the node has none
 * @param cell  cell index the node belongs to (stem 0, classifier the last cell), as in the reference's node_info
 */
public record GraphNode(int index, NodeType type, String name, List<Integer> shape, int cell) {

    public GraphNode {
        requireNonNull(type, "type");
        requireNonNull(name, "name");
        shape = List.copyOf(shape);
        if (index < 0) {
            throw new IllegalArgumentException("Invalid node index: " + index);
        }
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("Invalid shape of node " + name + ": " + shape);
            }
        }
        if (type.hasParameters() && shape.isEmpty()) {
            throw new IllegalArgumentException("Parameter node " + name + " (" + type + ") needs a shape");
        }
    }

    /** True if this node owns learnable tensors. */
    public boolean hasParameters() {
        return type.hasParameters();
    }

    /** Number of tensors the node owns: 2 for BN and LN (scale, shift), 1 for other parameter nodes, else 0. */
    public int tensorCount() {
        if (!type.hasParameters()) {
            return 0;
        }
        return type == NodeType.BN || type == NodeType.LN ? 2 : 1;
    }

    /** Number of learnable scalars the node owns. */
    public long parameterCount() {
        if (!type.hasParameters()) {
            return 0;
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n * tensorCount();
    }
}
