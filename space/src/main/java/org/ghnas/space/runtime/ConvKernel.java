package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bias-free 2-D convolution, dense or depthwise, on libnd4j's conv2d / depthwise_conv2d ops (oneDNN for float32),
 * with weights in the PyTorch layout [out, in/groups, kh, kw].
 */
final class ConvKernel {
    private ConvKernel() {}

    static INDArray forward(INDArray x, INDArray w, ConvGeometry g) {
        long[] ys = outputShape(x, w, g);
        INDArray y = CustomOps.empty(x.dataType(), ys);
        CustomOps.exec(isDepthwise(g) ? "depthwise_conv2d" : "conv2d",
                new INDArray[] {CustomOps.dense(x), opWeights(w, g)}, new INDArray[] {y}, g.opArgs());
        return y;
    }

    /** Returns {dx, dw}. */
    static INDArray[] backward(INDArray x, INDArray w, INDArray dy, ConvGeometry g) {
        long[] ys = outputShape(x, w, g);
        CustomOps.requireSameShape(dy, ys, "dy");
        INDArray dx = CustomOps.empty(x.dataType(), x.shape());
        INDArray opW = opWeights(w, g);
        INDArray dw = CustomOps.empty(w.dataType(), opW.shape());
        CustomOps.exec(isDepthwise(g) ? "depthwise_conv2d_bp" : "conv2d_bp",
                new INDArray[] {CustomOps.dense(x), opW, CustomOps.dense(dy)}, new INDArray[] {dx, dw}, g.opArgs());
        return new INDArray[] {dx, dw.reshape(w.shape())};
    }

    private static boolean isDepthwise(ConvGeometry g) {
        return g.groups() > 1;
    }

    /** Depthwise weights [C, 1, kh, kw] are libnd4j's [mC=1, iC=C, kh, kw] in its format 1. */
    private static INDArray opWeights(INDArray w, ConvGeometry g) {
        INDArray dense = CustomOps.dense(w);
        return isDepthwise(g) ? dense.reshape(1, w.size(0), w.size(2), w.size(3)) : dense;
    }

    private static long[] outputShape(INDArray x, INDArray w, ConvGeometry g) {
        CustomOps.requireRank(x, 4, "x");
        CustomOps.requireRank(w, 4, "w");
        long in = x.size(1);
        long out = w.size(0);
        if (w.size(2) != g.kh() || w.size(3) != g.kw()) {
            throw new IllegalArgumentException("w must have kernel " + g.kh() + "x" + g.kw() + ", but had shape "
                    + java.util.Arrays.toString(w.shape()) + ".");
        }
        if (g.groups() == 1) {
            if (w.size(1) != in) {
                throw new IllegalArgumentException(
                        "w.size(1) must equal the input channels " + in + ", but was " + w.size(1) + ".");
            }
        } else if (g.groups() != in || out != in || w.size(1) != 1) {
            throw new IllegalArgumentException("groups must be 1 or equal in == out channels with w [C, 1, kh, kw],"
                    + " but was " + g.groups() + " for x channels " + in + " and w " + java.util.Arrays.toString(w.shape()) + ".");
        }
        return new long[] {x.size(0), out, g.outputHeight(x.size(2)), g.outputWidth(x.size(3))};
    }
}
