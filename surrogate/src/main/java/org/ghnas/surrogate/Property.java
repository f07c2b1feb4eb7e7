package org.ghnas.surrogate;

import java.util.Arrays;
import java.util.Locale;

/**
 * The four measured properties a surrogate estimates for an architecture, with the key used in tables, YAML files
 * and reports. The direction matters to a search: accuracy and robustness are better high, latency and convergence
 * (the fraction of the training budget needed) better low.
 */
public enum Property {
    /** Fashion-MNIST test accuracy in [0, 1] after the measurement budget of SGD. */
    CLEAN_ACCURACY("accuracy", true),
    /** Test accuracy in [0, 1] on images with additive Gaussian noise (sigma 0.08 in [0, 1] pixel space, clipped). */
    NOISE_ROBUSTNESS("robustness", true),
    /** Median forward latency in milliseconds of a batch of 64 images, single-threaded, warm. */
    INFERENCE_LATENCY("latency_ms", false),
    /** Fraction of the SGD budget after which smoothed training accuracy first reaches 90% of its final value. */
    CONVERGENCE("convergence", false);

    private final String key;
    private final boolean higherIsBetter;

    Property(String key, boolean higherIsBetter) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
    }

    /** The name in tables, YAML and JSON, e.g. {@code accuracy}. */
    public String key() {
        return key;
    }

    /** Whether a search should maximise this property. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * The property named {@code key} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the allowed keys
     */
    public static Property ofKey(String key) {
        for (Property p : values()) {
            if (p.key.equalsIgnoreCase(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown property '" + key + "': expected one of "
                + Arrays.stream(values()).map(Property::key).toList().toString().toLowerCase(Locale.ROOT));
    }
}
