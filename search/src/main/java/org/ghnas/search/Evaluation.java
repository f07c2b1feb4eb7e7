package org.ghnas.search;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.ghnas.space.NetworkSpec;

/**
 * One scored net: the surrogate predictions (property keys and {@code ood_score}), its exact size, whether it keeps
 * the predicted-latency limit, and its weighted score (the GA's objective; also the scale of the best-so-far curves).
 *
 * @param spec        the net
 * @param predictions predicted value per property key, plus {@code ood_score}
 * @param params      parameter count at the experiment's C and input
 * @param flops       multiply-accumulates of one forward pass of one image
 * @param feasible    whether the predicted latency is within the limit
 * @param score       weighted sum of the oriented objectives
 */
public record Evaluation(NetworkSpec spec, Map<String, Double> predictions, long params, long flops, boolean feasible,
                         double score) {

    /** Copies the predictions in key order. */
    public Evaluation {
        Objects.requireNonNull(spec, "spec");
        predictions = java.util.Collections.unmodifiableMap(new TreeMap<>(predictions));
    }
}
