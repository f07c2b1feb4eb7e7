package org.ghnas.surrogate;

/**
 * A predicted value with its standard deviation where the model gives one (Gaussian process), {@code NaN} otherwise.
 */
public record PropertyEstimate(double mean, double stddev) {

    /** @throws IllegalArgumentException if the mean is not finite or the deviation is negative */
    public PropertyEstimate {
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException("mean: expected a finite number, got " + mean);
        }
        if (stddev < 0) {
            throw new IllegalArgumentException("stddev: expected >= 0 or NaN, got " + stddev);
        }
    }

    /** An estimate without uncertainty. */
    public static PropertyEstimate of(double mean) {
        return new PropertyEstimate(mean, Double.NaN);
    }

    /** Whether the model reported an uncertainty. */
    public boolean hasStddev() {
        return !Double.isNaN(stddev);
    }
}
