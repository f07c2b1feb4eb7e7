package org.ghnas.surrogate;

import java.io.Serializable;
import java.util.List;

/**
 * How surrogates are fitted.
 *
 * @param folds         cross-validation folds for model selection (the reference uses 5)
 * @param seed          seeds fold assignment and tree randomness
 * @param cheapFeatures whether log params, log MACs and log node count join the embedding
 * @param kinds         model families to choose from
 */
public record FitOptions(int folds, long seed, boolean cheapFeatures, List<Regressor.Kind> kinds)
        implements Serializable {

    /** @throws IllegalArgumentException if folds < 2 or no model family is given */
    public FitOptions {
        if (folds < 2) {
            throw new IllegalArgumentException("folds: expected >= 2, got " + folds);
        }
        kinds = List.copyOf(kinds);
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds: expected at least one model family");
        }
    }

    /** 5 folds, seed 0, cheap features on, all four model families. */
    public static FitOptions defaults() {
        return new FitOptions(5, 0, true, List.of(Regressor.Kind.values()));
    }

    /** These options with another seed. */
    public FitOptions withSeed(long s) {
        return new FitOptions(folds, s, cheapFeatures, kinds);
    }

    /** These options restricted to some model families. */
    public FitOptions withKinds(Regressor.Kind... k) {
        return new FitOptions(folds, seed, cheapFeatures, List.of(k));
    }

    /** These options with or without the cheap size features. */
    public FitOptions withCheapFeatures(boolean c) {
        return new FitOptions(folds, seed, c, kinds);
    }
}
