package org.ghnas.space.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One primitive step of a {@link NetworkPlan}.
 *
 * @param id         position in the plan (layers are in data-flow order)
 * @param name       module path in the reference's naming, e.g. {@code cells.2._ops.1.op.1}
 * @param cell       cell index (stem 0, classifier the last cell), as the GHN's node_info counts it
 * @param op         the operation
 * @param inputs     ids of the input layers, all smaller than {@code id}
 * @param output     per-example output shape
 * @param parameters indices into {@link NetworkPlan#parameters()} of the tensors this layer owns
 */
public record Layer(int id, String name, int cell, Op op, List<Integer> inputs, TensorShape output,
                    List<Integer> parameters) {
    public Layer {
        requireNonNull(name, "name");
        requireNonNull(op, "op");
        requireNonNull(output, "output");
        inputs = List.copyOf(inputs);
        parameters = List.copyOf(parameters);
        for (int in : inputs) {
            if (in < 0 || in >= id) {
                throw new IllegalArgumentException("Layer " + id + " (" + name + ") reads layer " + in
                        + ": inputs must come earlier");
            }
        }
    }

    public int input(int i) {
        return inputs.get(i);
    }
}
