package org.ghnas.surrogate;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

import smile.base.cart.Loss;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.data.vector.DoubleVector;
import smile.math.MathEx;
import smile.math.kernel.GaussianKernel;
import smile.regression.GaussianProcessRegression;
import smile.regression.GradientTreeBoost;
import smile.regression.KernelMachine;
import smile.regression.RandomForest;
import smile.regression.SVM;

/**
 * One candidate regression model with fixed hyperparameters: what model selection compares and what a surrogate
 * keeps. Inputs are standardised features, targets standardised values, so one grid fits every property.
 *
 * @param kind            the model family
 * @param hyperparameters its settings by name, e.g. {@code C}, {@code gamma}, {@code epsilon} for the SVR
 */
public record Regressor(Kind kind, Map<String, Double> hyperparameters) implements Serializable {

    /** The Smile model families a surrogate chooses from. */
    public enum Kind {
        /** Epsilon-SVR with an RBF kernel (the reference's choice). */
        SVR,
        /** Random forest of regression trees. */
        RANDOM_FOREST,
        /** Gradient-boosted regression trees, least-squares loss. */
        GRADIENT_BOOSTING,
        /** Gaussian process with an RBF kernel whose width and noise are fitted by marginal likelihood. */
        GAUSSIAN_PROCESS;

        /** The lower-case name used in reports, e.g. {@code random_forest}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @throws IllegalArgumentException if a hyperparameter is not finite */
    public Regressor {
        hyperparameters = Map.copyOf(hyperparameters);
        hyperparameters.forEach((k, v) -> {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("hyperparameters." + k + ": expected a finite number, got " + v);
            }
        });
    }

    /**
     * The candidates model selection compares for {@code d}-dimensional inputs: the reference's RBF-SVR grid
     * (C in {1,10,50,100,200,500,1000}, gamma in {0.05,0.1,0.2,0.5,1/d}, epsilon in {0.05,0.1,0.2}), a random
     * forest, gradient boosting and a Gaussian process.
     */
    public static List<Regressor> candidates(int d, Kind... kinds) {
        List<Kind> wanted = kinds.length == 0 ? List.of(Kind.values()) : List.of(kinds);
        java.util.ArrayList<Regressor> out = new java.util.ArrayList<>();
        if (wanted.contains(Kind.SVR)) {
            for (double c : new double[] {1, 10, 50, 100, 200, 500, 1000}) {
                for (double g : new double[] {0.05, 0.1, 0.2, 0.5, 1.0 / d}) {
                    for (double e : new double[] {0.05, 0.1, 0.2}) {
                        out.add(svr(c, g, e));
                    }
                }
            }
        }
        if (wanted.contains(Kind.RANDOM_FOREST)) {
            out.add(new Regressor(Kind.RANDOM_FOREST, Map.of("trees", 300.0, "nodeSize", 3.0,
                    "mtry", (double) Math.max(1, d / 3))));
        }
        if (wanted.contains(Kind.GRADIENT_BOOSTING)) {
            out.add(new Regressor(Kind.GRADIENT_BOOSTING, Map.of("trees", 300.0, "maxNodes", 6.0,
                    "shrinkage", 0.05, "subsample", 0.7)));
        }
        if (wanted.contains(Kind.GAUSSIAN_PROCESS)) {
            out.add(new Regressor(Kind.GAUSSIAN_PROCESS, Map.of("gamma", 1.0 / d, "noise", 0.3)));
        }
        return List.copyOf(out);
    }

    /** An RBF epsilon-SVR; {@code gamma} as in exp(-gamma |x - y|^2). */
    public static Regressor svr(double c, double gamma, double epsilon) {
        return new Regressor(Kind.SVR, Map.of("C", c, "gamma", gamma, "epsilon", epsilon));
    }

    /** A one-line description, e.g. {@code svr(C=10, epsilon=0.1, gamma=0.2)}. */
    public String describe() {
        StringBuilder b = new StringBuilder(kind.key()).append('(');
        String[] keys = hyperparameters.keySet().toArray(String[]::new);
        Arrays.sort(keys);
        for (int i = 0; i < keys.length; i++) {
            double v = hyperparameters.get(keys[i]);
            b.append(i == 0 ? "" : ", ").append(keys[i]).append('=')
                    .append(v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v));
        }
        return b.append(')').toString();
    }

    /** Fits this model on standardised rows {@code x} and targets {@code y}; {@code seed} drives tree randomness. */
    public Fitted fit(double[][] x, double[] y, long seed) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("training data: expected >= 2 rows with one target each, got "
                    + x.length + " rows and " + y.length + " targets");
        }
        return switch (kind) {
            case SVR -> {
                double gamma = hyperparameters.get("gamma");
                KernelMachine<double[]> m = SVM.fit(x, y, new GaussianKernel(Math.sqrt(0.5 / gamma)),
                        hyperparameters.get("epsilon"), hyperparameters.get("C"), 1e-3);
                yield new Fitted(new Model.Kernel(m));
            }
            case RANDOM_FOREST -> {
                DataFrame df = frame(x, y);
                int trees = hyperparameters.get("trees").intValue();
                RandomForest m = RandomForest.fit(Formula.lhs("y"), df, trees,
                        hyperparameters.get("mtry").intValue(), 20, Math.max(5, x.length),
                        hyperparameters.get("nodeSize").intValue(), 1.0,
                        LongStream.range(0, trees).map(i -> seed * 1_000_003L + i));
                yield new Fitted(new Model.Frame(m, df.drop("y").schema(), null));
            }
            case GRADIENT_BOOSTING -> {
                DataFrame df = frame(x, y);
                MathEx.setSeed(seed);
                GradientTreeBoost m = GradientTreeBoost.fit(Formula.lhs("y"), df, Loss.ls(),
                        hyperparameters.get("trees").intValue(), 20, hyperparameters.get("maxNodes").intValue(), 5,
                        hyperparameters.get("shrinkage"), hyperparameters.get("subsample"));
                yield new Fitted(new Model.Frame(null, df.drop("y").schema(), m));
            }
            case GAUSSIAN_PROCESS -> {
                double gamma = hyperparameters.get("gamma");
                GaussianKernel k = new GaussianKernel(Math.sqrt(0.5 / gamma), 1e-3, 1e3);
                GaussianProcessRegression<double[]> m;
                try {
                    m = GaussianProcessRegression.fit(x, y, k, hyperparameters.get("noise"), true, 1e-5, 50);
                } catch (RuntimeException e) {
                    // marginal-likelihood optimisation can fail on degenerate folds: keep the starting values
                    m = GaussianProcessRegression.fit(x, y, k, hyperparameters.get("noise"), true, 1e-5, 0);
                }
                yield new Fitted(new Model.Gp(m));
            }
        };
    }

    private static DataFrame frame(double[][] x, double[] y) {
        String[] names = new String[x[0].length];
        for (int j = 0; j < names.length; j++) {
            names[j] = "x" + j;
        }
        return DataFrame.of(x, names).merge(DoubleVector.of("y", y));
    }

    /** A fitted model: predictions in standardised target units, with a deviation where the model gives one. */
    public static final class Fitted implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Model model;

        Fitted(Model model) {
            this.model = model;
        }

        /** {mean, stddev (NaN where the model gives none)} for one standardised row. */
        public double[] predict(double[] x) {
            return model.predict(x);
        }
    }

    private sealed interface Model extends Serializable permits Model.Kernel, Model.Frame, Model.Gp {
        double[] predict(double[] x);

        record Kernel(KernelMachine<double[]> m) implements Model {
            public double[] predict(double[] x) {
                return new double[] {m.predict(x), Double.NaN};
            }
        }

        record Frame(RandomForest forest, StructType schema, GradientTreeBoost boost) implements Model {
            public double[] predict(double[] x) {
                Tuple t = Tuple.of(x, schema);
                return new double[] {forest != null ? forest.predict(t) : boost.predict(t), Double.NaN};
            }
        }

        record Gp(GaussianProcessRegression<double[]> m) implements Model {
            public double[] predict(double[] x) {
                double[] est = new double[2];
                double mean = m.predict(x, est);
                return new double[] {mean, est[1]};
            }
        }
    }

    /** Hyperparameters in a stable order, for reports. */
    public Map<String, Double> sortedHyperparameters() {
        Map<String, Double> out = new LinkedHashMap<>();
        hyperparameters.keySet().stream().sorted().forEach(k -> out.put(k, hyperparameters.get(k)));
        return out;
    }
}
