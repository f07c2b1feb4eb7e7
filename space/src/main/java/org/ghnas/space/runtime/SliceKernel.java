package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The spatial slices of the space: stride-s subsampling x[:, :, ::s, ::s] (strided Zero, cse and msa ops, and
 * preprocessing without convs) and the one-pixel shift x[:, :, 1:, 1:] of FactorizedReduce's second branch.
 */
final class SliceKernel {
    private SliceKernel() {}

    static INDArray subsample(INDArray x, int s) {
        CustomOps.requireRank(x, 4, "x");
        return x.get(subsampling(x.shape(), s)).dup('c');
    }

    static INDArray subsampleBackward(INDArray dy, long[] xShape, int s) {
        return scatter(dy, xShape, subsampling(xShape, s));
    }

    static INDArray shift(INDArray x) {
        CustomOps.requireRank(x, 4, "x");
        return x.get(shifting(x.shape())).dup('c');
    }

    static INDArray shiftBackward(INDArray dy, long[] xShape) {
        return scatter(dy, xShape, shifting(xShape));
    }

    private static INDArray scatter(INDArray dy, long[] xShape, INDArrayIndex[] window) {
        INDArray dx = Nd4j.zeros(dy.dataType(), xShape);
        INDArray view = dx.get(window);
        CustomOps.requireSameShape(dy, view.shape(), "dy");
        view.assign(dy);
        return dx;
    }

    private static INDArrayIndex[] subsampling(long[] shape, int s) {
        if (s < 1) {
            throw new IllegalArgumentException("s must be >= 1, but was " + s + ".");
        }
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.interval(0, s, shape[2]), NDArrayIndex.interval(0, s, shape[3])};
    }

    private static INDArrayIndex[] shifting(long[] shape) {
        if (shape.length != 4 || shape[2] < 2 || shape[3] < 2) {
            throw new IllegalArgumentException("shift needs an [N, C, H, W] input with H, W >= 2, but had shape "
                    + java.util.Arrays.toString(shape) + ".");
        }
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(),
            NDArrayIndex.interval(1, shape[2]), NDArrayIndex.interval(1, shape[3])};
    }
}
