package org.ghnas.surrogate.measure;

import java.util.List;

/**
 * How fast a net's training accuracy settles, as a fraction of the training budget: the per-step training accuracy
 * is smoothed by a trailing moving average of {@code window} steps, and the speed is {@code step / steps} at the
 * first step where the smoothed accuracy reaches {@code threshold} times its final value (the reference's
 * {@code converge_time} is the analogous fraction of its epochs). Smaller is faster. A net whose final smoothed
 * accuracy is at most {@value #CHANCE_FLOOR} (chance is 0.1 on ten classes) never converged: its speed is 1.
 *
 * @param fraction  step at which the threshold was first reached, divided by the number of steps, in (0, 1]
 * @param converged false when the net stayed near chance
 * @implNote Immutable value type.
 */
public record ConvergenceSpeed(double fraction, boolean converged) {

    /** Final smoothed accuracies at or below this count as never converged. */
    public static final double CHANCE_FLOOR = 0.2;

    /** Validates the fraction. */
    public ConvergenceSpeed {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], but was " + fraction + ".");
        }
    }

    /**
     * The convergence speed of one training curve.
     *
     * @param accuracy  training accuracy of every step, in order (non-finite values count as 0)
     * @param window    steps of the trailing moving average (the first steps average what exists so far)
     * @param threshold fraction of the final smoothed accuracy to reach, in (0, 1]
     * @throws IllegalArgumentException if the curve is empty, {@code window < 1} or the threshold is out of range
     */
    public static ConvergenceSpeed of(List<Double> accuracy, int window, double threshold) {
        if (accuracy.isEmpty()) {
            throw new IllegalArgumentException("accuracy must hold at least one step, but was empty.");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, but was " + window + ".");
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], but was " + threshold + ".");
        }
        double[] smooth = smoothed(accuracy, window);
        int n = smooth.length;
        double last = smooth[n - 1];
        if (last <= CHANCE_FLOOR) {
            return new ConvergenceSpeed(1.0, false);
        }
        double target = threshold * last;
        for (int t = 0; t < n; t++) {
            // tolerance: a curve that is flat at its final value reaches it despite rounding in the running sum
            if (smooth[t] >= target - 1e-12) {
                return new ConvergenceSpeed((t + 1.0) / n, true);
            }
        }
        return new ConvergenceSpeed(1.0, true);
    }

    /** The trailing moving average: element t is the mean of steps {@code max(0, t - window + 1) .. t}. */
    static double[] smoothed(List<Double> accuracy, int window) {
        int n = accuracy.size();
        double[] out = new double[n];
        double sum = 0;
        for (int t = 0; t < n; t++) {
            sum += finite(accuracy.get(t));
            if (t >= window) {
                sum -= finite(accuracy.get(t - window));
            }
            out[t] = sum / Math.min(t + 1, window);
        }
        return out;
    }

    private static double finite(Double v) {
        return v == null || !Double.isFinite(v) ? 0 : v;
    }
}
