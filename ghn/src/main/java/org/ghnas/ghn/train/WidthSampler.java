package org.ghnas.ghn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.OpType;
import org.ghnas.space.SpecException;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;

/**
 * The reference's choice of each training net's width (facts §4, {@code loader.py::__getitem__}), scaled to a base
 * width: the reference draws C from 32·{1, 1.5, ..., 4} and fc_dim from 64·{1, ..., 4} (64·{1, ..., 8} for small
 * nets at C &le; 64); here C comes from {@code channels}·{1, 1.5, ..., 4} and fc_dim from {@code fcDim}·{1, ..., 4}
 * (·{1, ..., 8}). As in the reference, only nets that are small at C=32 may be widened, so the extra cost stays
 * bounded: a net with more than 0.8M parameters at C=32 (CIFAR-10 input, fc_dim 256), without global pooling, with a
 * dense 5x5 or 7x7 conv, or with more than 12 cells keeps the base C; above 0.4M or 10 cells it may get 1.5x; above
 * 0.2M or 8 cells up to 2x; smaller nets draw from all seven factors.
 *
 * <p>Training at the base C alone leaves the GHN blind to wider nets: the shape embedding of a 32-channel layer in
 * the first stage, or of 64 and 128 channels anywhere, never occurs at C=8, and the held-out wide family (C=32)
 * scores far below the in-distribution nets.
 *
 * @param channels base C of the training nets (the factors' unit); factors giving an invalid net are left out
 * @param fcDim    base classifier width
 */
record WidthSampler(int channels, int fcDim) {

    private static final double[] FACTORS = {1, 1.5, 2, 2.5, 3, 3.5, 4};

    WidthSampler {
        if (channels < 1 || fcDim < 1) {
            throw new IllegalArgumentException("Invalid base width: C " + channels + ", fc_dim " + fcDim);
        }
    }

    /** {@code spec} at a drawn C and fc_dim; two draws from {@code rng} per call, whatever the net. */
    NetworkSpec widen(NetworkSpec spec, RandomGenerator rng) {
        int factors = factorCount(spec);
        List<Integer> widths = validWidths(spec, factors);
        int c = widths.get(rng.nextInt(widths.size()));
        boolean small = factors == FACTORS.length && c <= 2 * channels;
        int fcMultiple = rng.nextInt(small ? 8 : 4) + 1;
        return spec.withChannels(c).withFcDim(fcDim * fcMultiple);
    }

    /** How many of the factors 1, 1.5, ..., 4 the reference allows for this net (facts §4). */
    static int factorCount(NetworkSpec spec) {
        if (!spec.globalAvg() || spec.cells() > 12 || spec.genotype().contains(OpType.CONV_5X5)
                || spec.genotype().contains(OpType.CONV_7X7)) {
            return 1;
        }
        long params;
        try {
            params = NetworkPlan.parameterCount(spec.withChannels(32).withFcDim(256), InputShape.CIFAR10);
        } catch (SpecException e) {
            return 1;
        }
        if (params > 800_000) {
            return 1;
        }
        if (params > 400_000 || spec.cells() > 10) {
            return 2;
        }
        if (params > 200_000 || spec.cells() > 8) {
            return 3;
        }
        return FACTORS.length;
    }

    /** The widths of the first {@code factors} factors that make a valid net, in increasing order. */
    private List<Integer> validWidths(NetworkSpec spec, int factors) {
        List<Integer> widths = new ArrayList<>();
        for (int k = 0; k < factors; k++) {
            int c = (int) Math.round(channels * FACTORS[k]);
            // msa splits C into 8 heads; the reference's widths are all multiples of 16
            if (k > 0 && (c % 2 != 0 || spec.isVit() && c % 8 != 0)) {
                continue;
            }
            try {
                spec.withChannels(c);
                widths.add(c);
            } catch (SpecException e) {
                // a width this net cannot take: left out
            }
        }
        return widths;
    }
}
