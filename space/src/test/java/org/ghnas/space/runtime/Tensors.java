package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded float64 test tensors, element-wise comparison and central-difference gradient checks. */
final class Tensors {
    private Tensors() {}

    static INDArray random(SplittableRandom rng, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, rng.nextDouble(-1.0, 1.0));
        }
        return a;
    }

    static INDArray of(double[] values, long... shape) {
        return Nd4j.create(values, shape, 'c');
    }

    /** The array's elements in c order. */
    static double[] values(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double[] a = values(actual);
        double[] e = values(expected);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tolerance * Math.max(1.0, Math.abs(e[i]))));
        }
    }

    /**
     * Checks analytic[i] = d sum(f(inputs) * dy) / d inputs[i] by central differences on at most {@code samples}
     * elements of each input (spread over the whole tensor), with relative error below 1e-5.
     */
    static void checkGradients(Function<INDArray[], INDArray> f, INDArray[] inputs, INDArray dy,
            INDArray[] analytic, int samples) {
        double h = 1e-6;
        for (int t = 0; t < inputs.length; t++) {
            INDArray x = inputs[t];
            assertThat(analytic[t].shape()).as("gradient %d shape", t).containsExactly(x.shape());
            long n = x.length();
            long step = Math.max(1, n / samples);
            for (long i = (n > samples ? 7 % step : 0); i < n; i += step) {
                double v = x.getDouble(i);
                x.putScalar(i, v + h);
                double up = f.apply(inputs).mul(dy).sumNumber().doubleValue();
                x.putScalar(i, v - h);
                double down = f.apply(inputs).mul(dy).sumNumber().doubleValue();
                x.putScalar(i, v);
                double numeric = (up - down) / (2 * h);
                double exact = analytic[t].dup('c').getDouble(i);
                double scale = Math.max(1e-3, Math.max(Math.abs(numeric), Math.abs(exact)));
                assertThat(Math.abs(numeric - exact) / scale)
                        .as("input %d element %d: numeric %s vs analytic %s", t, i, numeric, exact)
                        .isLessThan(1e-5);
            }
        }
    }
}
