package org.ghnas.space.runtime;

/**
 * The inner loops of the plain-loop kernels ({@link DepthwiseConv}, {@link AttentionBackward}). Each reads its
 * arrays from index 0 with one and the same index: the JDK 17 JIT vectorises no loop that reads two arrays at
 * different offsets, since they might be one array, so callers copy a window to offset 0 rather than pass an offset.
 */
final class FloatLoops {
    private FloatLoops() {}

    /** y[j] += alpha * x[j] over y. */
    static void axpy(float alpha, float[] x, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += alpha * x[j];
        }
    }

    /** acc[j] += u[j] * v[j] over acc. */
    static void multiplyAdd(float[] u, float[] v, float[] acc) {
        for (int j = 0; j < acc.length; j++) {
            acc[j] += u[j] * v[j];
        }
    }

    /**
     * The dot product of two arrays whose length is a multiple of 8, in eight partial sums: a single running sum
     * would wait on the latency of each add.
     */
    static float dot(float[] x, float[] y) {
        if (x.length % 8 != 0) {
            throw new IllegalArgumentException("dot needs a length that is a multiple of 8, got " + x.length + ".");
        }
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        for (int j = 0; j < x.length; j += 8) {
            s0 += x[j] * y[j];
            s1 += x[j + 1] * y[j + 1];
            s2 += x[j + 2] * y[j + 2];
            s3 += x[j + 3] * y[j + 3];
            s4 += x[j + 4] * y[j + 4];
            s5 += x[j + 5] * y[j + 5];
            s6 += x[j + 6] * y[j + 6];
            s7 += x[j + 7] * y[j + 7];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
