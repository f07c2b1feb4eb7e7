package org.ghnas.surrogate;

import smile.stat.hypothesis.CorTest;

/**
 * Rank agreement between predictions and measurements: Kendall's tau (the reference's headline metric) and
 * Spearman's rho, both from Smile. A constant vector has no ranking, so its correlation is reported as 0.
 */
public record RankCorrelation(double kendallTau, double spearmanRho) {

    /** @throws IllegalArgumentException if the vectors differ in length or have fewer than 3 entries */
    public static RankCorrelation of(double[] predicted, double[] measured) {
        if (predicted.length != measured.length || predicted.length < 3) {
            throw new IllegalArgumentException("rank correlation: expected two vectors of equal length >= 3, got "
                    + predicted.length + " and " + measured.length);
        }
        if (constant(predicted) || constant(measured)) {
            return new RankCorrelation(0, 0);
        }
        return new RankCorrelation(finite(CorTest.kendall(predicted, measured).cor),
                finite(CorTest.spearman(predicted, measured).cor));
    }

    /** Kendall's tau alone. */
    public static double kendall(double[] predicted, double[] measured) {
        return of(predicted, measured).kendallTau();
    }

    private static boolean constant(double[] v) {
        for (double x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
