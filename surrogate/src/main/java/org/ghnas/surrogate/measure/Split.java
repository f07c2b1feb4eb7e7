package org.ghnas.surrogate.measure;

import java.util.Locale;

/**
 * The sets of measured nets: surrogates are fitted on {@link #TRAIN} and scored on {@link #TEST} (the reference fits
 * on its 500 val nets and scores on its 500 test nets, facts §5.2); {@link #SPECS} holds nets a user named in a spec
 * file, measured under the same protocol (to check what a search picked, say).
 */
public enum Split {
    /** Sampled nets the surrogates are fitted on. */
    TRAIN,
    /** Sampled nets the surrogates are scored on. */
    TEST,
    /** Nets of a spec file, in file order; they have no sampler (their sampler seed is recorded as 0). */
    SPECS;

    /** Whether the split's nets come from the config's sampler (train and test). */
    public boolean sampled() {
        return this != SPECS;
    }

    /** The lower-case name used in files and on the command line: {@code train} or {@code test}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The split named {@code label}.
     *
     * @throws IllegalArgumentException unless {@code label} is {@code train}, {@code test} or {@code specs}
     */
    public static Split of(String label) {
        for (Split s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("split must be train, test or specs, but was '" + label + "'.");
    }
}
