package org.ghnas.surrogate;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.ghnas.space.Architecture;

/**
 * What the surrogates say about one architecture: an estimate per property, and how far the architecture's
 * embedding lies from the embeddings the surrogates were fitted on ({@code oodScore}: about 1 inside the training
 * cloud, larger further out), so callers know when not to trust the estimates.
 */
public record PropertyPrediction(Architecture architecture, Map<Property, PropertyEstimate> estimates, double oodScore) {

    /** @throws IllegalArgumentException if an estimate is missing or the OOD score is negative or not finite */
    public PropertyPrediction {
        Objects.requireNonNull(architecture, "architecture");
        EnumMap<Property, PropertyEstimate> copy = new EnumMap<>(Property.class);
        copy.putAll(estimates);
        for (Property p : Property.values()) {
            if (!copy.containsKey(p)) {
                throw new IllegalArgumentException("estimates: missing property '" + p.key() + "'");
            }
        }
        if (!(oodScore >= 0) || Double.isInfinite(oodScore)) {
            throw new IllegalArgumentException("oodScore: expected a finite number >= 0, got " + oodScore);
        }
        estimates = Map.copyOf(copy);
    }

    /** The estimate of one property. */
    public PropertyEstimate estimate(Property property) {
        return estimates.get(property);
    }

    /** The predicted value of one property. */
    public double value(Property property) {
        return estimates.get(property).mean();
    }
}
