package org.ghnas.search;

/**
 * What the search knows about a net without asking a surrogate: its exact size and whether it may be scored.
 *
 * @param params    parameter count at the experiment's C and input (0 if the net cannot be built)
 * @param flops     multiply-accumulates of one forward pass of one image (0 if not counted: rejected earlier)
 * @param violation why the net may not be scored, or {@code null} if it may
 */
public record NetworkFacts(long params, long flops, String violation) {

    /** Whether the net lies in the search space and within the exact budgets. */
    public boolean valid() {
        return violation == null;
    }
}
