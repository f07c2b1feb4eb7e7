package org.ghnas.surrogate;

import java.io.Serializable;
import java.util.Objects;

/**
 * The regressor chosen for one property, fitted on all training rows. Latency is modelled in log space (it spans
 * orders of magnitude and its errors are relative); targets are z-scored so one hyperparameter grid fits all.
 *
 * @param property   what it predicts
 * @param regressor  the model chosen by cross-validation
 * @param cvKendall  that model's pooled out-of-fold Kendall tau on the training split
 */
public record PropertySurrogate(Property property, Regressor regressor, double cvKendall, Standardizer target,
        Regressor.Fitted fitted) implements Serializable {

    public PropertySurrogate {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(regressor, "regressor");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(fitted, "fitted");
    }

    /** Selects a model for {@code property} by k-fold CV among {@code candidates} and refits it on all rows. */
    static PropertySurrogate fit(Property property, double[][] x, double[] measured,
            java.util.List<Regressor> candidates, int folds, long seed) {
        double[] t = new double[measured.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = toModel(property, measured[i]);
        }
        Standardizer target = Standardizer.fit(t);
        double[] z = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            z[i] = target.apply(t[i]);
        }
        ModelSelection.Result r = ModelSelection.select(x, z, candidates, folds, seed);
        return new PropertySurrogate(property, r.best().regressor(), r.best().kendallTau(), target,
                r.best().regressor().fit(x, z, seed));
    }

    /** The estimate for one standardised feature row, in the property's own units. */
    public PropertyEstimate predict(double[] standardizedRow) {
        double[] ms = fitted.predict(standardizedRow);
        double mean = target.invert(ms[0]);
        double sd = Double.isNaN(ms[1]) ? Double.NaN : ms[1] * target.scale()[0];
        if (property == Property.INFERENCE_LATENCY) {
            double v = Math.exp(mean);
            return new PropertyEstimate(v, Double.isNaN(sd) ? Double.NaN : v * sd);
        }
        return new PropertyEstimate(mean, sd);
    }

    static double toModel(Property p, double v) {
        return p == Property.INFERENCE_LATENCY ? Math.log(Math.max(v, 1e-6)) : v;
    }
}
