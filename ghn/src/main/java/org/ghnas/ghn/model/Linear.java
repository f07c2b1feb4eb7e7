package org.ghnas.ghn.model;

/**
 * A dense layer {@code y = W x + b} on double arrays, the building block of the GNN's message MLPs and GRU cell.
 *
 * <p>Every inner loop reads and writes zero-based arrays with one and the same index ({@code y[o] += row[o] * x}),
 * the only form HotSpot's C2 (JDK 17) turns into SIMD code; offsets into flat arrays measured 3-4 times slower.
 * So the weight is kept as rows in both layouts: {@code wt[i]} (length out) for {@code W x}, {@code w[o]}
 * (length in, PyTorch's [out, in]) for {@code W^T dy} and the weight gradient.
 */
final class Linear {

    final int in;
    final int out;
    /** Rows of PyTorch's [out, in] weight. */
    final double[][] w;
    /** Rows of the transposed weight, [in, out]. */
    final double[][] wt;
    final double[] b;

    /** Wraps a flat [out, in] weight (row-major) and a bias of length out. */
    Linear(int in, int out, double[] flatW, double[] b) {
        this.in = in;
        this.out = out;
        this.b = b;
        this.w = new double[out][in];
        this.wt = new double[in][out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double v = flatW[o * in + i];
                w[o][i] = v;
                wt[i][o] = v;
            }
        }
    }

    /** {@code y = W x + b}; {@code y} has length at least out. */
    void forward(double[] x, double[] y) {
        System.arraycopy(b, 0, y, 0, out);
        for (int i = 0; i < in; i++) {
            double xi = x[i];
            if (xi != 0) {
                double[] row = wt[i];
                for (int o = 0; o < out; o++) {
                    y[o] += row[o] * xi;
                }
            }
        }
    }

    /** {@code dx += W^T dy}. */
    void backwardInput(double[] dy, double[] dx) {
        for (int o = 0; o < out; o++) {
            double d = dy[o];
            if (d != 0) {
                double[] row = w[o];
                for (int i = 0; i < in; i++) {
                    dx[i] += row[i] * d;
                }
            }
        }
    }

    /** {@code dw += dy x^T}, {@code db += dy}: the parameter gradient of one application to {@code x}. */
    void accumulateGradient(double[][] dw, double[] db, double[] dy, double[] x) {
        for (int o = 0; o < out; o++) {
            double d = dy[o];
            if (d != 0) {
                db[o] += d;
                double[] row = dw[o];
                for (int i = 0; i < in; i++) {
                    row[i] += d * x[i];
                }
            }
        }
    }
}
