package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BatchNorm2d on libnd4j's batchnorm / batchnorm_bp ops (oneDNN for float32). Training mode normalises with the
 * batch's own mean and biased variance, as PyTorch does and as the reference evaluates predicted networks.
 */
final class BatchNormKernel {
    static final double EPS = 1e-5;
    /** batchnorm iArgs: apply gamma, apply beta, channel axis 1. */
    private static final int[] SCALE_OFFSET_CHANNEL_AXIS = {1, 1, 1};

    /** What the backward pass needs from a training-mode forward pass. */
    record Cache(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray var, INDArray output) {}

    private BatchNormKernel() {}

    static Cache forwardTrain(INDArray x, INDArray gamma, INDArray beta) {
        INDArray[] stats = batchStatistics(x);
        INDArray dense = CustomOps.dense(x);
        INDArray y = normalise(dense, gamma, beta, stats[0], stats[1]);
        return new Cache(dense, gamma, beta, stats[0], stats[1], y);
    }

    /** Returns {dx, dgamma, dbeta}; dx includes the paths through the batch mean and variance. */
    static INDArray[] backward(Cache c, INDArray dy) {
        CustomOps.requireSameShape(dy, c.x().shape(), "dy");
        long channels = c.x().size(1);
        INDArray dx = CustomOps.empty(c.x().dataType(), c.x().shape());
        INDArray dMean = CustomOps.empty(c.x().dataType(), channels);
        INDArray dVar = CustomOps.empty(c.x().dataType(), channels);
        INDArray dGamma = CustomOps.empty(c.x().dataType(), channels);
        INDArray dBeta = CustomOps.empty(c.x().dataType(), channels);
        CustomOps.exec("batchnorm_bp",
                new INDArray[] {c.x(), c.mean(), c.var(), vector(c.gamma()), vector(c.beta()), CustomOps.dense(dy)},
                new INDArray[] {dx, dMean, dVar, dGamma, dBeta}, SCALE_OFFSET_CHANNEL_AXIS, EPS);
        return new INDArray[] {dx, dGamma.reshape(c.gamma().shape()), dBeta.reshape(c.beta().shape())};
    }

    /** Normalises with given statistics (running statistics of an exported model). */
    static INDArray forwardInference(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
        return normalise(CustomOps.dense(x), gamma, beta, vector(mean), vector(var));
    }

    /** Returns {mean[C], biased variance[C]} over the batch and spatial axes. */
    static INDArray[] batchStatistics(INDArray x) {
        CustomOps.requireRank(x, 4, "x");
        return new INDArray[] {x.mean(0, 2, 3), x.var(false, 0, 2, 3)};
    }

    private static INDArray normalise(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
        CustomOps.requireRank(x, 4, "x");
        long channels = x.size(1);
        for (INDArray p : new INDArray[] {gamma, beta, mean, var}) {
            if (p.length() != channels) {
                throw new IllegalArgumentException("BatchNorm parameters must have " + channels
                        + " elements, but one had shape " + java.util.Arrays.toString(p.shape()) + ".");
            }
        }
        INDArray y = CustomOps.empty(x.dataType(), x.shape());
        CustomOps.exec("batchnorm", new INDArray[] {x, vector(mean), vector(var), vector(gamma), vector(beta)},
                new INDArray[] {y}, SCALE_OFFSET_CHANNEL_AXIS, EPS);
        return y;
    }

    private static INDArray vector(INDArray a) {
        return CustomOps.dense(a).reshape(a.length());
    }
}
