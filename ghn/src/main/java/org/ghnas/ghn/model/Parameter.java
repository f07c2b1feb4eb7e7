package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One learnable tensor of the GHN with its gradient accumulator, named as in the reference's PyTorch
 * state dict (e.g. {@code gnn.gru.weight_ih}) so that checkpoints map one to one.
 *
 * <p>{@code backward} adds into {@code grad}; the caller zeroes it (e.g. after each optimiser step).
 *
 * @param name  state-dict name
 * @param value float32 values, updated in place by the optimiser
 * @param grad  float32 gradient of the same shape
 * @implNote The record is shallowly immutable; the two arrays are mutable by design.
 */
public record Parameter(String name, INDArray value, INDArray grad) {

    /** Compact constructor that checks names, types and shapes. */
    public Parameter {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        requireNonNull(grad, "grad");
        if (value.dataType() != DataType.FLOAT || grad.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("value and grad of " + name + " must be FLOAT, but were "
                    + value.dataType() + " and " + grad.dataType() + ".");
        }
        if (!Arrays.equals(value.shape(), grad.shape())) {
            throw new IllegalArgumentException("grad of " + name + " must have the shape of value "
                    + Arrays.toString(value.shape()) + ", but was " + Arrays.toString(grad.shape()) + ".");
        }
    }

    /** Number of scalars. */
    public long length() {
        return value.length();
    }
}
