package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense 1x1 convolution at stride 1 on float32 in plain loops, one sample at a time: each output plane is a sum of
 * input planes scaled by one weight each, one vector loop ({@link FloatLoops#axpy}) per input channel over the whole
 * H*W plane; the weight gradient is a dot product of an upstream and an input plane per weight. With the Vector API
 * the same sums run register-blocked ({@link VectorLoops#mixChannels}, {@link VectorLoops#channelDots}).
 *
 * <p>Why: with few channels on large maps (the cells' preprocessing and 1x1 ops of a C=8 or C=16 net at 32x32)
 * libnd4j's conv2d spends most of its time outside the arithmetic; the figures behind {@link #isFasterForward} and
 * {@link #isFasterBackward} are in results/ghn/profile/training-step.md.
 */
final class PointwiseConv {
    private PointwiseConv() {}

    /**
     * Whether the loops' forward pass is the faster one: a plane of 16x16 or more and at most 32k floats per sample
     * and channel count (32 channels at 32x32, 128 at 16x16). Measured against libnd4j at N=64 on an idle machine:
     * [64,16,32,32] 8.8 vs 3.4 ms, [64,32,32,32] 17.1 vs 8.9, [64,64,16,16] 15.7 vs 9.0; slower at [64,48,32,32]
     * (14.6 vs 16.3), on 8x8 and on 11x11 maps.
     */
    static boolean isFasterForward(ConvGeometry g, INDArray x, INDArray w) {
        long plane = x.size(2) * x.size(3);
        if (VectorApi.available()) {
            return applies(g, x, w) && isFasterWithVectors(x, w);
        }
        return applies(g, x, w) && plane >= 256 && Math.max(x.size(1), w.size(0)) * plane <= 32 * 1024;
    }

    /**
     * With the Vector API both passes are the loops' on every shape measured except 64 channels on 8x8 maps, where
     * libnd4j's backward was faster and the forward passes tied. N=64, idle machine, forward / backward ms, libnd4j
     * vs the vector loops: [64,8,32,32] 2.9 vs 1.3 / 11.3 vs 2.1; [64,16,32,32] 9.1 vs 3.1 / 13.7 vs 5.3;
     * [64,32,32,32] 9.5 vs 6.6 / 12.3 vs 11.1; [64,48,32,32] 47 vs 11 / 79 vs 22; [64,16,16,16] 0.7 vs 0.4 / 1.4 vs
     * 0.7; [64,64,16,16] 13.8 vs 4.2 / 25.1 vs 8.2; [64,24,11,11] 0.6 vs 0.5 / 1.5 vs 0.9; [64,32,8,8] 0.5 vs 0.3 /
     * 0.8 vs 0.7; [64,64,8,8] 1.0 vs 1.0 / 1.7 vs 2.6.
     */
    private static boolean isFasterWithVectors(INDArray x, INDArray w) {
        return x.size(2) * x.size(3) > 64 || Math.max(x.size(1), w.size(0)) < 64;
    }

    /**
     * Whether the loops' backward pass is the faster one: at most 8 channels on 32x32 maps or larger, the C=8 nets'
     * full-resolution 1x1 convs ([64,8,32,32]: 12.8 vs 4.8 ms, [32,8,32,32]: 4.0 vs 1.4); with 16 channels or more,
     * or on smaller maps, libnd4j's was faster.
     */
    static boolean isFasterBackward(ConvGeometry g, INDArray x, INDArray w) {
        if (VectorApi.available()) {
            return applies(g, x, w) && isFasterWithVectors(x, w);
        }
        return applies(g, x, w) && x.size(2) * x.size(3) >= 1024 && Math.max(x.size(1), w.size(0)) <= 8;
    }

    private static boolean applies(ConvGeometry g, INDArray x, INDArray w) {
        return g.kh() == 1 && g.kw() == 1 && g.sh() == 1 && g.sw() == 1 && g.ph() == 0 && g.pw() == 0
                && g.dilation() == 1 && g.groups() == 1 && x.dataType() == DataType.FLOAT
                && w.dataType() == DataType.FLOAT && x.length() <= Integer.MAX_VALUE;
    }

    static INDArray forward(INDArray x, INDArray w) {
        boolean vector = VectorApi.available();
        int batch = (int) x.size(0);
        int in = (int) x.size(1);
        int out = (int) w.size(0);
        int plane = (int) (x.size(2) * x.size(3));
        float[] weights = w.dup('c').data().asFloat();
        FloatBuffer xb = HostFloats.read(x);
        INDArray y = CustomOps.result(DataType.FLOAT, batch, out, x.size(2), x.size(3));
        FloatBuffer yb = HostFloats.forWriting(y);
        // the vector loops run on rows padded with zeros to whole vectors; the outputs' padding is dropped
        int length = vector ? VectorLoops.padded(plane) : plane;
        float[][] rows = new float[in][length];
        float[][] outRows = new float[out][length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < in; c++) {
                xb.get((n * in + c) * plane, rows[c], 0, plane);
            }
            if (vector) {
                VectorLoops.mixChannels(rows, in, weights, in, 1, outRows);
            } else {
                for (int o = 0; o < out; o++) {
                    Arrays.fill(outRows[o], 0f);
                    for (int c = 0; c < in; c++) {
                        FloatLoops.axpy(weights[o * in + c], rows[c], outRows[o]);
                    }
                }
            }
            for (int o = 0; o < out; o++) {
                yb.put((n * out + o) * plane, outRows[o], 0, plane);
            }
        }
        HostFloats.written(y);
        return y;
    }

    /** Returns {dx, dw}, dw in the layout [out, in, 1, 1] of {@code w}. */
    static INDArray[] backward(INDArray x, INDArray w, INDArray dy) {
        boolean vector = VectorApi.available();
        int batch = (int) x.size(0);
        int in = (int) x.size(1);
        int out = (int) w.size(0);
        int plane = (int) (x.size(2) * x.size(3));
        // rows padded with zeros to whole vectors, or to a multiple of 8 for FloatLoops.dot; the padding adds zeros
        int padded = vector ? VectorLoops.padded(plane) : (plane + 7) & ~7;
        float[] weights = w.dup('c').data().asFloat();
        FloatBuffer xb = HostFloats.read(x);
        FloatBuffer gb = HostFloats.read(dy);
        INDArray dx = CustomOps.result(DataType.FLOAT, x.shape());
        FloatBuffer db = HostFloats.forWriting(dx);
        float[][] xRows = new float[in][padded];
        float[][] gRows = new float[out][padded];
        float[][] dxRows = new float[in][padded];
        double[] dw = new double[out * in];
        float[] dwLanes = vector ? new float[out * in * VectorLoops.lanes()] : null;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < in; c++) {
                xb.get((n * in + c) * plane, xRows[c], 0, plane);
            }
            for (int o = 0; o < out; o++) {
                gb.get((n * out + o) * plane, gRows[o], 0, plane);
            }
            if (vector) {
                // dx[c] = sum over o of w[o][c] dy[o]: the forward's mixing with the weight matrix transposed
                VectorLoops.mixChannels(gRows, out, weights, 1, in, dxRows);
                VectorLoops.channelDots(gRows, xRows, in, dwLanes);
                // float lane sums over at most 8 samples, then double: a float sum over the batch lost digits
                if (n % 8 == 7 || n == batch - 1) {
                    VectorLoops.flushLanes(dwLanes, dw);
                }
            } else {
                for (int c = 0; c < in; c++) {
                    Arrays.fill(dxRows[c], 0f);
                    for (int o = 0; o < out; o++) {
                        FloatLoops.axpy(weights[o * in + c], gRows[o], dxRows[c]);
                        dw[o * in + c] += FloatLoops.dot(gRows[o], xRows[c]);
                    }
                }
            }
            for (int c = 0; c < in; c++) {
                db.put((n * in + c) * plane, dxRows[c], 0, plane);
            }
        }
        HostFloats.written(dx);
        float[] dwFloat = new float[dw.length];
        for (int i = 0; i < dw.length; i++) {
            dwFloat[i] = (float) dw[i];
        }
        return new INDArray[] {dx, Nd4j.createFromArray(dwFloat).reshape(w.shape())};
    }
}
