package org.ghnas.ghn;

import java.util.Arrays;

/**
 * The GHN's summary of one architecture: the mean of its graph's final node states (facts §5.2). Surrogates fit
 * architecture properties on these vectors, so equal graphs must give equal, comparable values.
 *
 * @param values the vector; copied in and out, compared by content
 * @implNote Immutable value type.
 */
public record GraphEmbedding(float[] values) {

    /** @throws IllegalArgumentException if the vector is empty or holds a non-finite value */
    public GraphEmbedding {
        values = values.clone();
        if (values.length == 0) {
            throw new IllegalArgumentException("values must not be empty, but had length 0.");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("values[" + i + "] must be finite, but was " + values[i] + ".");
            }
        }
    }

    /** A copy of the vector. */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** Length of the vector (the GHN's hidden width). */
    public int dimension() {
        return values.length;
    }

    /** Component {@code i}. */
    public float get(int i) {
        return values[i];
    }

    /** The vector widened to doubles (for regression libraries). */
    public double[] toDoubleArray() {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphEmbedding e && Arrays.equals(values, e.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "GraphEmbedding" + Arrays.toString(values);
    }
}
