package org.ghnas.experiments.cli;

import java.nio.file.Path;
import org.ghnas.search.PropertyPredictorSource;

/**
 * The CLI's source of fitted surrogates for {@code ghnas search}. The surrogate fitting (GHN embeddings + Smile
 * regressors) is built separately; until its loader is wired in here, every search ends with a one-line error
 * naming the path it looked at, and no run is started on made-up scores.
 */
final class SurrogateFiles implements PropertyPredictorSource {

    /** Where the surrogates are looked for when an experiment does not name a path. */
    static final String DEFAULT_PATH = "surrogates";

    @Override
    public Loaded load(String surrogates) {
        Path path = Path.of(surrogates == null ? DEFAULT_PATH : surrogates);
        throw new IllegalArgumentException("no fitted surrogates at " + path
                + " (fit them first; the search needs the GHN-embedding surrogates to score nets)");
    }
}
