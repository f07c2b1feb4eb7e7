package org.ghnas.search;

import java.util.Locale;

/** How the search ranks candidates. */
public enum Algorithm {
    /** A genetic algorithm on the single weighted score of the objectives. */
    GA,
    /** NSGA-II on all objectives at once; the result is a Pareto set. */
    NSGA2;

    /** The name in YAML files. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
