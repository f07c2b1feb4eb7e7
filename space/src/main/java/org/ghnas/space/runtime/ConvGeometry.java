package org.ghnas.space.runtime;

/**
 * Kernel, stride, padding, dilation and groups of a 2-D convolution, kept apart per axis because the space has
 * asymmetric convs (1x7 with stride (1, s) and padding (0, 3)).
 *
 * @param kh kernel height, at least 1
 * @param kw kernel width, at least 1
 * @param sh stride along the height, at least 1
 * @param sw stride along the width, at least 1
 * @param ph zero padding on the top and bottom, at least 0
 * @param pw zero padding on the left and right, at least 0
 * @param dilation dilation along both axes, at least 1
 * @param groups 1 for a dense conv or the channel count for a depthwise one
 */
record ConvGeometry(int kh, int kw, int sh, int sw, int ph, int pw, int dilation, int groups) {
    ConvGeometry {
        requireAtLeast(kh, 1, "kh");
        requireAtLeast(kw, 1, "kw");
        requireAtLeast(sh, 1, "sh");
        requireAtLeast(sw, 1, "sw");
        requireAtLeast(ph, 0, "ph");
        requireAtLeast(pw, 0, "pw");
        requireAtLeast(dilation, 1, "dilation");
        requireAtLeast(groups, 1, "groups");
    }

    /** A square kernel with the same stride and padding on both axes. */
    static ConvGeometry square(int k, int stride, int padding, int dilation, int groups) {
        return new ConvGeometry(k, k, stride, stride, padding, padding, dilation, groups);
    }

    /** floor((h + 2 ph - dilation (kh - 1) - 1) / sh) + 1, as in PyTorch. */
    long outputHeight(long h) {
        return outputSize(h, kh, sh, ph);
    }

    /** floor((w + 2 pw - dilation (kw - 1) - 1) / sw) + 1, as in PyTorch. */
    long outputWidth(long w) {
        return outputSize(w, kw, sw, pw);
    }

    private long outputSize(long in, int k, int s, int p) {
        long span = in + 2L * p - (long) dilation * (k - 1) - 1;
        if (span < 0) {
            throw new IllegalArgumentException("input size must be at least " + (in - span)
                    + " for kernel " + k + ", dilation " + dilation + " and padding " + p + ", but was " + in + ".");
        }
        return span / s + 1;
    }

    /** iArgs of libnd4j's conv2d / depthwise_conv2d ops and their _bp ops for the given weight format. */
    int[] opArgs(int weightFormat) {
        return new int[] {kh, kw, sh, sw, ph, pw, dilation, dilation, 0, CustomOps.NCHW, weightFormat};
    }

    private static void requireAtLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", but was " + value + ".");
        }
    }
}
