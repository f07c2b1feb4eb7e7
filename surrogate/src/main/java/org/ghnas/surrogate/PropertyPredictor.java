package org.ghnas.surrogate;

import java.util.List;

import org.ghnas.space.Architecture;

/**
 * Estimates the measured properties of architectures without training them. Implementations predict a whole list
 * at once, because the search scores a generation in one batch and embeddings are cheaper together.
 */
@FunctionalInterface
public interface PropertyPredictor {

    /** One prediction per architecture, in order. */
    List<PropertyPrediction> predict(List<? extends Architecture> architectures);
}
