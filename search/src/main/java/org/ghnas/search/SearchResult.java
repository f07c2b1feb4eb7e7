package org.ghnas.search;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished (or stopped) run produced; the same data is in its directory.
 *
 * @param directory  the run directory
 * @param history    one row per generation
 * @param population the final population's distinct nets, best first
 * @param pareto     the feasible non-dominated nets of the final population, best first
 * @param random     the random baseline at the same evaluation counts (empty if not run)
 * @param completed  whether every generation ran
 */
public record SearchResult(Path directory, List<HistoryRow> history, List<RankedNet> population,
                           List<RankedNet> pareto, List<RandomRow> random, boolean completed) {

    /** Copies the lists. */
    public SearchResult {
        history = List.copyOf(history);
        population = List.copyOf(population);
        pareto = List.copyOf(pareto);
        random = List.copyOf(random);
    }

    /** Best feasible score of the search so far, NaN if none. */
    public double bestSoFar() {
        return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).bestSoFar();
    }

    /** Best feasible score of the random baseline at the same number of evaluations, NaN if not run. */
    public double randomBestSoFar() {
        return random.isEmpty() ? Double.NaN : random.get(random.size() - 1).bestSoFar();
    }

    /** Individuals scored by the search. */
    public long evaluations() {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).evaluations();
    }
}
