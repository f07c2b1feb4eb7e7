package org.ghnas.ghn.model;

/**
 * Slicing and tiling of a decoded block to a parameter's full shape (facts §3.6), and the adjoint fold that sums
 * a full-shape gradient back onto the block. Both run on plain arrays with bulk copies, so that a ResNet-50's 24M
 * parameters cost no more than a few passes over memory.
 *
 * <p>Shapes are 4-D {@code (out, in, h, w)}; 1-D and 2-D tensors are padded with trailing 1s. The block is the
 * decoded tensor already sliced from index 0 to {@code min(target, available)} in every dimension, so the value at
 * target position {@code (o, i, a, c)} is {@code block[o % b0][i % b1][a % b2][c % b3]}: the reference's
 * repeat-then-crop along out- then in-channels, and, for kernels larger than the decoder's map, its 2x2 repeat of
 * the spatial map (generalised to as many repeats as the kernel needs). Here only the in-channel and spatial
 * tiling is done, giving {@code b0} rows of the target's row length {@code t1*t2*t3}; target row {@code o} is then
 * row {@code o % b0}, which the caller copies straight into the output.
 */
final class Tiling {

    private Tiling() {
    }

    /** Rows {@code [b0, t1*t2*t3]}: each block row tiled along in-channels and space. */
    static double[] tileRows(double[] block, int[] b, int[] t) {
        check(block.length, b, t);
        int rowLen = t[1] * t[2] * t[3];
        double[] rows = new double[b[0] * rowLen];
        if (t[2] == b[2] && t[3] == b[3]) {
            int chunk = b[1] * b[2] * b[3];
            for (int o = 0; o < b[0]; o++) {
                for (int done = 0; done < rowLen; done += chunk) {
                    System.arraycopy(block, o * chunk, rows, o * rowLen + done, Math.min(chunk, rowLen - done));
                }
            }
            return rows;
        }
        for (int o = 0; o < b[0]; o++) {
            for (int i = 0; i < t[1]; i++) {
                int ii = i % b[1];
                for (int a = 0; a < t[2]; a++) {
                    int src = ((o * b[1] + ii) * b[2] + a % b[2]) * b[3];
                    int dst = o * rowLen + (i * t[2] + a) * t[3];
                    for (int c = 0; c < t[3]; c++) {
                        rows[dst + c] = block[src + c % b[3]];
                    }
                }
            }
        }
        return rows;
    }

    /** The adjoint of {@link #tileRows}: sums rows {@code [b0, t1*t2*t3]} onto the block. */
    static double[] foldRows(double[] rows, int[] b, int[] t) {
        int length = b[0] * b[1] * b[2] * b[3];
        check(length, b, t);
        int rowLen = t[1] * t[2] * t[3];
        if (rows.length != b[0] * rowLen) {
            throw new IllegalArgumentException("Invalid rows length: " + rows.length + ", expected " + b[0] * rowLen);
        }
        double[] block = new double[length];
        if (t[2] == b[2] && t[3] == b[3]) {
            int chunk = b[1] * b[2] * b[3];
            for (int o = 0; o < b[0]; o++) {
                for (int done = 0; done < rowLen; done += chunk) {
                    int len = Math.min(chunk, rowLen - done);
                    int src = o * rowLen + done;
                    int dst = o * chunk;
                    for (int k = 0; k < len; k++) {
                        block[dst + k] += rows[src + k];
                    }
                }
            }
            return block;
        }
        for (int o = 0; o < b[0]; o++) {
            for (int i = 0; i < t[1]; i++) {
                int ii = i % b[1];
                for (int a = 0; a < t[2]; a++) {
                    int dst = ((o * b[1] + ii) * b[2] + a % b[2]) * b[3];
                    int src = o * rowLen + (i * t[2] + a) * t[3];
                    for (int c = 0; c < t[3]; c++) {
                        block[dst + c % b[3]] += rows[src + c];
                    }
                }
            }
        }
        return block;
    }

    private static void check(int blockLength, int[] b, int[] t) {
        if (b.length != 4 || t.length != 4) {
            throw new IllegalArgumentException("Invalid shapes: block and target must be 4-D");
        }
        for (int k = 0; k < 4; k++) {
            if (b[k] < 1 || b[k] > t[k]) {
                throw new IllegalArgumentException("Invalid block dimension " + k + ": " + b[k]
                        + ", expected 1.." + t[k]);
            }
        }
        if (blockLength != b[0] * b[1] * b[2] * b[3]) {
            throw new IllegalArgumentException("Invalid block length: " + blockLength + ", expected "
                    + b[0] * b[1] * b[2] * b[3]);
        }
    }
}
