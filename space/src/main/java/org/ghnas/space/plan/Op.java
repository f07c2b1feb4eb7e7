package org.ghnas.space.plan;

/**
 * The primitive operations a {@link NetworkPlan} is made of. Every op of the space (sep_conv, msa, cse, ...) and
 * every stem, cell and head is compiled into these, so the computational graph and the runnable network are both
 * derived from one description.
 */
public sealed interface Op {

    /** Multiply-accumulate operations per example for the given input shapes and output shape. */
    default long macs(TensorShape[] in, TensorShape out) {
        return 0;
    }

    /** Number of learnable scalars the op owns. */
    default long parameterCount() {
        return 0;
    }

    /** The network input. */
    record Input() implements Op {}

    /**
     * A bias-free 2-D convolution, weight {@code [out, in/groups, kh, kw]}. Groups are 1 or {@code in == out}
     * (depthwise).
     */
    record Conv(int in, int out, int kh, int kw, int sh, int sw, int ph, int pw, int dilation, int groups) implements Op {
        public Conv {
            if (in < 1 || out < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || dilation < 1) {
                throw new IllegalArgumentException("Invalid convolution: " + in + "->" + out + " k" + kh + "x" + kw
                        + " s" + sh + "x" + sw + " p" + ph + "x" + pw + " d" + dilation);
            }
            if (groups != 1 && !(groups == in && in == out)) {
                throw new IllegalArgumentException("Invalid groups " + groups + " for " + in + "->" + out
                        + ": expected 1 or depthwise");
            }
        }

        public boolean depthwise() {
            return groups > 1;
        }

        @Override
        public long parameterCount() {
            return (long) out * (in / groups) * kh * kw;
        }

        @Override
        public long macs(TensorShape[] inputs, TensorShape o) {
            return (long) o.height() * o.width() * out * (in / groups) * kh * kw;
        }
    }

    /** A linear layer {@code y = W x (+ b)}, weight {@code [out, in]}, on vectors or per position of a map. */
    record Linear(int in, int out, boolean bias) implements Op {
        public Linear {
            if (in < 1 || out < 1) {
                throw new IllegalArgumentException("Invalid linear layer: " + in + "->" + out);
            }
        }

        @Override
        public long macs(TensorShape[] inputs, TensorShape o) {
            return (long) in * out * o.height() * o.width();
        }

        @Override
        public long parameterCount() {
            return (long) in * out + (bias ? out : 0);
        }
    }

    /** BatchNorm2d with affine scale and shift, eps 1e-5. */
    record BatchNorm(int channels) implements Op {
        @Override
        public long parameterCount() {
            return 2L * channels;
        }
    }

    /** LayerNorm over the channels of each position, with affine scale and shift, eps 1e-5. */
    record LayerNorm(int channels) implements Op {
        @Override
        public long parameterCount() {
            return 2L * channels;
        }
    }

    /** A parameter-free element-wise activation. */
    record Activation(Kind kind) implements Op {
        public enum Kind { RELU, GELU, HARDSWISH }
    }

    /** Max pooling; padding never wins. */
    record MaxPool(int kernel, int stride, int padding) implements Op {}

    /** Average pooling that excludes padding from the average ({@code count_include_pad=False}). */
    record AvgPool(int kernel, int stride, int padding) implements Op {}

    /** Global average pooling to a vector: the head's {@code glob_avg} node. */
    record GlobalAvgPool() implements Op {}

    /** Mean over positions to a vector without a graph node: the squeeze of squeeze-excitation. */
    record ChannelMean() implements Op {}

    /** Flattens a map to a vector. */
    record Flatten() implements Op {}

    /** Element-wise sum of two or more inputs of equal shape. */
    record Sum() implements Op {}

    /** Channel concatenation of two or more maps of equal spatial size. */
    record Concat() implements Op {}

    /** {@code x[:, :, ::stride, ::stride]}. */
    record Subsample(int stride) implements Op {}

    /** {@code x[:, :, 1:, 1:]}: the shifted branch of a factorized reduction. */
    record Shift() implements Op {}

    /** Zeros shaped like the input: stands for an undefined cell state in a concatenation. */
    record Zeros() implements Op {}

    /**
     * Multi-head self-attention over the positions of a map: input {@code [3*heads*dimHead, H, W]} (q, k, v),
     * output {@code [heads*dimHead, H, W]}.
     */
    record Attention(int heads, int dimHead) implements Op {
        @Override
        public long macs(TensorShape[] inputs, TensorShape o) {
            long tokens = (long) o.height() * o.width();
            return 2L * tokens * tokens * heads * dimHead;
        }
    }

    /** Squeeze-excitation scaling: input 0 (map) times input 1 (per-channel gate vector). */
    record ChannelScale() implements Op {}

    /** Adds a learned position encoding {@code [1, C, H, W]}. */
    record PositionEncoding(int channels, int height, int width) implements Op {
        @Override
        public long parameterCount() {
            return (long) channels * height * width;
        }
    }

    /** Inverted dropout, active only in training. */
    record Dropout(double p) implements Op {}
}
