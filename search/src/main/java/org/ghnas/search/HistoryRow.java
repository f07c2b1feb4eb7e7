package org.ghnas.search;

/**
 * One generation of a search, as in {@code history.csv}. Scores are the weighted score of {@link Evaluation}; NaN
 * where no individual of the generation is feasible.
 *
 * @param generation  0 for the initial population, then 1, 2, ...
 * @param evaluations individuals scored up to and including this generation
 * @param best        best feasible score in the population
 * @param bestSoFar   best feasible score of every individual scored so far
 * @param mean        mean feasible score in the population
 * @param feasible    individuals of the population within the latency limit
 * @param paretoSize  distinct nets on the population's Pareto front (objectives oriented to be maximised)
 */
public record HistoryRow(int generation, long evaluations, double best, double bestSoFar, double mean, int feasible,
                         int paretoSize) {

    static final String CSV_HEADER = "generation,evaluations,best,best_so_far,mean,feasible,pareto_size";

    String csv() {
        return generation + "," + evaluations + "," + best + "," + bestSoFar + "," + mean + "," + feasible + ","
                + paretoSize;
    }
}
