package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer with PyTorch weights [out, in], on a batch of vectors [N, in] (one GEMM) or on every
 * position of a map [N, in, H, W] (a 1x1 conv), which is how the Transformer op applies its Linear layers to tokens.
 */
final class LinearKernel {
    private static final ConvGeometry POINTWISE = ConvGeometry.square(1, 1, 0, 1, 1);

    private LinearKernel() {}

    static INDArray forward(INDArray x, INDArray w, INDArray bOrNull) {
        check(x, w);
        if (x.rank() == 2) {
            INDArray y = Nd4j.gemm(x, w, false, true);
            return bOrNull == null ? y : y.addiRowVector(bOrNull);
        }
        long[] ys = {x.size(0), w.size(0), x.size(2), x.size(3)};
        INDArray y = CustomOps.result(x.dataType(), ys);
        INDArray[] in = bOrNull == null
                ? new INDArray[] {CustomOps.dense(x), pointwise(w)}
                : new INDArray[] {CustomOps.dense(x), pointwise(w), CustomOps.dense(bOrNull).reshape(w.size(0))};
        CustomOps.exec("conv2d", in, new INDArray[] {y}, POINTWISE.opArgs(CustomOps.OIHW));
        return y;
    }

    /** Returns {dx, dw, db} with db null when there is no bias. */
    static INDArray[] backward(INDArray x, INDArray w, boolean hasBias, INDArray dy) {
        check(x, w);
        if (x.rank() == 2) {
            CustomOps.requireSameShape(dy, new long[] {x.size(0), w.size(0)}, "dy");
            INDArray dx = Nd4j.gemm(dy, w, false, false);
            INDArray dw = Nd4j.gemm(dy, x, true, false);
            return new INDArray[] {dx, dw, hasBias ? dy.sum(0) : null};
        }
        CustomOps.requireSameShape(dy, new long[] {x.size(0), w.size(0), x.size(2), x.size(3)}, "dy");
        INDArray dx = CustomOps.result(x.dataType(), x.shape());
        INDArray dw = CustomOps.empty(w.dataType(), w.size(0), w.size(1), 1, 1);
        INDArray pw = pointwise(w);
        if (hasBias) {
            INDArray db = CustomOps.empty(w.dataType(), w.size(0));
            INDArray zeroBias = Nd4j.zeros(w.dataType(), w.size(0));
            CustomOps.exec("conv2d_bp", new INDArray[] {CustomOps.dense(x), pw, zeroBias, CustomOps.dense(dy)},
                    new INDArray[] {dx, dw, db}, POINTWISE.opArgs(CustomOps.OIHW));
            return new INDArray[] {dx, dw.reshape(w.shape()), db};
        }
        CustomOps.exec("conv2d_bp", new INDArray[] {CustomOps.dense(x), pw, CustomOps.dense(dy)},
                new INDArray[] {dx, dw}, POINTWISE.opArgs(CustomOps.OIHW));
        return new INDArray[] {dx, dw.reshape(w.shape()), null};
    }

    private static INDArray pointwise(INDArray w) {
        return CustomOps.dense(w).reshape(w.size(0), w.size(1), 1, 1);
    }

    private static void check(INDArray x, INDArray w) {
        CustomOps.requireRank(w, 2, "w");
        if (x.rank() != 2 && x.rank() != 4) {
            throw new IllegalArgumentException("x must be [N, in] or [N, in, H, W], but had shape "
                    + java.util.Arrays.toString(x.shape()) + ".");
        }
        if (x.size(1) != w.size(1)) {
            throw new IllegalArgumentException(
                    "x.size(1) must equal w.size(1) = " + w.size(1) + ", but was " + x.size(1) + ".");
        }
    }
}
