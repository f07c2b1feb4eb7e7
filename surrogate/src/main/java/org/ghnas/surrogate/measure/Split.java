package org.ghnas.surrogate.measure;

import java.util.Locale;

/**
 * The two sets of measured nets: surrogates are fitted on {@link #TRAIN} and scored on {@link #TEST} (the
 * reference fits on its 500 val nets and scores on its 500 test nets, facts §5.2).
 */
public enum Split {
    /** Nets the surrogates are fitted on. */
    TRAIN,
    /** Nets the surrogates are scored on. */
    TEST;

    /** The lower-case name used in files and on the command line: {@code train} or {@code test}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The split named {@code label}.
     *
     * @throws IllegalArgumentException unless {@code label} is {@code train} or {@code test}
     */
    public static Split of(String label) {
        for (Split s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("split must be train or test, but was '" + label + "'.");
    }
}
