package org.ghnas.surrogate;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.ghnas.space.Architecture;

/**
 * The measured ground truth of one architecture: what surrogates are fitted on and scored against.
 *
 * @param architecture the measured network
 * @param values       one measured value per property
 */
public record Observation(Architecture architecture, Map<Property, Double> values) {

    /** @throws IllegalArgumentException if a property is missing or a value is not finite */
    public Observation {
        Objects.requireNonNull(architecture, "architecture");
        EnumMap<Property, Double> copy = new EnumMap<>(Property.class);
        copy.putAll(values);
        for (Property p : Property.values()) {
            Double v = copy.get(p);
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("observation." + p.key() + ": expected a finite number, got " + v);
            }
        }
        values = Map.copyOf(copy);
    }

    /** The measured value of one property. */
    public double value(Property property) {
        return values.get(property);
    }
}
