package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * LayerNorm over the channels of each position of an NCHW map, which is the Transformer op's LayerNorm over the
 * token features; built from broadcasting ND4J ops so that eps sits inside the square root exactly as in PyTorch.
 */
final class LayerNormKernel {
    static final double EPS = 1e-5;

    /** Normalised input, 1/sqrt(var + eps) per position, gamma, and the output. */
    record Cache(INDArray normalised, INDArray invStd, INDArray gamma, INDArray output) {}

    private LayerNormKernel() {}

    static Cache forward(INDArray x, INDArray gamma, INDArray beta) {
        CustomOps.requireRank(x, 4, "x");
        long channels = x.size(1);
        if (gamma.length() != channels || beta.length() != channels) {
            throw new IllegalArgumentException("gamma and beta must have " + channels + " elements, but had "
                    + gamma.length() + " and " + beta.length() + ".");
        }
        INDArray centred = x.sub(x.mean(true, 1));
        INDArray var = centred.mul(centred).mean(true, 1);
        INDArray invStd = Transforms.pow(var.addi(EPS), -0.5, false);
        INDArray normalised = centred.muli(invStd);
        INDArray y = normalised.mul(channelView(gamma)).addi(channelView(beta));
        return new Cache(normalised, invStd, gamma, y);
    }

    /** Returns {dx, dgamma, dbeta}. */
    static INDArray[] backward(Cache c, INDArray dy) {
        CustomOps.requireSameShape(dy, c.normalised().shape(), "dy");
        INDArray dGamma = dy.mul(c.normalised()).sum(0, 2, 3).reshape(c.gamma().shape());
        INDArray dBeta = dy.sum(0, 2, 3).reshape(c.gamma().shape());
        INDArray g = dy.mul(channelView(c.gamma()));
        INDArray meanG = g.mean(true, 1);
        INDArray meanGx = g.mul(c.normalised()).mean(true, 1);
        INDArray dx = g.subi(meanG).subi(c.normalised().mul(meanGx)).muli(c.invStd());
        return new INDArray[] {dx, dGamma, dBeta};
    }

    private static INDArray channelView(INDArray v) {
        return CustomOps.dense(v).reshape(1, v.length(), 1, 1);
    }
}
