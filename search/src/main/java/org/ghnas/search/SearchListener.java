package org.ghnas.search;

/** Told after every finished generation, e.g. to drive a progress bar. */
@FunctionalInterface
public interface SearchListener {

    /** A listener that ignores everything. */
    SearchListener NONE = summary -> { };

    /** Called after generation {@code summary.generation()} is scored and checkpointed. */
    void generation(GenerationSummary summary);

    /**
     * Progress of a run after one generation.
     *
     * @param generation  the generation just finished (0 = initial population)
     * @param generations the generation the run ends with
     * @param evaluations individuals scored so far
     * @param bestSoFar   best feasible weighted score so far, NaN if none
     */
    record GenerationSummary(int generation, int generations, long evaluations, double bestSoFar) {
    }
}
