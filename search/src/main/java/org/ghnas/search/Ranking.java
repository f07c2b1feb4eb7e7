package org.ghnas.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jenetics.ext.moea.Pareto;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import org.ghnas.space.json.ArchitectureJson;

/**
 * Orders a population best first: the GA by weighted score, NSGA-II by Pareto rank and then score; feasible nets
 * before infeasible ones; ties by the spec's JSON, so the order never depends on hash codes.
 */
final class Ranking {

    private Ranking() {
    }

    /** The distinct nets of {@code population}, best first. */
    static List<RankedNet> rank(List<Evaluation> population, Scoring scoring, boolean multiObjective) {
        Map<String, Evaluation> distinct = new LinkedHashMap<>();
        Map<String, Integer> copies = new LinkedHashMap<>();
        for (Evaluation e : population) {
            String key = ArchitectureJson.toCompactJson(e.spec());
            distinct.putIfAbsent(key, e);
            copies.merge(key, 1, Integer::sum);
        }
        List<String> feasibleKeys = new ArrayList<>();
        List<Vec<double[]>> vectors = new ArrayList<>();
        distinct.forEach((k, e) -> {
            if (e.feasible()) {
                feasibleKeys.add(k);
                vectors.add(Vec.of(scoring.oriented(e)));
            }
        });
        int[] ranks = vectors.isEmpty() ? new int[0] : Pareto.rank(ISeq.of(vectors));
        int worst = 0;
        Map<String, Integer> rankOf = new LinkedHashMap<>();
        for (int i = 0; i < ranks.length; i++) {
            rankOf.put(feasibleKeys.get(i), ranks[i]);
            worst = Math.max(worst, ranks[i]);
        }
        List<RankedNet> out = new ArrayList<>();
        for (Map.Entry<String, Evaluation> e : distinct.entrySet()) {
            int rank = rankOf.getOrDefault(e.getKey(), worst + 1);
            out.add(new RankedNet(e.getValue(), rank, copies.get(e.getKey())));
        }
        Comparator<RankedNet> byScore = Comparator.comparingDouble((RankedNet r) -> -r.evaluation().score());
        Comparator<RankedNet> order = Comparator.comparing((RankedNet r) -> !r.evaluation().feasible());
        order = multiObjective ? order.thenComparingInt(RankedNet::rank).thenComparing(byScore)
                : order.thenComparing(byScore);
        order = order.thenComparing(r -> ArchitectureJson.toCompactJson(r.evaluation().spec()));
        out.sort(order);
        return out;
    }

    /** The feasible nets of rank 0, best first. */
    static List<RankedNet> front(List<RankedNet> ranked) {
        List<RankedNet> front = new ArrayList<>();
        for (RankedNet r : ranked) {
            if (r.evaluation().feasible() && r.rank() == 0) {
                front.add(r);
            }
        }
        return front;
    }
}
