package org.ghnas.search;

import java.util.Map;
import org.ghnas.surrogate.PropertyPredictor;

/**
 * Where a search gets its scorer: the one seam between the search and the fitted surrogates, so that the CLI loads
 * the real GHN-embedding surrogates and tests inject a deterministic stand-in.
 */
@FunctionalInterface
public interface PropertyPredictorSource {

    /**
     * The predictor for an experiment.
     *
     * @param surrogates the experiment's {@code surrogates:} path, or {@code null} for the default
     * @throws IllegalArgumentException one line naming the path if no fitted surrogates are found there
     */
    Loaded load(String surrogates);

    /**
     * A loaded predictor with the checksums of the files it was built from (GHN weights, surrogate models), for
     * the run's manifest.
     *
     * @param predictor the scorer
     * @param checksums file name to checksum
     */
    record Loaded(PropertyPredictor predictor, Map<String, String> checksums) {

        /** Copies the checksums. */
        public Loaded {
            java.util.Objects.requireNonNull(predictor, "predictor");
            checksums = Map.copyOf(checksums);
        }
    }
}
