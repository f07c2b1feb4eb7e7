package org.ghnas.space.stat;

import java.util.Arrays;
import java.util.Objects;

/**
 * The median, the summary every timing of this project reports: on a shared 2-core machine single repetitions are
 * delayed by the JIT, the collector and the host, and the median ignores those outliers where a mean would not.
 */
public final class Median {

    private Median() {
    }

    /**
     * The median of a sample: its middle value, or the mean of the two middle values when the sample's size is even.
     * The sample is not modified.
     *
     * @throws IllegalArgumentException if the sample is empty or holds a NaN
     */
    public static double of(double... values) {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of an empty sample is undefined");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (Double.isNaN(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("the sample holds a NaN");
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Runs {@code body} {@code warmups} times untimed, so that the JIT has compiled it, then {@code repetitions} times
     * timed, and returns the median of the timed runs in milliseconds.
     *
     * @throws IllegalArgumentException if {@code warmups} is negative or {@code repetitions} is not positive
     */
    public static double millis(int warmups, int repetitions, Runnable body) {
        Objects.requireNonNull(body, "body");
        if (warmups < 0 || repetitions < 1) {
            throw new IllegalArgumentException("need warmups >= 0 and repetitions >= 1, got " + warmups + " and "
                    + repetitions);
        }
        for (int i = 0; i < warmups; i++) {
            body.run();
        }
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return of(ms);
    }
}
