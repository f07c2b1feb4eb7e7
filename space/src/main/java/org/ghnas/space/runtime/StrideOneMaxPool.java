package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Square max pooling at stride 1 on float32, one [H, W] plane at a time: the backward pass always, the forward pass
 * where the Vector API runs. In the backward, each output's gradient goes to the first input of its window, in
 * row-major order, that equals the window's maximum (PyTorch's rule, and libnd4j's; ties are common after a ReLU,
 * where a window of zeros sends its whole gradient to one of them).
 *
 * <p>How: the plane is padded with -infinity and every loop runs over the window positions at the padded row pitch,
 * one kernel tap at a time ({@link DepthwiseConv}'s layout), so that no loop needs a bounds check or a branch. First
 * the window maxima; then, tap by tap in row-major order, each window whose tap equals its maximum passes on the
 * gradient it has not yet passed on. The columns past a row's end are no outputs and have no gradient to pass.
 * "Equals" is computed without a comparison, which the JDK 17 JIT does not vectorise: d = tap - max is 0 or negative,
 * and 1 + max(-1, d * 1e38 * 1e38) is exactly 1 or 0 for every float d, subnormal ones included. The Vector API
 * loops ({@link VectorLoops#windowMax}, {@link VectorLoops#passToMaxima}) do the same arithmetic in the same order
 * on the plane in place; the plain loops first copy each tap's window to offset 0, because the auto-vectoriser
 * handles no loop over two arrays at different offsets. Both give the same bits.
 *
 * <p>Why: libnd4j's maxpool2d_bp takes about 35 ns per output at [64, 16, 32, 32] (35 ms a call, the plain loops
 * 12 ms), and a branch-free Java loop over one window at a time was no faster (results/ghn/profile/training-step.md).
 * libnd4j's forward at stride 1 took a third of max pooling's time in the training nets. At stride 2 the same loops
 * would visit four window positions per output and measured slower than libnd4j.
 */
final class StrideOneMaxPool {
    /** Twice: the smallest subnormal difference times 1e38 is still below 1, times 1e38 again far above. */
    private static final float HUGE = 1e38f;

    private StrideOneMaxPool() {}

    /** Float32 at stride 1, where the backward loops measured 1.3 to 3 times faster than libnd4j's. */
    static boolean runsBackward(INDArray x, INDArray dy, int stride) {
        return stride == 1 && x.dataType() == DataType.FLOAT && dy.dataType() == DataType.FLOAT
                && x.length() <= Integer.MAX_VALUE;
    }

    /** Float32 at stride 1 with the Vector API; without it libnd4j's forward is as fast as plain loops. */
    static boolean runsForward(INDArray x, int stride) {
        return VectorApi.available() && stride == 1 && x.dataType() == DataType.FLOAT
                && x.length() <= Integer.MAX_VALUE;
    }

    /** y for the input x [N, C, H, W], window k at stride 1, padding p; only where {@link #runsForward} holds. */
    static INDArray forward(INDArray x, int k, int p) {
        Planes g = new Planes(x, k, p, true);
        FloatBuffer xb = HostFloats.read(x);
        INDArray y = CustomOps.result(DataType.FLOAT, x.size(0), x.size(1), g.oh, g.ow);
        FloatBuffer yb = HostFloats.forWriting(y);
        float[] padded = g.paddedPlane();
        float[] max = new float[g.span];
        float[] plainX = new float[g.h * g.w];
        float[] plainY = new float[g.oh * g.ow];
        for (int plane = 0; plane < g.planes; plane++) {
            xb.get(plane * g.h * g.w, plainX);
            g.pad(plainX, padded);
            VectorLoops.windowMax(padded, g.taps, max);
            for (int i = 0; i < g.oh; i++) {
                System.arraycopy(max, i * g.pitch, plainY, i * g.ow, g.ow);
            }
            yb.put(plane * g.oh * g.ow, plainY);
        }
        HostFloats.written(y);
        return y;
    }

    /** d x for the input x [N, C, H, W], upstream gradient dy [N, C, OH, OW], window k at stride 1, padding p. */
    static INDArray backward(INDArray x, INDArray dy, int k, int p) {
        boolean vector = VectorApi.available();
        Planes g = new Planes(x, k, p, vector);
        FloatBuffer xb = HostFloats.read(x);
        FloatBuffer gb = HostFloats.read(dy);
        INDArray dx = CustomOps.result(DataType.FLOAT, x.shape());
        FloatBuffer db = HostFloats.forWriting(dx);
        float[] padded = g.paddedPlane();
        float[] grad = new float[padded.length];
        float[] max = new float[g.span];
        float[] pending = new float[g.span];
        float[] window = vector ? null : new float[g.span];
        float[] into = vector ? null : new float[g.span];
        float[] plainX = new float[g.h * g.w];
        float[] plainG = new float[g.oh * g.ow];
        for (int plane = 0; plane < g.planes; plane++) {
            // whole planes per buffer call: a call per row cost more than the loops below
            xb.get(plane * g.h * g.w, plainX);
            g.pad(plainX, padded);
            if (vector) {
                VectorLoops.windowMax(padded, g.taps, max);
            } else {
                windowMax(padded, g.taps, max, window);
            }
            Arrays.fill(pending, 0f);
            gb.get(plane * g.oh * g.ow, plainG);
            for (int i = 0; i < g.oh; i++) {
                System.arraycopy(plainG, i * g.ow, pending, i * g.pitch, g.ow);
            }
            Arrays.fill(grad, 0f);
            for (int tap : g.taps) {
                if (vector) {
                    VectorLoops.passToMaxima(padded, tap, max, pending, grad, HUGE);
                } else {
                    passToMaxima(padded, tap, max, pending, grad, window, into);
                }
            }
            for (int r = 0; r < g.h; r++) {
                System.arraycopy(grad, (r + p) * g.pitch + p, plainX, r * g.w, g.w);
            }
            db.put(plane * g.h * g.w, plainX);
        }
        HostFloats.written(dx);
        return dx;
    }

    private static void windowMax(float[] padded, int[] taps, float[] max, float[] window) {
        // finite, so that a window of nothing but padding (past a row's end) gives -infinity, never NaN
        Arrays.fill(max, -Float.MAX_VALUE);
        for (int tap : taps) {
            System.arraycopy(padded, tap, window, 0, max.length);
            for (int o = 0; o < max.length; o++) {
                max[o] = Math.max(max[o], window[o]);
            }
        }
    }

    private static void passToMaxima(float[] padded, int tap, float[] max, float[] pending, float[] grad,
            float[] window, float[] into) {
        int n = max.length;
        System.arraycopy(padded, tap, window, 0, n);
        // through a block at offset 0: the JIT vectorises no loop over two arrays at different offsets
        System.arraycopy(grad, tap, into, 0, n);
        for (int o = 0; o < n; o++) {
            float isMax = 1f + Math.max(-1f, (window[o] - max[o]) * HUGE * HUGE);
            float passed = isMax * pending[o];
            pending[o] -= passed;
            into[o] += passed;
        }
        System.arraycopy(into, 0, grad, tap, n);
    }

    /** The padded-plane layout of one pooling: taps in row-major order, window positions at the padded pitch. */
    private static final class Planes {
        final int planes;
        final int h;
        final int w;
        final int oh;
        final int ow;
        final int pitch;
        /** Window positions per plane, rounded up to whole vectors for the Vector API loops. */
        final int span;
        final int[] taps;
        private final int p;

        Planes(INDArray x, int k, int p, boolean wholeVectors) {
            this.planes = (int) (x.size(0) * x.size(1));
            this.h = (int) x.size(2);
            this.w = (int) x.size(3);
            this.oh = h + 2 * p - k + 1;
            this.ow = w + 2 * p - k + 1;
            this.pitch = w + 2 * p;
            this.p = p;
            int positions = oh * pitch;
            this.span = wholeVectors ? VectorLoops.padded(positions) : positions;
            this.taps = new int[k * k];
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    taps[u * k + v] = u * pitch + v;
                }
            }
        }

        /** A plane of -infinity long enough for the last tap's windows over all span positions. */
        float[] paddedPlane() {
            float[] padded = new float[taps[taps.length - 1] + span];
            Arrays.fill(padded, Float.NEGATIVE_INFINITY);
            return padded;
        }

        /** Copies one [h, w] plane into the interior of padded, whose border stays -infinity. */
        void pad(float[] plane, float[] padded) {
            for (int r = 0; r < h; r++) {
                System.arraycopy(plane, r * w, padded, (r + p) * pitch + p, w);
            }
        }
    }
}
