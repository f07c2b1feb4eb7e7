package org.ghnas.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jenetics.ext.moea.Vec;
import org.ghnas.space.NetworkSpec;
import org.ghnas.surrogate.Property;
import org.ghnas.surrogate.PropertyPrediction;

/**
 * Turns predictions into fitness: the weighted score for the GA, the vector of oriented objectives for NSGA-II.
 * Nets over the predicted-latency limit get {@link #INFEASIBLE} minus their relative excess in every component, so
 * both selectors rank them below every feasible net and prefer the ones closest to the limit.
 *
 * @param objectives  what to optimise, at least one
 * @param constraints the limits; only the latency limit is checked here
 */
record Scoring(List<Objective> objectives, Constraints constraints) {

    /** Fitness component of a net over the latency limit. */
    static final double INFEASIBLE = -1e9;

    Scoring {
        objectives = List.copyOf(objectives);
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("objectives: empty, expected at least one objective");
        }
    }

    Evaluation evaluate(NetworkSpec spec, NetworkFacts facts, PropertyPrediction prediction) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Property p : Property.values()) {
            values.put(p.key(), prediction.value(p));
        }
        values.put("ood_score", prediction.oodScore());
        boolean feasible = values.get(Property.INFERENCE_LATENCY.key()) <= constraints.maxLatencyMs();
        Evaluation partial = new Evaluation(spec, values, facts.params(), facts.flops(), feasible, 0);
        double score = 0;
        for (Objective o : objectives) {
            score += o.weight() * o.oriented(partial);
        }
        return new Evaluation(spec, values, facts.params(), facts.flops(), feasible, score);
    }

    /** The oriented objective values (larger is better) of an evaluation. */
    double[] oriented(Evaluation e) {
        double[] v = new double[objectives.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = objectives.get(i).oriented(e);
        }
        return v;
    }

    /** Fitness of an evaluation: {@code [score]} for the GA, the oriented objectives for NSGA-II. */
    Vec<double[]> fitness(Evaluation e, boolean multiObjective) {
        double[] v = multiObjective ? oriented(e) : new double[]{e.score()};
        if (!e.feasible()) {
            double latency = e.predictions().get(Property.INFERENCE_LATENCY.key());
            double excess = (latency - constraints.maxLatencyMs()) / constraints.maxLatencyMs();
            java.util.Arrays.fill(v, INFEASIBLE - excess);
        }
        return Vec.of(v);
    }
}
