package org.ghnas.space.runtime;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Square max and average pooling on libnd4j's pooling ops (oneDNN for float32), plus global average pooling.
 * Max pooling never picks the padding; average pooling divides by the number of in-bounds inputs
 * (PyTorch's count_include_pad=False, which the reference's avg_pool_3x3 uses). Runs libnd4j's generic pooling,
 * not the oneDNN helper, which measured several times slower at these sizes. Max pooling at stride 1 on float32 runs
 * as Java loops instead ({@link StrideOneMaxPool}: the backward always, the forward with the Vector API).
 */
final class PoolKernel {
    /** libnd4j's avgpool2d extraParam0: 0 divides by the in-bounds count, 1 by the kernel area. */
    private static final int EXCLUDE_PADDING = 0;

    private PoolKernel() {}

    static INDArray maxForward(INDArray x, int k, int s, int p) {
        if (StrideOneMaxPool.runsForward(x, s)) {
            outputShape(x, k, s, p);
            return StrideOneMaxPool.forward(x, k, p);
        }
        return pool("maxpool2d", x, k, s, p);
    }

    static INDArray maxBackward(INDArray x, INDArray dy, int k, int s, int p) {
        if (StrideOneMaxPool.runsBackward(x, dy, s)) {
            CustomOps.requireSameShape(dy, outputShape(x, k, s, p), "dy");
            return StrideOneMaxPool.backward(x, dy, k, p);
        }
        return poolBackward("maxpool2d_bp", x, dy, k, s, p);
    }

    static INDArray avgForward(INDArray x, int k, int s, int p) {
        if (isSameWindow(k, s, p)) {
            outputShape(x, k, s, p);
            return windowSums(CustomOps.dense(x), k).muli(inverseCounts(x, k));
        }
        return pool("avgpool2d", x, k, s, p);
    }

    /**
     * For stride 1 and "same" padding the window of every output is centred on it, so the transpose of the window
     * sum is the window sum itself: dx = windowSums(dy / count).
     */
    static INDArray avgBackward(INDArray x, INDArray dy, int k, int s, int p) {
        if (isSameWindow(k, s, p)) {
            CustomOps.requireSameShape(dy, outputShape(x, k, s, p), "dy");
            return windowSums(dy.mul(inverseCounts(x, k)), k);
        }
        return poolBackward("avgpool2d_bp", x, dy, k, s, p);
    }

    private static boolean isSameWindow(int k, int s, int p) {
        return s == 1 && k % 2 == 1 && 2 * p == k - 1;
    }

    /**
     * Sums over the k x k window around each position, zero outside the map: a depthwise conv with a ones kernel,
     * which runs on oneDNN (libnd4j's generic avgpool2d loop measured 5 to 10 times slower).
     */
    private static INDArray windowSums(INDArray x, int k) {
        long channels = x.size(1);
        INDArray ones = Nd4j.ones(x.dataType(), k, k, channels, 1);
        INDArray y = CustomOps.empty(x.dataType(), x.shape());
        CustomOps.exec("depthwise_conv2d", new INDArray[] {x, ones}, new INDArray[] {y},
                ConvGeometry.square(k, 1, (k - 1) / 2, 1, (int) channels).opArgs(CustomOps.HWIO));
        return y;
    }

    /** 1 / (in-bounds inputs of each k x k window) as [1, 1, H, W], PyTorch's count_include_pad=False divisor. */
    private static INDArray inverseCounts(INDArray x, int k) {
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int r = (k - 1) / 2;
        double[] inv = new double[h * w];
        for (int i = 0; i < h; i++) {
            int rows = Math.min(h - 1, i + r) - Math.max(0, i - r) + 1;
            for (int j = 0; j < w; j++) {
                int cols = Math.min(w - 1, j + r) - Math.max(0, j - r) + 1;
                inv[i * w + j] = 1.0 / (rows * cols);
            }
        }
        INDArray a = Nd4j.create(inv, new long[] {1, 1, h, w}, DataType.DOUBLE);
        return x.dataType() == DataType.DOUBLE ? a : a.castTo(x.dataType());
    }

    /** [N, C, H, W] -> [N, C]. */
    static INDArray globalAvgForward(INDArray x) {
        CustomOps.requireRank(x, 4, "x");
        return x.mean(2, 3);
    }

    /** [N, C] -> [N, C, H, W], each position receiving dy / (H W). */
    static INDArray globalAvgBackward(INDArray dy, long h, long w) {
        CustomOps.requireRank(dy, 2, "dy");
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("h and w must be >= 1, but were " + h + " and " + w + ".");
        }
        INDArray dx = CustomOps.empty(dy.dataType(), dy.size(0), dy.size(1), h, w);
        dx.assign(0.0);
        return dx.addi(dy.div((double) (h * w)).reshape(dy.size(0), dy.size(1), 1, 1));
    }

    private static INDArray pool(String op, INDArray x, int k, int s, int p) {
        long[] ys = outputShape(x, k, s, p);
        INDArray y = CustomOps.result(x.dataType(), ys);
        CustomOps.execWithoutHelpers(op, new INDArray[] {CustomOps.dense(x)}, new INDArray[] {y}, args(k, s, p));
        return y;
    }

    private static INDArray poolBackward(String op, INDArray x, INDArray dy, int k, int s, int p) {
        CustomOps.requireSameShape(dy, outputShape(x, k, s, p), "dy");
        INDArray dx = CustomOps.result(x.dataType(), x.shape());
        CustomOps.execWithoutHelpers(op, new INDArray[] {CustomOps.dense(x), CustomOps.dense(dy)},
                new INDArray[] {dx}, args(k, s, p));
        return dx;
    }

    private static int[] args(int k, int s, int p) {
        return new int[] {k, k, s, s, p, p, 1, 1, 0, EXCLUDE_PADDING, CustomOps.NCHW};
    }

    private static long[] outputShape(INDArray x, int k, int s, int p) {
        CustomOps.requireRank(x, 4, "x");
        if (k < 1 || s < 1 || p < 0 || 2 * p > k) {
            throw new IllegalArgumentException("pooling needs k >= 1, s >= 1 and 0 <= p <= k/2, but was k=" + k
                    + ", s=" + s + ", p=" + p + ".");
        }
        ConvGeometry g = ConvGeometry.square(k, s, p, 1, 1);
        return new long[] {x.size(0), x.size(1), g.outputHeight(x.size(2)), g.outputWidth(x.size(3))};
    }
}
