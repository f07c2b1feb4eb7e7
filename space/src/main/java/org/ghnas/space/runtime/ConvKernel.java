package org.ghnas.space.runtime;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Bias-free 2-D convolution, dense or depthwise, on libnd4j's conv2d / depthwise_conv2d ops (oneDNN for float32),
 * with weights in the PyTorch layout [out, in/groups, kh, kw]. Depthwise weights go to libnd4j as [kh, kw, C, 1]:
 * with the [out, in, kh, kw] format M2.1's depthwise op misses oneDNN and measured 200 times slower.
 *
 * <p>M2.1's oneDNN depthwise op fails on dilation 2 in float32 ("could not create a descriptor for a dilated
 * convolution"), and its generic loop takes about 0.6 s for a 64x16x32x32 batch. A dilated depthwise conv with
 * "same" padding (p = d (k - 1) / 2) and stride 1 or d is therefore run as undilated convs on the d x d polyphase
 * components of the input (x[r::d, q::d]), whose outputs interleave into the dilated result (stride d needs only
 * the component (0, 0)). Other dilated geometries run libnd4j's generic loop. In float32, {@link DepthwiseConv}'s
 * loops take over where KernelBenchmark measured them faster, and {@link PointwiseConv}'s for 1x1 convs with few
 * channels on large maps.
 */
final class ConvKernel {
    private ConvKernel() {}

    static INDArray forward(INDArray x, INDArray w, ConvGeometry g) {
        long[] ys = outputShape(x, w, g);
        if (DepthwiseConv.isFaster(g, x, w, false)) {
            return DepthwiseConv.forward(x, w, g, ys);
        }
        if (PointwiseConv.isFasterForward(g, x, w)) {
            return PointwiseConv.forward(x, w);
        }
        if (isPolyphase(g, x)) {
            return polyphaseForward(x, w, g, ys);
        }
        INDArray y = CustomOps.result(x.dataType(), ys);
        INDArray[] in = {CustomOps.dense(x), opWeights(w, g)};
        if (!isDepthwise(g)) {
            CustomOps.exec("conv2d", in, new INDArray[] {y}, opArgs(g));
        } else if (g.dilation() == 1) {
            CustomOps.exec("depthwise_conv2d", in, new INDArray[] {y}, opArgs(g));
        } else {
            CustomOps.execWithoutHelpers("depthwise_conv2d", in, new INDArray[] {y}, opArgs(g));
        }
        return y;
    }

    /** Returns {dx, dw}. */
    static INDArray[] backward(INDArray x, INDArray w, INDArray dy, ConvGeometry g) {
        long[] ys = outputShape(x, w, g);
        CustomOps.requireSameShape(dy, ys, "dy");
        if (dy.dataType() == DataType.FLOAT && DepthwiseConv.isFaster(g, x, w, true)) {
            INDArray dw = DepthwiseConv.weightGradient(x, dy, g, w.shape());
            if (g.dilation() > 1) {
                return new INDArray[] {DepthwiseConv.inputGradient(x, w, dy, g), dw};
            }
            // At stride 1, dx is the conv of dy with the kernel turned by 180 degrees and padding k - 1 - p, a
            // forward pass that oneDNN runs faster than those loops (results/ghn/profile/training-step.md).
            ConvGeometry turned = new ConvGeometry(g.kh(), g.kw(), 1, 1, g.kh() - 1 - g.ph(), g.kw() - 1 - g.pw(), 1,
                    g.groups());
            return new INDArray[] {forward(dy, turned(w), turned), dw};
        }
        if (dy.dataType() == DataType.FLOAT && PointwiseConv.isFasterBackward(g, x, w)) {
            return PointwiseConv.backward(x, w, dy);
        }
        if (isPolyphase(g, x)) {
            return polyphaseBackward(x, w, dy, g);
        }
        INDArray dx = CustomOps.result(x.dataType(), x.shape());
        INDArray opW = opWeights(w, g);
        INDArray dw = CustomOps.empty(w.dataType(), opW.shape());
        INDArray[] in = {CustomOps.dense(x), opW, CustomOps.dense(dy)};
        if (!isDepthwise(g)) {
            CustomOps.exec("conv2d_bp", in, new INDArray[] {dx, dw}, opArgs(g));
        } else if (g.dilation() == 1) {
            CustomOps.exec("depthwise_conv2d_bp", in, new INDArray[] {dx, dw}, opArgs(g));
        } else {
            CustomOps.execWithoutHelpers("depthwise_conv2d_bp", in, new INDArray[] {dx, dw}, opArgs(g));
        }
        return new INDArray[] {dx, isDepthwise(g) ? dw.permute(2, 3, 0, 1).dup('c') : dw};
    }

    /** Maps smaller than 2d per side leave polyphase components of one pixel or none, which strided views reject. */
    private static boolean isPolyphase(ConvGeometry g, INDArray x) {
        int d = g.dilation();
        return isDepthwise(g) && d > 1 && x.size(2) >= 2L * d && x.size(3) >= 2L * d && g.sh() == g.sw() && (g.sh() == 1 || g.sh() == d)
                && 2 * g.ph() == d * (g.kh() - 1) && 2 * g.pw() == d * (g.kw() - 1);
    }

    /** The undilated stride-1 conv that runs on each polyphase component. */
    private static ConvGeometry component(ConvGeometry g) {
        return new ConvGeometry(g.kh(), g.kw(), 1, 1, g.ph() / g.dilation(), g.pw() / g.dilation(), 1, g.groups());
    }

    private static INDArray polyphaseForward(INDArray x, INDArray w, ConvGeometry g, long[] ys) {
        ConvGeometry c = component(g);
        int d = g.dilation();
        if (g.sh() == d) {
            return forward(x.get(phase(x.shape(), d, 0, 0)).dup('c'), w, c);
        }
        INDArray y = CustomOps.result(x.dataType(), ys);
        for (int r = 0; r < d; r++) {
            for (int q = 0; q < d; q++) {
                INDArrayIndex[] window = phase(x.shape(), d, r, q);
                INDArray part = forward(x.get(window).dup('c'), w, c);
                y.get(window).assign(part);
                part.close(); // a detached result: free it now rather than when the collector finds it
            }
        }
        return y;
    }

    private static INDArray[] polyphaseBackward(INDArray x, INDArray w, INDArray dy, ConvGeometry g) {
        ConvGeometry c = component(g);
        int d = g.dilation();
        INDArray dx = CustomOps.result(x.dataType(), x.shape()).assign(0.0);
        if (g.sh() == d) {
            INDArrayIndex[] window = phase(x.shape(), d, 0, 0);
            INDArray[] grads = backward(x.get(window).dup('c'), w, dy, c);
            dx.get(window).assign(grads[0]);
            grads[0].close();
            return new INDArray[] {dx, grads[1]};
        }
        INDArray dw = Nd4j.zeros(w.dataType(), w.shape());
        for (int r = 0; r < d; r++) {
            for (int q = 0; q < d; q++) {
                INDArrayIndex[] window = phase(x.shape(), d, r, q);
                INDArray[] grads = backward(x.get(window).dup('c'), w, dy.get(window).dup('c'), c);
                dx.get(window).assign(grads[0]);
                grads[0].close();
                dw.addi(grads[1]);
            }
        }
        return new INDArray[] {dx, dw};
    }

    /** x[:, :, r::d, q::d]; with "same" padding and stride 1 the output has the input's size, so it fits y too. */
    private static INDArrayIndex[] phase(long[] shape, int d, int r, int q) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.interval(r, d, shape[2]), NDArrayIndex.interval(q, d, shape[3])};
    }

    /** w [out, in, kh, kw] turned by 180 degrees in its two kernel axes. */
    private static INDArray turned(INDArray w) {
        float[] v = w.dup('c').data().asFloat();
        int taps = (int) (w.size(2) * w.size(3));
        float[] f = new float[v.length];
        for (int base = 0; base < v.length; base += taps) {
            for (int t = 0; t < taps; t++) {
                f[base + t] = v[base + taps - 1 - t];
            }
        }
        return Nd4j.createFromArray(f).reshape(w.shape());
    }

    private static boolean isDepthwise(ConvGeometry g) {
        return g.groups() > 1;
    }

    /** Dense weights as they are; depthwise [C, 1, kh, kw] as a small [kh, kw, C, 1] copy. */
    private static INDArray opWeights(INDArray w, ConvGeometry g) {
        return isDepthwise(g) ? w.permute(2, 3, 0, 1).dup('c') : CustomOps.dense(w);
    }

    private static int[] opArgs(ConvGeometry g) {
        return g.opArgs(isDepthwise(g) ? CustomOps.HWIO : CustomOps.OIHW);
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
