package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The multiply of squeeze-excitation (cse): every channel map scaled by its per-sample gate. */
final class ChannelScaleKernel {
    private ChannelScaleKernel() {}

    /** y[n,c,h,w] = x[n,c,h,w] * gate[n,c]. */
    static INDArray forward(INDArray x, INDArray gate) {
        return x.mul(gateView(x, gate));
    }

    /** Returns {dx, dgate}. */
    static INDArray[] backward(INDArray x, INDArray gate, INDArray dy) {
        CustomOps.requireSameShape(dy, x.shape(), "dy");
        INDArray dx = dy.mul(gateView(x, gate));
        INDArray dGate = dy.mul(x).sum(2, 3).reshape(gate.shape());
        return new INDArray[] {dx, dGate};
    }

    private static INDArray gateView(INDArray x, INDArray gate) {
        CustomOps.requireRank(x, 4, "x");
        CustomOps.requireSameShape(gate, new long[] {x.size(0), x.size(1)}, "gate");
        return CustomOps.dense(gate).reshape(x.size(0), x.size(1), 1, 1);
    }
}
