package org.ghnas.search;

/**
 * Hard limits on a searched net. Parameters and FLOPs are exact and checked before scoring, so nets above them are
 * never scored; the latency limit applies to the surrogate's prediction, so it is checked after scoring and a net
 * above it is ranked below every net within it.
 *
 * @param maxParams    largest parameter count at the experiment's C and input; {@link Long#MAX_VALUE} for none
 * @param maxFlops     largest multiply-accumulate count of one forward pass of one image; {@link Long#MAX_VALUE} for none
 * @param maxLatencyMs largest predicted latency in milliseconds; {@code +Infinity} for none
 */
public record Constraints(long maxParams, long maxFlops, double maxLatencyMs) {

    /** @throws IllegalArgumentException naming the field if a limit is not positive */
    public Constraints {
        if (maxParams < 1) {
            throw new IllegalArgumentException("maxParams: " + maxParams + " is not allowed, expected an integer >= 1");
        }
        if (maxFlops < 1) {
            throw new IllegalArgumentException("maxFlops: " + maxFlops + " is not allowed, expected an integer >= 1");
        }
        if (!(maxLatencyMs > 0)) {
            throw new IllegalArgumentException("maxLatencyMs: " + maxLatencyMs + " is not allowed, expected a number > 0");
        }
    }

    /** No limits. */
    public static Constraints none() {
        return new Constraints(Long.MAX_VALUE, Long.MAX_VALUE, Double.POSITIVE_INFINITY);
    }
}
