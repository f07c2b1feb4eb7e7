package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Depthwise 2-D convolution at stride 1 on float32 in plain loops, one zero-padded [H, W] plane at a time, each
 * kernel tap one vector loop ({@link FloatLoops}) over the whole plane: outputs are computed at the padded input's
 * row pitch and the extra columns dropped. Any padding and dilation.
 *
 * <p>Used where it beats libnd4j (KernelBenchmark, N=64, forward+backward ms, libnd4j vs these loops, figures in
 * results/ghn/profile/kernels-*.txt): backward at stride 1 on maps of 16x16 and more (5x5 C=16 32x32: 70 vs 42;
 * 5x5 C=48 16x16: 61 vs 34), and dilated convs at stride 1 both ways (3x3 dil 2 C=16 32x32: 68 vs 23; C=32 8x8:
 * 11 vs 5), which libnd4j runs through the polyphase detour of {@link ConvKernel}. libnd4j (oneDNN) keeps the
 * undilated forward passes, strided convs and small undilated maps, where these loops measured slower, and the input
 * gradient of undilated convs, which {@link ConvKernel} computes as a forward conv with the turned kernel.
 */
final class DepthwiseConv {
    private DepthwiseConv() {}

    /** Whether these loops are the faster choice for this conv's forward or backward pass, by the figures above. */
    static boolean isFaster(ConvGeometry g, INDArray x, INDArray w, boolean backward) {
        boolean applies = g.groups() > 1 && x.dataType() == DataType.FLOAT && w.dataType() == DataType.FLOAT
                && x.length() <= Integer.MAX_VALUE && g.sh() == 1 && g.sw() == 1;
        return applies && (g.dilation() > 1 || backward && x.size(2) >= 16);
    }

    static INDArray forward(INDArray x, INDArray w, ConvGeometry g, long[] ys) {
        Planes p = new Planes(x, g, ys);
        float[] kernel = w.dup('c').data().asFloat();
        FloatBuffer xb = HostFloats.read(x);
        INDArray y = CustomOps.result(DataType.FLOAT, ys);
        FloatBuffer yb = HostFloats.forWriting(y);
        boolean vector = VectorApi.available();
        // the vector loop reads up to a vector past the last window
        float[] padded = p.paddedPlane(vector ? VectorLoops.lanes() : 0);
        float[] wide = new float[p.oh * p.paddedW];
        float[] window = vector ? null : new float[wide.length];
        int taps = g.kh() * g.kw();
        int[] from = new int[taps];
        for (int ky = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                from[ky * g.kw() + kx] = p.tapStart(ky, kx);
            }
        }
        for (int n = 0; n < p.batch; n++) {
            for (int c = 0; c < p.channels; c++) {
                int plane = n * p.channels + c;
                p.pad(xb, plane, padded);
                correlate(vector, padded, from, kernel, c * taps, window, wide);
                for (int oy = 0; oy < p.oh; oy++) {
                    yb.put((plane * p.oh + oy) * p.ow, wide, oy * p.paddedW, p.ow);
                }
            }
        }
        HostFloats.written(y);
        return y;
    }

    /**
     * dx: the upstream gradient, framed by kernel-sized zero margins, correlated with the kernel turned by 180
     * degrees. For undilated convs {@link ConvKernel} runs that correlation as a forward conv on oneDNN instead.
     */
    static INDArray inputGradient(INDArray x, INDArray w, INDArray dy, ConvGeometry g) {
        Planes p = new Planes(x, g, dy.shape());
        float[] kernel = w.dup('c').data().asFloat();
        FloatBuffer gb = HostFloats.read(dy);
        INDArray dx = CustomOps.result(DataType.FLOAT, x.shape());
        FloatBuffer db = HostFloats.forWriting(dx);
        int taps = g.kh() * g.kw();
        int marginY = (g.kh() - 1) * g.dilation();
        int marginX = (g.kw() - 1) * g.dilation();
        int framePitch = marginX + p.w + g.pw() + p.ow;
        float[] upstream = new float[p.oh * p.ow];
        boolean vector = VectorApi.available();
        // the vector loop reads up to a vector past the last window
        float[] frame = new float[(marginY + p.h + g.ph() + p.oh + 1) * framePitch
                + (vector ? VectorLoops.lanes() : 0)];
        float[] dxWide = new float[p.h * framePitch];
        float[] dxWindow = vector ? null : new float[dxWide.length];
        int[] from = new int[taps];
        for (int ky = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                from[ky * g.kw() + kx] = (g.ph() - ky * g.dilation() + marginY) * framePitch
                        + g.pw() - kx * g.dilation() + marginX;
            }
        }
        for (int c = 0; c < p.channels; c++) {
            for (int n = 0; n < p.batch; n++) {
                int plane = n * p.channels + c;
                gb.get(plane * upstream.length, upstream, 0, upstream.length);
                for (int oy = 0; oy < p.oh; oy++) {
                    System.arraycopy(upstream, oy * p.ow, frame, (oy + marginY) * framePitch + marginX, p.ow);
                }
                correlate(vector, frame, from, kernel, c * taps, dxWindow, dxWide);
                for (int iy = 0; iy < p.h; iy++) {
                    db.put((plane * p.h + iy) * p.w, dxWide, iy * framePitch, p.w);
                }
            }
        }
        HostFloats.written(dx);
        return dx;
    }

    /**
     * dw in the PyTorch layout [C, 1, kh, kw] of a weight of shape {@code wShape}: the upstream gradient, laid out
     * at the padded input's row pitch with zeros in the extra columns, times the input window each tap read,
     * elementwise over the batch, reduced once per channel.
     */
    static INDArray weightGradient(INDArray x, INDArray dy, ConvGeometry g, long[] wShape) {
        Planes p = new Planes(x, g, dy.shape());
        FloatBuffer xb = HostFloats.read(x);
        FloatBuffer gb = HostFloats.read(dy);
        int taps = g.kh() * g.kw();
        float[] padded = p.paddedPlane();
        float[] upstream = new float[p.oh * p.ow];
        float[] wideUpstream = new float[p.oh * p.paddedW];
        boolean vector = VectorApi.available();
        float[] xWindow = new float[vector ? 0 : wideUpstream.length];
        float[][] products = new float[taps][vector ? 0 : wideUpstream.length];
        float[] dw = new float[p.channels * taps];
        double[] sums = new double[taps];
        float[] lanes = vector ? new float[taps * VectorLoops.lanes()] : null;
        for (int c = 0; c < p.channels; c++) {
            for (float[] acc : products) {
                Arrays.fill(acc, 0f);
            }
            Arrays.fill(sums, 0.0);
            for (int n = 0; n < p.batch; n++) {
                int plane = n * p.channels + c;
                p.pad(xb, plane, padded);
                gb.get(plane * upstream.length, upstream, 0, upstream.length);
                for (int oy = 0; oy < p.oh; oy++) {
                    System.arraycopy(upstream, oy * p.ow, wideUpstream, oy * p.paddedW, p.ow);
                }
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++) {
                        int t = ky * g.kw() + kx;
                        if (vector) {
                            VectorLoops.dotIntoLanes(wideUpstream, padded, p.tapStart(ky, kx), wideUpstream.length,
                                    lanes, t * VectorLoops.lanes());
                        } else {
                            System.arraycopy(padded, p.tapStart(ky, kx), xWindow, 0, xWindow.length);
                            FloatLoops.multiplyAdd(wideUpstream, xWindow, products[t]);
                        }
                    }
                }
                // float lane sums over at most 8 samples, then double
                if (vector && (n % 8 == 7 || n == p.batch - 1)) {
                    VectorLoops.flushLanes(lanes, sums);
                }
            }
            for (int t = 0; t < taps; t++) {
                double sum = sums[t];
                for (float v : products[t]) {
                    sum += v;
                }
                dw[c * taps + t] = (float) sum;
            }
        }
        return Nd4j.createFromArray(dw).reshape(wShape);
    }

    /**
     * dst[k] = sum over taps t of kernel[kFrom + t] * src[from[t] + k]: with the Vector API in registers, else one
     * axpy per tap over a copy of its window (the JIT vectorises no loop that reads at an offset).
     */
    private static void correlate(boolean vector, float[] src, int[] from, float[] kernel, int kFrom,
            float[] window, float[] dst) {
        if (vector) {
            VectorLoops.correlate(src, from, kernel, kFrom, dst);
            return;
        }
        Arrays.fill(dst, 0f);
        for (int t = 0; t < from.length; t++) {
            System.arraycopy(src, from[t], window, 0, window.length);
            FloatLoops.axpy(kernel[kFrom + t], window, dst);
        }
    }

    /** Sizes of one plane, of its zero-padded copy and of the output. */
    private static final class Planes {
        final int batch;
        final int channels;
        final int h;
        final int w;
        final int oh;
        final int ow;
        final int paddedH;
        final int paddedW;
        private final ConvGeometry g;

        Planes(INDArray x, ConvGeometry g, long[] ys) {
            if (g.sh() != 1 || g.sw() != 1) {
                throw new IllegalArgumentException("DepthwiseConv runs stride 1 only, but the stride was ("
                        + g.sh() + ", " + g.sw() + ").");
            }
            this.g = g;
            batch = (int) x.size(0);
            channels = (int) x.size(1);
            h = (int) x.size(2);
            w = (int) x.size(3);
            oh = (int) ys[2];
            ow = (int) ys[3];
            paddedH = h + 2 * g.ph();
            paddedW = w + 2 * g.pw();
        }

        /** One spare row: a whole-plane tap runs up to (kw - 1) * dilation columns past the last padded row. */
        float[] paddedPlane() {
            return paddedPlane(0);
        }

        /** As {@link #paddedPlane()}, with {@code slack} more floats at the end. */
        float[] paddedPlane(int slack) {
            return new float[(paddedH + 1) * paddedW + slack];
        }

        /** Copies plane {@code index} of {@code src} into the interior of {@code padded}; the border stays 0. */
        void pad(FloatBuffer src, int index, float[] padded) {
            for (int iy = 0; iy < h; iy++) {
                src.get((index * h + iy) * w, padded, (iy + g.ph()) * paddedW + g.pw(), w);
            }
        }

        /** Index in the padded plane of the input that output (0, 0) reads through tap (ky, kx). */
        int tapStart(int ky, int kx) {
            return ky * g.dilation() * paddedW + kx * g.dilation();
        }
    }
}
