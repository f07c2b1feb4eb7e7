package org.ghnas.space.sample;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many candidates a sampler accepted and how many it rejected under each rule: the cost of the rejection loop
 * and a check that the rules fire about as often as in the reference (facts §1.3 [measured]).
 *
 * @param accepted number of nets returned
 * @param rejected rejected candidates per rule; every rule is present, with 0 where it never fired
 * @implNote Immutable; the map is an unmodifiable copy.
 */
public record SamplerStats(long accepted, Map<Rejection, Long> rejected) {

    public SamplerStats {
        if (accepted < 0) {
            throw new IllegalArgumentException("accepted must be >= 0, but was " + accepted + ".");
        }
        EnumMap<Rejection, Long> copy = new EnumMap<>(Rejection.class);
        for (Rejection r : Rejection.values()) {
            long n = requireNonNull(rejected, "rejected").getOrDefault(r, 0L);
            if (n < 0) {
                throw new IllegalArgumentException("rejected[" + r + "] must be >= 0, but was " + n + ".");
            }
            copy.put(r, n);
        }
        rejected = Collections.unmodifiableMap(copy);
    }

    /** Rejected candidates under {@code rule}. */
    public long rejected(Rejection rule) {
        return rejected.get(requireNonNull(rule, "rule"));
    }

    /** All rejected candidates. */
    public long totalRejected() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All candidates drawn: accepted plus rejected. */
    public long candidates() {
        return accepted + totalRejected();
    }
}
