package org.ghnas.surrogate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded k-fold cross-validation over candidate regressors. A candidate's score is Kendall's tau between its
 * out-of-fold predictions and the targets, pooled over all folds: ranking is what a search needs from a surrogate,
 * and one pooled tau over n rows is steadier than the mean of k small-fold taus.
 */
final class ModelSelection {

    /** The score of one candidate. */
    record Score(Regressor regressor, double kendallTau) {
    }

    /** All candidates' scores, in candidate order, and the best (first of the maximal ones). */
    record Result(List<Score> scores, Score best) {
        Score bestOf(Regressor.Kind kind) {
            Score b = null;
            for (Score s : scores) {
                if (s.regressor().kind() == kind && (b == null || s.kendallTau() > b.kendallTau())) {
                    b = s;
                }
            }
            return b;
        }
    }

    private ModelSelection() {
    }

    static Result select(double[][] x, double[] y, List<Regressor> candidates, int folds, long seed) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("model selection: expected at least one candidate regressor");
        }
        if (folds < 2 || folds > x.length) {
            throw new IllegalArgumentException("folds: expected 2.." + x.length + ", got " + folds);
        }
        int[] fold = assignFolds(x.length, folds, seed);
        List<Score> scores = new ArrayList<>();
        Score best = null;
        for (Regressor r : candidates) {
            double[] oof = outOfFold(r, x, y, fold, folds, seed);
            Score s = new Score(r, RankCorrelation.kendall(oof, y));
            scores.add(s);
            if (best == null || s.kendallTau() > best.kendallTau()) {
                best = s;
            }
        }
        return new Result(List.copyOf(scores), best);
    }

    static int[] assignFolds(int n, int folds, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) {
            fold[perm[i]] = i % folds;
        }
        return fold;
    }

    private static double[] outOfFold(Regressor r, double[][] x, double[] y, int[] fold, int folds, long seed) {
        double[] oof = new double[x.length];
        for (int f = 0; f < folds; f++) {
            List<double[]> tx = new ArrayList<>();
            List<Double> ty = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (fold[i] != f) {
                    tx.add(x[i]);
                    ty.add(y[i]);
                }
            }
            Regressor.Fitted m = r.fit(tx.toArray(double[][]::new), ty.stream().mapToDouble(Double::doubleValue).toArray(),
                    seed + f);
            for (int i = 0; i < x.length; i++) {
                if (fold[i] == f) {
                    oof[i] = m.predict(x[i])[0];
                }
            }
        }
        return oof;
    }
}
