package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNorm2d: dense float32 arrays in {@link FusedBatchNorm}'s loops; other types and layouts with libnd4j's
 * moments and batchnorm ops forward, per-channel sums and broadcasts backward. Training
 * mode normalises with the batch's own mean and biased variance, as PyTorch does and as the reference evaluates
 * predicted networks.
 */
final class BatchNormKernel {
    static final double EPS = 1e-5;
    /** batchnorm iArgs: apply gamma, apply beta, channel axis 1. */
    private static final int[] SCALE_OFFSET_CHANNEL_AXIS = {1, 1, 1};
    /** moments iArgs: reduce over batch and spatial axes. */
    private static final int[] MOMENT_AXES = {0, 2, 3};

    /** What the backward pass needs from a training-mode forward pass. */
    record Cache(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray var, INDArray output) {}

    private BatchNormKernel() {}

    static Cache forwardTrain(INDArray x, INDArray gamma, INDArray beta) {
        INDArray dense = CustomOps.dense(x);
        if (FusedBatchNorm.applies(dense)) {
            requireChannels(dense, gamma, beta);
            return FusedBatchNorm.forwardTrain(dense, gamma, beta);
        }
        INDArray[] stats = batchStatistics(x);
        INDArray y = normalise(dense, gamma, beta, stats[0], stats[1]);
        return new Cache(dense, gamma, beta, stats[0], stats[1], y);
    }

    /**
     * Returns {dx, dgamma, dbeta}; dx includes the paths through the batch mean and variance. Composed of
     * per-channel row sums and broadcasts: libnd4j's batchnorm_bp reduces over the strided batch and spatial axes
     * and measured 4 times slower on [64, 16, 32, 32].
     */
    static INDArray[] backward(Cache c, INDArray dy) {
        CustomOps.requireSameShape(dy, c.x().shape(), "dy");
        INDArray x = c.x();
        INDArray g = CustomOps.dense(dy);
        if (FusedBatchNorm.applies(x) && FusedBatchNorm.applies(g)) {
            return FusedBatchNorm.backward(c, g);
        }
        int channels = (int) x.size(1);
        long count = x.length() / channels;
        double[] sumDy = channelSums(g);
        INDArray centred = x.sub(channelView(c.mean()));
        double[] sumDyCentred = channelSums(g.mul(centred));
        double[] gamma = c.gamma().toDoubleVector();
        double[] var = c.var().toDoubleVector();
        double[] scaleDy = new double[channels];
        double[] scaleCentred = new double[channels];
        double[] shift = new double[channels];
        double[] dGamma = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            double invStd = 1.0 / Math.sqrt(var[ch] + EPS);
            scaleDy[ch] = gamma[ch] * invStd;
            scaleCentred[ch] = -gamma[ch] * invStd * invStd * invStd * sumDyCentred[ch] / count;
            shift[ch] = -gamma[ch] * invStd * sumDy[ch] / count;
            dGamma[ch] = sumDyCentred[ch] * invStd;
        }
        INDArray dx = CustomOps.result(x.dataType(), x.shape());
        Nd4j.exec(new BroadcastMulOp(g, vectorOf(scaleDy, x), dx, 1));
        dx.addi(centred.muli(channelView(scaleCentred, x))).addi(channelView(shift, x));
        return new INDArray[] {dx, vectorOf(dGamma, x).reshape(c.gamma().shape()),
            vectorOf(sumDy, x).reshape(c.beta().shape())};
    }

    /** Normalises with given statistics (running statistics of an exported model). */
    static INDArray forwardInference(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
        return normalise(CustomOps.dense(x), gamma, beta, vector(mean), vector(var));
    }

    /**
     * Returns {mean[C], biased variance[C]} over the batch and spatial axes, in one libnd4j moments op (INDArray.var
     * over axes 0, 2, 3 measured 8 times slower).
     */
    static INDArray[] batchStatistics(INDArray x) {
        CustomOps.requireRank(x, 4, "x");
        INDArray mean = CustomOps.empty(x.dataType(), x.size(1));
        INDArray var = CustomOps.empty(x.dataType(), x.size(1));
        CustomOps.exec("moments", new INDArray[] {CustomOps.dense(x)}, new INDArray[] {mean, var}, MOMENT_AXES);
        return new INDArray[] {mean, var};
    }

    /** Per-channel sums of a dense [N, C, H, W] array, as row sums over the contiguous H*W blocks. */
    private static double[] channelSums(INDArray a) {
        long n = a.size(0);
        long channels = a.size(1);
        double[] rows = a.reshape(n * channels, a.length() / (n * channels)).sum(1).toDoubleVector();
        double[] sums = new double[(int) channels];
        for (int i = 0; i < rows.length; i++) {
            sums[(int) (i % channels)] += rows[i];
        }
        return sums;
    }

    private static INDArray channelView(INDArray v) {
        return vector(v).reshape(1, v.length(), 1, 1);
    }

    private static INDArray channelView(double[] v, INDArray like) {
        return vectorOf(v, like).reshape(1, v.length, 1, 1);
    }

    private static INDArray vectorOf(double[] v, INDArray like) {
        INDArray a = Nd4j.createFromArray(v);
        return like.dataType() == a.dataType() ? a : a.castTo(like.dataType());
    }

    private static INDArray normalise(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
        requireChannels(x, gamma, beta, mean, var);
        INDArray y = CustomOps.result(x.dataType(), x.shape());
        CustomOps.exec("batchnorm", new INDArray[] {x, vector(mean), vector(var), vector(gamma), vector(beta)},
                new INDArray[] {y}, SCALE_OFFSET_CHANNEL_AXIS, EPS);
        return y;
    }

    private static void requireChannels(INDArray x, INDArray... perChannel) {
        CustomOps.requireRank(x, 4, "x");
        long channels = x.size(1);
        for (INDArray p : perChannel) {
            if (p.length() != channels) {
                throw new IllegalArgumentException("BatchNorm parameters must have " + channels
                        + " elements, but one had shape " + java.util.Arrays.toString(p.shape()) + ".");
            }
        }
    }

    private static INDArray vector(INDArray a) {
        return CustomOps.dense(a).reshape(a.length());
    }
}
