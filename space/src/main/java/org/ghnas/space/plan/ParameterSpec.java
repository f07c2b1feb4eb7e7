package org.ghnas.space.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One learnable tensor of a plan, in PyTorch layout, and where it sits in the computational graph.
 *
 * @param index     position in {@link NetworkPlan#parameters()}
 * @param name      reference-style parameter name, e.g. {@code cells.0._ops.1.op.2.weight}
 * @param shape     tensor shape (conv {@code [out, in/groups, kh, kw]}, linear {@code [out, in]}, 1-D {@code [C]},
 *                  position encoding {@code [1, C, H, W]})
 * @param role      what the tensor does
 * @param layer     id of the owning layer
 * @param graphNode index of the graph node that stands for it
 * @param slot      which of the node's tensors it is (0, or 1 for the shift of a BN/LN node)
 */
public record ParameterSpec(int index, String name, List<Integer> shape, Role role, int layer, int graphNode, int slot) {

    /** The kind of a learnable tensor. */
    public enum Role {
        /** Convolution or linear weight. */
        WEIGHT,
        /** Bias of a linear layer. */
        BIAS,
        /** Scale (gamma) of a BN or LN layer. */
        SCALE,
        /** Shift (beta) of a BN or LN layer. */
        SHIFT,
        /** Learned position encoding. */
        POSITION
    }

    public ParameterSpec {
        requireNonNull(name, "name");
        requireNonNull(role, "role");
        shape = List.copyOf(shape);
    }

    /** Number of scalars. */
    public long size() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Fan-in of a weight: the product of all dimensions but the first (1 for 1-D tensors). */
    public long fanIn() {
        long n = 1;
        for (int i = 1; i < shape.size(); i++) {
            n *= shape.get(i);
        }
        return n;
    }

    public long[] shapeArray() {
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape.get(i);
        }
        return s;
    }
}
