package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-mode BatchNorm on dense float32 [N, C, H, W] arrays, in plain loops over one contiguous H*W row at a
 * time, with the batch statistics and per-channel sums accumulated in double. It replaces libnd4j's moments and
 * batchnorm ops for float32 because their float statistics lost digits on channels whose mean is large against
 * their spread, and BatchNorm's gradient compounds such errors from layer to layer: the parameter gradients of the
 * GHN's target nets were up to 8.5% off float64 with them and at most 0.16% with these loops (GradientPrecision in
 * the ghn module's tests; results/ghn/profile/). The loops are also faster (KernelBenchmark).
 */
final class FusedBatchNorm {
    private FusedBatchNorm() {}

    /** Whether the array is a dense float32 row-major block that starts its buffer, the layout these loops read. */
    static boolean applies(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 4 && HostFloats.isPlain(a)
                && a.length() <= Integer.MAX_VALUE;
    }

    /** [N, C, H*W] of a map: row (i, ch) of H*W elements starts at {@code row(i, ch)}. */
    private record Rows(int n, int channels, int hw) {
        static Rows of(INDArray x) {
            int n = (int) x.size(0);
            int channels = (int) x.size(1);
            return new Rows(n, channels, (int) (x.length() / ((long) n * channels)));
        }

        /** Elements per channel: the count the batch statistics average over. */
        long count() {
            return (long) n * hw;
        }

        int row(int i, int ch) {
            return (i * channels + ch) * hw;
        }
    }

    static BatchNormKernel.Cache forwardTrain(INDArray x, INDArray gamma, INDArray beta) {
        return forwardTrain(x, gamma, beta, VectorApi.available());
    }

    /** As {@link #forwardTrain(INDArray, INDArray, INDArray)}, with {@link VectorLoops} only where asked. */
    static BatchNormKernel.Cache forwardTrain(INDArray x, INDArray gamma, INDArray beta, boolean vector) {
        Rows rows = Rows.of(x);
        int n = rows.n();
        int channels = rows.channels();
        int hw = rows.hw();
        long count = rows.count();
        FloatBuffer xb = HostFloats.read(x);
        float[] row = new float[hw];
        double[] mean = new double[channels];
        // The vector loops sum in float: shifted by a value of the channel, the sums stay near its spread
        // rather than its mean.
        float[] shift = new float[channels];
        for (int ch = 0; ch < channels && vector; ch++) {
            shift[ch] = xb.get(rows.row(0, ch));
        }
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < channels; ch++) {
                xb.get(rows.row(i, ch), row, 0, hw);
                mean[ch] += vector ? VectorLoops.sumShifted(row, hw, shift[ch]) : sum(row, hw);
            }
        }
        for (int ch = 0; ch < channels; ch++) {
            mean[ch] = shift[ch] + mean[ch] / count;
        }
        // The second pass centres before squaring: E[x^2] - E[x]^2 loses the variance of large-mean channels.
        double[] var = new double[channels];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < channels; ch++) {
                xb.get(rows.row(i, ch), row, 0, hw);
                var[ch] += vector ? VectorLoops.squaredDeviations(row, hw, (float) mean[ch])
                        : squaredDeviations(row, hw, mean[ch]);
            }
        }
        double[] g = gamma.toDoubleVector();
        double[] b = beta.toDoubleVector();
        float[] scale = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            var[ch] /= count;
            scale[ch] = (float) (g[ch] / Math.sqrt(var[ch] + BatchNormKernel.EPS));
        }
        INDArray y = CustomOps.result(DataType.FLOAT, x.shape());
        FloatBuffer yb = HostFloats.forWriting(y);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < channels; ch++) {
                int at = rows.row(i, ch);
                xb.get(at, row, 0, hw);
                float m = (float) mean[ch];
                float a = scale[ch];
                float c = (float) b[ch];
                if (vector) {
                    VectorLoops.affine(row, hw, m, a, c);
                } else {
                    for (int k = 0; k < hw; k++) {
                        row[k] = (row[k] - m) * a + c;
                    }
                }
                yb.put(at, row, 0, hw);
            }
        }
        HostFloats.written(y);
        return new BatchNormKernel.Cache(x, gamma, beta, floats(mean), floats(var), y);
    }

    /** Returns {dx, dgamma, dbeta} for a dense float32 upstream gradient; dx includes the batch-statistics paths. */
    static INDArray[] backward(BatchNormKernel.Cache c, INDArray dy) {
        return backward(c, dy, VectorApi.available());
    }

    /** As {@link #backward(BatchNormKernel.Cache, INDArray)}, with {@link VectorLoops} only where asked. */
    static INDArray[] backward(BatchNormKernel.Cache c, INDArray dy, boolean vector) {
        INDArray x = c.x();
        Rows rows = Rows.of(x);
        int n = rows.n();
        int channels = rows.channels();
        int hw = rows.hw();
        long count = rows.count();
        FloatBuffer xb = HostFloats.read(x);
        FloatBuffer gb = HostFloats.read(dy);
        double[] mean = c.mean().toDoubleVector();
        double[] var = c.var().toDoubleVector();
        double[] gamma = c.gamma().toDoubleVector();
        float[] xr = new float[hw];
        float[] gr = new float[hw];
        double[] sumDy = new double[channels];
        double[] sumDyCentred = new double[channels];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < channels; ch++) {
                int at = rows.row(i, ch);
                xb.get(at, xr, 0, hw);
                gb.get(at, gr, 0, hw);
                if (vector) {
                    sumDy[ch] += VectorLoops.sumShifted(gr, hw, 0f);
                    sumDyCentred[ch] += VectorLoops.centredDot(gr, xr, hw, (float) mean[ch]);
                } else {
                    sumDy[ch] += sum(gr, hw);
                    sumDyCentred[ch] += centredDot(gr, xr, hw, (float) mean[ch]);
                }
            }
        }
        float[] scaleDy = new float[channels];
        float[] scaleCentred = new float[channels];
        float[] shift = new float[channels];
        double[] dGamma = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            double invStd = 1.0 / Math.sqrt(var[ch] + BatchNormKernel.EPS);
            scaleDy[ch] = (float) (gamma[ch] * invStd);
            scaleCentred[ch] = (float) (-gamma[ch] * invStd * invStd * invStd * sumDyCentred[ch] / count);
            shift[ch] = (float) (-gamma[ch] * invStd * sumDy[ch] / count);
            dGamma[ch] = sumDyCentred[ch] * invStd;
        }
        INDArray dx = CustomOps.result(DataType.FLOAT, x.shape());
        FloatBuffer db = HostFloats.forWriting(dx);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < channels; ch++) {
                int at = rows.row(i, ch);
                xb.get(at, xr, 0, hw);
                gb.get(at, gr, 0, hw);
                float m = (float) mean[ch];
                float a = scaleDy[ch];
                float b = scaleCentred[ch];
                float s = shift[ch];
                if (vector) {
                    VectorLoops.scaledCentredAdd(gr, xr, hw, m, a, b, s);
                } else {
                    for (int k = 0; k < hw; k++) {
                        gr[k] = gr[k] * a + (xr[k] - m) * b + s;
                    }
                }
                db.put(at, gr, 0, hw);
            }
        }
        HostFloats.written(dx);
        return new INDArray[] {dx, like(dGamma, c.gamma()), like(sumDy, c.beta())};
    }

    // The sums below run four independent double accumulators: one running sum waits on each add's latency, and
    // these reductions were most of the kernel's time.

    private static double sum(float[] v, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += v[k];
            s1 += v[k + 1];
            s2 += v[k + 2];
            s3 += v[k + 3];
        }
        for (; k < n; k++) {
            s0 += v[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double squaredDeviations(float[] v, int n, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            double d0 = v[k] - mean;
            double d1 = v[k + 1] - mean;
            double d2 = v[k + 2] - mean;
            double d3 = v[k + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; k < n; k++) {
            double d = v[k] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The sum of g[k] * (x[k] - mean). */
    private static double centredDot(float[] g, float[] x, int n, float mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += g[k] * (x[k] - mean);
            s1 += g[k + 1] * (x[k + 1] - mean);
            s2 += g[k + 2] * (x[k + 2] - mean);
            s3 += g[k + 3] * (x[k + 3] - mean);
        }
        for (; k < n; k++) {
            s0 += g[k] * (x[k] - mean);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static INDArray floats(double[] v) {
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }

    private static INDArray like(double[] v, INDArray parameter) {
        INDArray a = Nd4j.createFromArray(v);
        return (a.dataType() == parameter.dataType() ? a : a.castTo(parameter.dataType())).reshape(parameter.shape());
    }
}
