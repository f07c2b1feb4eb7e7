package org.ghnas.space.runtime;

import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout whose mask comes from a caller-seeded generator, so a training step is reproducible without
 * touching ND4J's global random state.
 */
final class DropoutKernel {
    /**
     * @param output the dropped and rescaled input
     * @param mask 0 or 1/(1-p) per element, in the input's dtype
     */
    record Cache(INDArray output, INDArray mask) {}

    private DropoutKernel() {}

    /** Zeroes each element with probability p and scales the survivors by 1/(1-p); p = 0 is the identity. */
    static Cache forward(INDArray x, double p, RandomGenerator rng) {
        if (!(p >= 0.0 && p < 1.0)) {
            throw new IllegalArgumentException("p must be in [0, 1), but was " + p + ".");
        }
        double keep = 1.0 / (1.0 - p);
        double[] m = new double[Math.toIntExact(x.length())];
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < p ? 0.0 : keep;
        }
        INDArray mask = Nd4j.create(m, x.shape(), 'c').castTo(x.dataType());
        return new Cache(x.mul(mask), mask);
    }

    static INDArray backward(Cache c, INDArray dy) {
        CustomOps.requireSameShape(dy, c.mask().shape(), "dy");
        return dy.mul(c.mask());
    }
}
