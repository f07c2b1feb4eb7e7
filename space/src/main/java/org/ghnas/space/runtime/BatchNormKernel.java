package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNorm2d: libnd4j's moments and batchnorm ops forward, per-channel sums and broadcasts backward. Training
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
        INDArray[] stats = batchStatistics(x);
        INDArray dense = CustomOps.dense(x);
        INDArray y = normalise(dense, gamma, beta, stats[0], stats[1]);
        return new Cache(dense, gamma, beta, stats[0], stats[1], y);
    }

    /**
     * Returns {dx, dgamma, dbeta}; dx includes the paths through the batch mean and variance:
     * dx = gamma/std (dy - mean(dy) - xhat mean(dy xhat)) per channel. Six memory-bound passes over contiguous
     * [N*C, H*W] rows: xhat (one affine op), sum(dy) and dot(dy, xhat) per row, then dx as two per-channel affine
     * maps and one add. libnd4j's batchnorm_bp reduces over the strided batch and spatial axes and measured 4 times
     * slower on [64, 16, 32, 32]; dot(dy, x) - mean sum(dy) would save the xhat pass but cancels in float32.
     */
    static INDArray[] backward(Cache c, INDArray dy) {
        CustomOps.requireSameShape(dy, c.x().shape(), "dy");
        INDArray x = CustomOps.dense(c.x());
        INDArray g = CustomOps.dense(dy);
        int channels = (int) x.size(1);
        long rows = x.size(0) * channels;
        long count = x.length() / channels;
        double[] gamma = c.gamma().toDoubleVector();
        double[] mean = c.mean().toDoubleVector();
        double[] var = c.var().toDoubleVector();
        double[] invStd = new double[channels];
        double[] shift = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            invStd[ch] = 1.0 / Math.sqrt(var[ch] + EPS);
            shift[ch] = -mean[ch] * invStd[ch];
        }
        INDArray xhat = CustomOps.empty(x.dataType(), x.shape());
        affine(x, invStd, shift, xhat);
        INDArray gRows = g.reshape(rows, count * channels / rows);
        double[] sumDy = channelSums(gRows.sum(1), channels);
        INDArray dots = CustomOps.empty(x.dataType(), rows);
        Nd4j.exec(new Dot(gRows, xhat.reshape(gRows.shape()), dots, 1));
        double[] sumDyXhat = channelSums(dots, channels);
        double[] scaleDy = new double[channels];
        double[] scaleXhat = new double[channels];
        double[] offset = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            scaleDy[ch] = gamma[ch] * invStd[ch];
            scaleXhat[ch] = -scaleDy[ch] * sumDyXhat[ch] / count;
            offset[ch] = -scaleDy[ch] * sumDy[ch] / count;
        }
        INDArray dx = CustomOps.result(x.dataType(), x.shape());
        affine(g, scaleDy, offset, dx);
        INDArray xhatTerm = CustomOps.empty(x.dataType(), x.shape());
        affine(xhat, scaleXhat, new double[channels], xhatTerm);
        dx.addi(xhatTerm);
        return new INDArray[] {dx, vectorOf(sumDyXhat, x).reshape(c.gamma().shape()),
            vectorOf(sumDy, x).reshape(c.beta().shape())};
    }

    /** out = in * scale[c] + shift[c] per channel, in one pass: libnd4j's batchnorm with mean 0 and variance 1. */
    private static void affine(INDArray in, double[] scale, double[] shift, INDArray out) {
        int channels = scale.length;
        INDArray zero = Nd4j.zeros(in.dataType(), channels);
        INDArray one = Nd4j.ones(in.dataType(), channels);
        CustomOps.exec("batchnorm", new INDArray[] {in, zero, one, vectorOf(scale, in), vectorOf(shift, in)},
                new INDArray[] {out}, SCALE_OFFSET_CHANNEL_AXIS, 0.0);
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

    /** Folds per-row values of the [N*C] rows of an [N, C, ...] array into per-channel sums. */
    private static double[] channelSums(INDArray perRow, int channels) {
        double[] rows = perRow.toDoubleVector();
        double[] sums = new double[channels];
        for (int i = 0; i < rows.length; i++) {
            sums[i % channels] += rows[i];
        }
        return sums;
    }

    private static INDArray vectorOf(double[] v, INDArray like) {
        INDArray a = Nd4j.createFromArray(v);
        return like.dataType() == a.dataType() ? a : a.castTo(like.dataType());
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
        INDArray y = CustomOps.result(x.dataType(), x.shape());
        CustomOps.exec("batchnorm", new INDArray[] {x, vector(mean), vector(var), vector(gamma), vector(beta)},
                new INDArray[] {y}, SCALE_OFFSET_CHANNEL_AXIS, EPS);
        return y;
    }

    private static INDArray vector(INDArray a) {
        return CustomOps.dense(a).reshape(a.length());
    }
}
