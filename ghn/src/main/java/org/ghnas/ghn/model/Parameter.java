package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A learnable tensor of the GHN with its gradient accumulator, named as in the reference's PyTorch state dict
 * (e.g. {@code decoder.fc.0.weight}) so that optimisers and checkpoints can address it.
 *
 * @param name  state-dict style name, unique within one GHN
 * @param value the tensor itself, updated in place by an optimiser
 * @param grad  same shape and data type as {@code value}; backward passes add into it
 */
public record Parameter(String name, INDArray value, INDArray grad) {

    /**
     * @throws IllegalArgumentException if the name is blank or value and grad differ in shape or data type
     */
    public Parameter {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        requireNonNull(grad, "grad");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Invalid parameter name: blank");
        }
        if (!Arrays.equals(value.shape(), grad.shape()) || value.dataType() != grad.dataType()) {
            throw new IllegalArgumentException("Invalid grad of " + name + ": " + grad.dataType()
                    + Arrays.toString(grad.shape()) + ", expected " + value.dataType() + Arrays.toString(value.shape()));
        }
    }

    /** Number of scalars in the tensor. */
    public long size() {
        return value.length();
    }

    /** Number of scalars (same as {@link #size()}). */
    public long length() {
        return value.length();
    }
}
