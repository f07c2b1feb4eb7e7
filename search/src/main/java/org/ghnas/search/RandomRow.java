package org.ghnas.search;

/**
 * The random-search baseline after the same number of evaluations as a generation of the search.
 *
 * @param generation  the search generation this row matches
 * @param evaluations random nets scored so far (equal to the search's count at that generation)
 * @param bestSoFar   best feasible score among them, NaN if none is feasible
 */
public record RandomRow(int generation, long evaluations, double bestSoFar) {
}
