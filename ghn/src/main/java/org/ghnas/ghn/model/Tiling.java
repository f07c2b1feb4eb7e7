package org.ghnas.ghn.model;

/**
 * Slicing and tiling of a decoded block to a parameter's full shape (facts §3.6), and the adjoint fold that sums
 * a full-shape gradient back onto the block. Both run on plain arrays so that a ResNet-50's 24M parameters are
 * written with bulk copies rather than one tensor op per tile.
 *
 * <p>Shapes are 4-D {@code (out, in, h, w)}; 1-D and 2-D tensors are padded with trailing 1s. The block is the
 * decoded tensor already sliced from index 0 to {@code min(target, available)} in every dimension, so the value
 * at target position {@code (o, i, a, c)} is {@code block[o % b0][i % b1][a % b2][c % b3]}: the reference's
 * repeat-then-crop along out- then in-channels, and, for kernels larger than the decoder's map, its 2x2 repeat of
 * the spatial map (generalised here to as many repeats as the kernel needs).
 */
final class Tiling {

    private Tiling() {
    }

    /** Rows {@code [b0, t1*t2*t3]}: each block row tiled along in-channels and space (the out-tiling is left to the caller). */
    static double[] tileRows(double[] block, int[] b, int[] t) {
        check(block.length, b, t);
        int rowLen = t[1] * t[2] * t[3];
        double[] rows = new double[b[0] * rowLen];
        for (int o = 0; o < b[0]; o++) {
            for (int i = 0; i < t[1]; i++) {
                int ii = i % b[1];
                for (int a = 0; a < t[2]; a++) {
                    int src = ((o * b[1] + ii) * b[2] + a % b[2]) * b[3];
                    int dst = o * rowLen + (i * t[2] + a) * t[3];
                    if (t[3] == b[3]) {
                        System.arraycopy(block, src, rows, dst, b[3]);
                    } else {
                        for (int c = 0; c < t[3]; c++) {
                            rows[dst + c] = block[src + c % b[3]];
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** The full target tensor in row-major order, as float32. */
    static float[] tileFloat(double[] block, int[] b, int[] t) {
        double[] rows = tileRows(block, b, t);
        float[] rowsF = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            rowsF[k] = (float) rows[k];
        }
        int rowLen = t[1] * t[2] * t[3];
        if (t[0] == b[0]) {
            return rowsF;
        }
        float[] full = new float[Math.multiplyExact(t[0], rowLen)];
        for (int o = 0; o < t[0]; o++) {
            System.arraycopy(rowsF, (o % b[0]) * rowLen, full, o * rowLen, rowLen);
        }
        return full;
    }

    /** The full target tensor in row-major order, as float64. */
    static double[] tileDouble(double[] block, int[] b, int[] t) {
        double[] rows = tileRows(block, b, t);
        int rowLen = t[1] * t[2] * t[3];
        if (t[0] == b[0]) {
            return rows;
        }
        double[] full = new double[Math.multiplyExact(t[0], rowLen)];
        for (int o = 0; o < t[0]; o++) {
            System.arraycopy(rows, (o % b[0]) * rowLen, full, o * rowLen, rowLen);
        }
        return full;
    }

    /** Sums a full-shape gradient onto the block: the adjoint of {@link #tileFloat}. */
    static double[] fold(float[] grad, int[] b, int[] t) {
        int rowLen = t[1] * t[2] * t[3];
        checkFull(grad.length, t);
        double[] rows = new double[b[0] * rowLen];
        for (int o = 0; o < t[0]; o++) {
            int dst = (o % b[0]) * rowLen;
            int src = o * rowLen;
            for (int k = 0; k < rowLen; k++) {
                rows[dst + k] += grad[src + k];
            }
        }
        return foldRows(rows, b, t);
    }

    /** Sums a full-shape gradient onto the block: the adjoint of {@link #tileDouble}. */
    static double[] fold(double[] grad, int[] b, int[] t) {
        int rowLen = t[1] * t[2] * t[3];
        checkFull(grad.length, t);
        double[] rows = new double[b[0] * rowLen];
        for (int o = 0; o < t[0]; o++) {
            int dst = (o % b[0]) * rowLen;
            int src = o * rowLen;
            for (int k = 0; k < rowLen; k++) {
                rows[dst + k] += grad[src + k];
            }
        }
        return foldRows(rows, b, t);
    }

    /** Adjoint of {@link #tileRows}. */
    static double[] foldRows(double[] rows, int[] b, int[] t) {
        check(b[0] * b[1] * b[2] * b[3], b, t);
        int rowLen = t[1] * t[2] * t[3];
        double[] block = new double[b[0] * b[1] * b[2] * b[3]];
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
        for (int k = 0; k < 4; k++) {
            if (b[k] < 1 || b[k] > t[k]) {
                throw new IllegalArgumentException("Invalid block dimension " + k + ": " + b[k]
                        + ", expected 1.." + t[k]);
            }
        }
        if (blockLength != b[0] * b[1] * b[2] * b[3]) {
            throw new IllegalArgumentException("Invalid block length: " + blockLength);
        }
    }

    private static void checkFull(long length, int[] t) {
        if (length != (long) t[0] * t[1] * t[2] * t[3]) {
            throw new IllegalArgumentException("Invalid gradient length: " + length + ", expected "
                    + (long) t[0] * t[1] * t[2] * t[3]);
        }
    }
}
