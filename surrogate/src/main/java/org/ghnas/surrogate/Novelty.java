package org.ghnas.surrogate;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How far a point lies from a training cloud: the mean distance to its k nearest training points divided by the
 * median of the same statistic over the training points themselves (leave-one-out). About 1 inside the cloud,
 * growing with distance, so one threshold (say 2) reads the same for every GHN and table.
 */
record Novelty(double[][] points, int k, double reference) implements Serializable {

    static Novelty fit(double[][] points, int k) {
        if (points.length < 2) {
            throw new IllegalArgumentException("novelty: expected >= 2 training points, got " + points.length);
        }
        int kk = Math.min(k, points.length - 1);
        double[] own = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            own[i] = meanNearest(points, points[i], kk, i);
        }
        Arrays.sort(own);
        double median = own[own.length / 2];
        return new Novelty(points, kk, median > 0 ? median : 1);
    }

    double score(double[] x) {
        return meanNearest(points, x, k, -1) / reference;
    }

    private static double meanNearest(double[][] points, double[] x, int k, int skip) {
        double[] best = new double[k];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int i = 0; i < points.length; i++) {
            if (i == skip) {
                continue;
            }
            double d = 0;
            for (int j = 0; j < x.length; j++) {
                double t = x[j] - points[i][j];
                d += t * t;
            }
            d = Math.sqrt(d);
            if (d < best[k - 1]) {
                int p = k - 1;
                while (p > 0 && best[p - 1] > d) {
                    best[p] = best[p - 1];
                    p--;
                }
                best[p] = d;
            }
        }
        double s = 0;
        for (double b : best) {
            s += b;
        }
        return s / k;
    }
}
