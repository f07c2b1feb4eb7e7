package org.ghnas.ghn.model;

import java.util.List;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.Edge;
import org.ghnas.space.graph.GraphNode;

/**
 * Per-graph index arrays for the GNN sweeps, built once per graph: node types, shape-table rows, and four
 * compressed neighbour lists (real and virtual, incoming and outgoing) with the virtual weights {@code 1/d}.
 *
 * <p>Virtual lists hold every pair with {@code 1 <= d <= cutoff}, so direct neighbours appear in both the real
 * and the virtual lists, as in the reference. Without virtual edges (cutoff 1) the virtual lists are empty.
 */
final class GraphTopology {

    final int n;
    final int[] type;
    /** Four shape-table rows per node: out-channel, in-channel, height, width. */
    final int[] shapeRows;
    final Adjacency realIn;
    final Adjacency realOut;
    final Adjacency virtualIn;
    final Adjacency virtualOut;

    /** One compressed neighbour list: neighbours of v are {@code node[start[v] .. start[v+1])}. */
    static final class Adjacency {
        final int[] start;
        final int[] node;
        /** Message weights ({@code 1/d}); null for real lists. */
        final double[] weight;

        private Adjacency(int[] start, int[] node, double[] weight) {
            this.start = start;
            this.node = node;
            this.weight = weight;
        }

        boolean isEmpty(int v) {
            return start[v] == start[v + 1];
        }
    }

    GraphTopology(ComputationalGraph graph, ShapeEncoder shapes, int cutoff) {
        this.n = graph.nodeCount();
        this.type = new int[n];
        this.shapeRows = new int[4 * n];
        for (int v = 0; v < n; v++) {
            GraphNode node = graph.node(v);
            type[v] = node.type().index();
            System.arraycopy(shapes.rows(node.shape()), 0, shapeRows, 4 * v, 4);
        }
        List<Edge> edges = graph.edges();
        boolean virtual = cutoff > 1;
        int[] realInCount = new int[n + 1];
        int[] realOutCount = new int[n + 1];
        int[] virtInCount = new int[n + 1];
        int[] virtOutCount = new int[n + 1];
        for (Edge e : edges) {
            int s = e.source() + 1;
            int t = e.target() + 1;
            int d = e.distance();
            if (d == 1) {
                realInCount[t]++;
                realOutCount[s]++;
            }
            if (virtual && d <= cutoff) {
                virtInCount[t]++;
                virtOutCount[s]++;
            }
        }
        this.realIn = allocate(realInCount, false);
        this.realOut = allocate(realOutCount, false);
        this.virtualIn = allocate(virtInCount, true);
        this.virtualOut = allocate(virtOutCount, true);
        int[] ri = realIn.start.clone();
        int[] ro = realOut.start.clone();
        int[] vi = virtualIn.start.clone();
        int[] vo = virtualOut.start.clone();
        double[] inverse = new double[Math.max(2, cutoff + 1)];
        for (int d = 1; d < inverse.length; d++) {
            inverse[d] = 1.0 / d;
        }
        for (Edge e : edges) {
            int s = e.source();
            int t = e.target();
            int d = e.distance();
            if (d == 1) {
                realIn.node[ri[t]++] = s;
                realOut.node[ro[s]++] = t;
            }
            if (virtual && d <= cutoff) {
                double w = inverse[d];
                int k = vi[t]++;
                virtualIn.node[k] = s;
                virtualIn.weight[k] = w;
                k = vo[s]++;
                virtualOut.node[k] = t;
                virtualOut.weight[k] = w;
            }
        }
    }

    private static Adjacency allocate(int[] counts, boolean weighted) {
        for (int i = 1; i < counts.length; i++) {
            counts[i] += counts[i - 1];
        }
        int m = counts[counts.length - 1];
        return new Adjacency(counts, new int[m], weighted ? new double[m] : null);
    }

    /** Number of (real, virtual) incoming entries in total, for benchmarks. */
    int virtualEdgeCount() {
        return virtualIn.node.length;
    }
}
