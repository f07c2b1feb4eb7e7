package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward pass of square max pooling at stride 1 on float32, one [H, W] plane at a time, in loops the JIT
 * vectorises: each output's gradient goes to the first input of its window, in row-major order, that equals the
 * window's maximum (PyTorch's rule, and libnd4j's; ties are common after a ReLU, where a window of zeros sends its
 * whole gradient to one of them).
 *
 * <p>How: the plane is padded with -infinity and every loop runs over the window positions at the padded row pitch,
 * one kernel tap at a time ({@link DepthwiseConv}'s layout), so that no loop needs a bounds check or a branch. First
 * the window maxima; then, tap by tap in row-major order, each window whose tap equals its maximum passes on the
 * gradient it has not yet passed on. The columns past a row's end are no outputs and have no gradient to pass.
 * "Equals" is computed without a comparison, which the JDK 17 JIT does not vectorise: d = tap - max is 0 or negative,
 * and 1 + max(-1, d * 1e38 * 1e38) is exactly 1 or 0 for every float d, subnormal ones included.
 *
 * <p>Why: libnd4j's maxpool2d_bp takes about 35 ns per output at [64, 16, 32, 32] (35 ms a call, these loops 12 ms),
 * and a branch-free Java loop over one window at a time was no faster (results/ghn/profile/training-step.md). At
 * stride 2 the same loops would visit four window positions per output and measured slower than libnd4j.
 */
final class MaxPoolBackward {
    /** Twice: the smallest subnormal difference times 1e38 is still below 1, times 1e38 again far above. */
    private static final float HUGE = 1e38f;

    private MaxPoolBackward() {}

    /** Float32 at stride 1, where these loops measured 1.3 to 3 times faster than libnd4j's. */
    static boolean isFaster(INDArray x, INDArray dy, int stride) {
        return stride == 1 && x.dataType() == DataType.FLOAT && dy.dataType() == DataType.FLOAT
                && x.length() <= Integer.MAX_VALUE;
    }

    /** d x for the input x [N, C, H, W], upstream gradient dy [N, C, OH, OW], window k at stride 1, padding p. */
    static INDArray of(INDArray x, INDArray dy, int k, int p) {
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = (int) dy.size(2);
        int ow = (int) dy.size(3);
        int pitch = w + 2 * p;
        int paddedLength = (h + 2 * p) * pitch + k; // the last taps' windows run k - 1 floats past the last row
        int positions = oh * pitch;
        FloatBuffer xb = HostFloats.read(x);
        FloatBuffer gb = HostFloats.read(dy);
        INDArray dx = CustomOps.result(DataType.FLOAT, x.shape());
        FloatBuffer db = HostFloats.forWriting(dx);
        float[] padded = new float[paddedLength];
        float[] grad = new float[paddedLength];
        float[] window = new float[positions];
        float[] max = new float[positions];
        float[] pending = new float[positions];
        float[] into = new float[positions];
        float[] plainX = new float[h * w];
        float[] plainG = new float[oh * ow];
        Arrays.fill(padded, Float.NEGATIVE_INFINITY);
        for (int plane = 0; plane < planes; plane++) {
            // whole planes per buffer call: a call per row cost more than the loops below
            xb.get(plane * h * w, plainX);
            for (int r = 0; r < h; r++) {
                System.arraycopy(plainX, r * w, padded, (r + p) * pitch + p, w);
            }
            // finite, so that a window of nothing but padding (past a row's end) gives -infinity, never NaN
            Arrays.fill(max, -Float.MAX_VALUE);
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    System.arraycopy(padded, u * pitch + v, window, 0, positions);
                    for (int o = 0; o < positions; o++) {
                        max[o] = Math.max(max[o], window[o]);
                    }
                }
            }
            Arrays.fill(pending, 0f);
            gb.get(plane * oh * ow, plainG);
            for (int i = 0; i < oh; i++) {
                System.arraycopy(plainG, i * ow, pending, i * pitch, ow);
            }
            Arrays.fill(grad, 0f);
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    int tap = u * pitch + v;
                    System.arraycopy(padded, tap, window, 0, positions);
                    // through a block at offset 0: the JIT vectorises no loop over two arrays at different offsets
                    System.arraycopy(grad, tap, into, 0, positions);
                    for (int o = 0; o < positions; o++) {
                        float isMax = 1f + Math.max(-1f, (window[o] - max[o]) * HUGE * HUGE);
                        float passed = isMax * pending[o];
                        pending[o] -= passed;
                        into[o] += passed;
                    }
                    System.arraycopy(into, 0, grad, tap, positions);
                }
            }
            for (int r = 0; r < h; r++) {
                System.arraycopy(grad, (r + p) * pitch + p, plainX, r * w, w);
            }
            db.put(plane * h * w, plainX);
        }
        HostFloats.written(dx);
        return dx;
    }
}
