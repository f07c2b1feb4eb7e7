package org.ghnas.search;

/**
 * A distinct net of a final population with its place: Pareto rank among the feasible nets (0 = on the front;
 * infeasible nets rank after every feasible one) and how many individuals of the population carry it.
 *
 * @param evaluation the net and its predictions
 * @param rank       non-domination rank on the oriented objectives
 * @param copies     individuals of the population with this net
 */
public record RankedNet(Evaluation evaluation, int rank, int copies) {
}
