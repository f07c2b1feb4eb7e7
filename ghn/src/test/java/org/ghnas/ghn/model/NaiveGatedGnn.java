package org.ghnas.ghn.model;

import java.util.HashMap;
import java.util.Map;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.Edge;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A literal transcription of the reference's GatedGNN loop (facts §3.3) for tests: for each node in sweep order
 * it recomputes MLP(h_u) and MLP_ve(h_u) from the current state of every neighbour over the edge list, with no
 * caching or reuse, so it checks the production code's reuse of per-node MLP outputs and its sweep order.
 */
final class NaiveGatedGnn {

    private final GatedGnn gnn;
    private final Map<String, double[][]> params = new HashMap<>();

    NaiveGatedGnn(GatedGnn gnn) {
        this.gnn = gnn;
        gnn.parameters().forEach(p -> params.put(p.name(), matrix(p.value())));
    }

    private static double[][] matrix(INDArray a) {
        return a.rank() == 2 ? a.toDoubleMatrix() : new double[][] {a.toDoubleVector()};
    }

    double[][] states(ComputationalGraph g) {
        GhnConfig c = gnn.config();
        int n = g.nodeCount();
        int hid = c.hidden();
        int q = hid / 4;
        double[][] embed = params.get("embed.weight");
        double[][] channel = params.get("shape_enc.embed_channel.weight");
        double[][] spatial = params.get("shape_enc.embed_spatial.weight");
        double[][] h = new double[n][hid];
        for (int v = 0; v < n; v++) {
            int[] rows = gnn.shapes().rows(g.node(v).shape());
            for (int j = 0; j < hid; j++) {
                double[][] table = j / q < 2 ? channel : spatial;
                h[v][j] = embed[g.node(v).type().index()][j] + table[rows[j / q]][j % q];
            }
        }
        for (int v = 0; v < n; v++) {
            h[v] = gru(message(g, h, v, true), h[v]);
        }
        for (int v = n - 1; v >= 0; v--) {
            h[v] = gru(message(g, h, v, false), h[v]);
        }
        if (!c.layerNorm()) {
            return h;
        }
        double[] gamma = params.get("ln.weight")[0];
        double[] beta = params.get("ln.bias")[0];
        double[][] out = new double[n][hid];
        for (int v = 0; v < n; v++) {
            double mean = 0;
            double var = 0;
            for (double x : h[v]) {
                mean += x / hid;
            }
            for (double x : h[v]) {
                var += (x - mean) * (x - mean) / hid;
            }
            for (int j = 0; j < hid; j++) {
                out[v][j] = (h[v][j] - mean) / Math.sqrt(var + 1e-5) * gamma[j] + beta[j];
            }
        }
        return out;
    }

    private double[] message(ComputationalGraph g, double[][] h, int v, boolean forward) {
        GhnConfig c = gnn.config();
        double[] m = new double[c.hidden()];
        for (Edge e : g.edges()) {
            int self = forward ? e.target() : e.source();
            int other = forward ? e.source() : e.target();
            if (self != v) {
                continue;
            }
            if (e.distance() == 1) {
                add(m, mlp("gnn.mlp.fc.", h[other]), 1.0);
            }
            if (c.virtualEdges() && e.distance() <= c.virtualEdgeCutoff()) {
                add(m, mlp("gnn.mlp_ve.fc.", h[other]), 1.0 / e.distance());
            }
        }
        return m;
    }

    private double[] mlp(String prefix, double[] x) {
        double[] a = relu(linear(prefix + "0", x));
        return relu(linear(prefix + "2", a));
    }

    private double[] gru(double[] x, double[] h) {
        double[] gi = affine(params.get("gnn.gru.weight_ih"), params.get("gnn.gru.bias_ih"), x);
        double[] gh = affine(params.get("gnn.gru.weight_hh"), params.get("gnn.gru.bias_hh"), h);
        int hid = h.length;
        double[] out = new double[hid];
        for (int j = 0; j < hid; j++) {
            double r = 1 / (1 + Math.exp(-(gi[j] + gh[j])));
            double z = 1 / (1 + Math.exp(-(gi[hid + j] + gh[hid + j])));
            double cand = Math.tanh(gi[2 * hid + j] + r * gh[2 * hid + j]);
            out[j] = (1 - z) * cand + z * h[j];
        }
        return out;
    }

    private double[] linear(String prefix, double[] x) {
        return affine(params.get(prefix + ".weight"), params.get(prefix + ".bias"), x);
    }

    private static double[] affine(double[][] w, double[][] bias, double[] x) {
        double[] b = bias[0];
        double[] y = new double[w.length];
        for (int o = 0; o < w.length; o++) {
            y[o] = b[o];
            for (int i = 0; i < x.length; i++) {
                y[o] += w[o][i] * x[i];
            }
        }
        return y;
    }

    private static double[] relu(double[] x) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(0, y[i]);
        }
        return y;
    }

    private static void add(double[] acc, double[] x, double weight) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += weight * x[i];
        }
    }
}
