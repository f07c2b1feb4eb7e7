package org.ghnas.search;

import java.util.List;
import java.util.Locale;
import org.ghnas.surrogate.Property;

/**
 * One thing the search optimises: a surrogate property ({@code accuracy}, {@code robustness}, {@code latency_ms},
 * {@code convergence}) or an exact size ({@code log_params}, {@code log_flops}: log10 of the count, so that a weight
 * means the same at every size). The direction comes from the property; the weight only matters to the single
 * weighted objective of the GA, where the score is the sum of {@code weight * value}, negated for properties that
 * are better low.
 *
 * @param key    the property key
 * @param weight weight in the GA's weighted sum, &gt; 0
 */
public record Objective(String key, double weight) {

    /** Keys of the exact objectives (not predicted). */
    public static final List<String> EXACT_KEYS = List.of("log_params", "log_flops");

    /** @throws IllegalArgumentException naming the allowed keys or the weight's form */
    public Objective {
        key = key.toLowerCase(Locale.ROOT);
        if (!EXACT_KEYS.contains(key)) {
            key = Property.ofKey(key).key();
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight: " + weight + " is not allowed, expected a finite number > 0");
        }
    }

    /** All allowed keys, for messages. */
    public static List<String> keys() {
        List<String> keys = new java.util.ArrayList<>();
        for (Property p : Property.values()) {
            keys.add(p.key());
        }
        keys.addAll(EXACT_KEYS);
        return keys;
    }

    /** Whether the search maximises this objective. */
    public boolean higherIsBetter() {
        return !EXACT_KEYS.contains(key) && Property.ofKey(key).higherIsBetter();
    }

    /** The objective's value in an evaluation. */
    public double value(Evaluation e) {
        switch (key) {
            case "log_params":
                return Math.log10(e.params());
            case "log_flops":
                return Math.log10(Math.max(1, e.flops()));
            default:
                return e.predictions().get(key);
        }
    }

    /** The value turned so that larger is better. */
    double oriented(Evaluation e) {
        double v = value(e);
        return higherIsBetter() ? v : -v;
    }
}
