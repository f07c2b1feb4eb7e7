package org.ghnas.surrogate;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.space.Architecture;
import org.ghnas.space.plan.NetworkPlan;

/**
 * The regressors' inputs for architectures: the GHN graph embedding, optionally followed by three cheap size
 * features (log parameters, log multiply-accumulates, log graph nodes) that the embedding's mean pooling blurs.
 */
final class Features {

    static final List<String> CHEAP = List.of("log_params", "log_macs", "log_nodes");

    private Features() {
    }

    /** Names of the columns {@link #of} produces. */
    static List<String> names(int embeddingDimension, boolean cheap) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < embeddingDimension; i++) {
            out.add("emb" + i);
        }
        if (cheap) {
            out.addAll(CHEAP);
        }
        return List.copyOf(out);
    }

    /**
     * One raw (unstandardised) row per architecture. Rows are computed in parallel: each is independent and the GHN's
     * embedding is plain Java on frozen weights, so a generation of a search uses every core.
     */
    static double[][] of(GraphHyperNetwork ghn, List<? extends Architecture> architectures, boolean cheap) {
        double[][] rows = new double[architectures.size()][];
        IntStream.range(0, rows.length).parallel().forEach(i -> rows[i] = row(ghn, architectures.get(i), cheap));
        return rows;
    }

    private static double[] row(GraphHyperNetwork ghn, Architecture a, boolean cheap) {
        NetworkPlan plan = ghn.plan(a);
        double[] emb = ghn.embed(plan).toDoubleArray();
        if (!cheap) {
            return emb;
        }
        double[] row = new double[emb.length + CHEAP.size()];
        System.arraycopy(emb, 0, row, 0, emb.length);
        row[emb.length] = Math.log(Math.max(1, plan.liveParameterCount()));
        row[emb.length + 1] = Math.log(Math.max(1, plan.macs()));
        row[emb.length + 2] = Math.log(Math.max(1, plan.graph().nodeCount()));
        return row;
    }

    /** The embedding part of a raw row (what novelty is measured on). */
    static double[] embeddingPart(double[] row, int embeddingDimension) {
        return java.util.Arrays.copyOf(row, embeddingDimension);
    }
}
