package org.ghnas.ghn.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk reads and writes of dense float32/float64 arrays through their NIO views. On this project's machines every
 * ND4J op costs 15-100 us of overhead, so the decoder keeps ND4J for the large matrix products and does gathers,
 * scatters, biases, ReLUs and reductions here, on Java arrays, without issuing ops.
 *
 * <p>"Dense" means the array owns its whole buffer from offset 0 with default strides. Reads return the elements in
 * row-major order whatever the array's layout (column-major arrays are copied first); writes and in-place
 * additions need dense row-major arrays.
 */
final class Buffers {

    private Buffers() {
    }

    /** {@code a} itself if dense and row-major, else a dense row-major copy. */
    static INDArray denseRowMajor(INDArray a) {
        boolean ok = a.ordering() == 'c' && isDense(a);
        return ok ? a : a.dup('c');
    }

    static boolean isDense(INDArray a) {
        return a.offset() == 0 && a.data().length() == a.length() && Shape.hasDefaultStridesForShape(a);
    }

    private static void requireDense(INDArray a) {
        if (!isDense(a) || a.ordering() != 'c' || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            throw new IllegalArgumentException("Invalid array: expected a dense row-major FLOAT or DOUBLE array, got "
                    + a.dataType() + " " + a.shapeInfoToString().replace('\n', ' '));
        }
    }

    /** All elements in row-major order. */
    static double[] read(INDArray array) {
        INDArray a = denseRowMajor(array);
        requireDense(a);
        double[] v = new double[Math.toIntExact(a.length())];
        if (a.dataType() == DataType.DOUBLE) {
            a.data().asNioDouble().get(0, v, 0, v.length);
        } else {
            FloatBuffer fb = a.data().asNioFloat();
            float[] chunk = new float[Math.min(v.length, 8192)];
            for (int done = 0; done < v.length; done += chunk.length) {
                int len = Math.min(chunk.length, v.length - done);
                fb.get(done, chunk, 0, len);
                for (int k = 0; k < len; k++) {
                    v[done + k] = chunk[k];
                }
            }
        }
        return v;
    }

    /** Overwrites all elements, in row-major order. */
    static void write(INDArray a, double[] v) {
        requireDense(a);
        if (v.length != a.length()) {
            throw new IllegalArgumentException("Invalid values length: " + v.length + ", expected " + a.length());
        }
        if (a.dataType() == DataType.DOUBLE) {
            a.data().asNioDouble().put(0, v, 0, v.length);
        } else {
            FloatBuffer fb = a.data().asNioFloat();
            float[] chunk = new float[Math.min(v.length, 8192)];
            for (int done = 0; done < v.length; done += chunk.length) {
                int len = Math.min(chunk.length, v.length - done);
                for (int k = 0; k < len; k++) {
                    chunk[k] = (float) v[done + k];
                }
                fb.put(done, chunk, 0, len);
            }
        }
    }

    /** A new dense row-major array of the given type and shape holding {@code v}. */
    static INDArray create(double[] v, DataType dtype, long... shape) {
        INDArray a = Nd4j.createUninitialized(dtype, shape, 'c');
        write(a, v);
        return a;
    }

    /** Rows {@code rows} of a dense row-major matrix, as a new dense row-major matrix. */
    static INDArray gatherRows(INDArray src, int[] rows) {
        requireDense(src);
        int cols = Math.toIntExact(src.columns());
        INDArray out = Nd4j.createUninitialized(src.dataType(), new long[] {rows.length, cols}, 'c');
        if (src.dataType() == DataType.DOUBLE) {
            DoubleBuffer s = src.data().asNioDouble();
            DoubleBuffer d = out.data().asNioDouble();
            double[] row = new double[cols];
            for (int k = 0; k < rows.length; k++) {
                s.get(rows[k] * cols, row, 0, cols);
                d.put(k * cols, row, 0, cols);
            }
        } else {
            FloatBuffer s = src.data().asNioFloat();
            FloatBuffer d = out.data().asNioFloat();
            float[] row = new float[cols];
            for (int k = 0; k < rows.length; k++) {
                s.get(rows[k] * cols, row, 0, cols);
                d.put(k * cols, row, 0, cols);
            }
        }
        return out;
    }

    /**
     * {@code dst[index[k]] += v[k]} over the row-major elements of a dense row-major array; {@code index == null}
     * means the identity.
     */
    static void add(INDArray dst, int[] index, double[] v) {
        requireDense(dst);
        if (dst.dataType() == DataType.DOUBLE) {
            DoubleBuffer b = dst.data().asNioDouble();
            for (int k = 0; k < v.length; k++) {
                int at = index == null ? k : index[k];
                b.put(at, b.get(at) + v[k]);
            }
        } else {
            FloatBuffer b = dst.data().asNioFloat();
            for (int k = 0; k < v.length; k++) {
                int at = index == null ? k : index[k];
                b.put(at, (float) (b.get(at) + v[k]));
            }
        }
    }

    /** {@code dst[rows[k], :] += v[k, :]} for a dense row-major matrix {@code dst} and row-major {@code v}. */
    static void addRows(INDArray dst, int[] rows, double[] v) {
        requireDense(dst);
        int cols = Math.toIntExact(dst.columns());
        int[] index = new int[v.length];
        for (int k = 0; k < rows.length; k++) {
            for (int c = 0; c < cols; c++) {
                index[k * cols + c] = rows[k] * cols + c;
            }
        }
        add(dst, index, v);
    }
}
