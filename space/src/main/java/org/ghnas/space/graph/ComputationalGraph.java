package org.ghnas.space.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedAcyclicGraph;

/**
 * The computational graph of an architecture as the GHN sees it: typed nodes with parameter shapes in one
 * topological order (input first, classifier weight and bias last), real data-flow edges, and virtual edges
 * joining every pair of nodes whose shortest directed path is at most {@link #VIRTUAL_EDGE_CUTOFF} hops.
 *
 * <pre>{@code
 * ComputationalGraph g = NetworkPlan.of(spec, InputShape.CIFAR10).graph();
 * g.nodeCount();             // 126 for the CIFAR ResNet-50
 * g.edges();                 // real and virtual edges, by source then target
 * }</pre>
 *
 * @implNote Immutable and thread-safe. Built with {@link Builder}, which checks connectivity the way the
 * reference's graph builder does.
 */
public final class ComputationalGraph {

    /** Virtual edges join nodes at most this many hops apart (GHN-2's {@code -v 50}). */
    public static final int VIRTUAL_EDGE_CUTOFF = 50;

    private final List<GraphNode> nodes;
    private final int[][] successors;
    private final int[][] predecessors;
    private final List<Edge> edges;
    private final int realEdgeCount;
    private final Graph<GraphNode, DefaultEdge> view;

    private ComputationalGraph(List<GraphNode> nodes, int[][] successors, int[][] predecessors, int cutoff) {
        this.nodes = List.copyOf(nodes);
        this.successors = successors;
        this.predecessors = predecessors;
        this.edges = Collections.unmodifiableList(shortestPathEdges(successors, cutoff));
        int real = 0;
        for (int[] s : successors) {
            real += s.length;
        }
        this.realEdgeCount = real;
        DirectedAcyclicGraph<GraphNode, DefaultEdge> dag = new DirectedAcyclicGraph<>(DefaultEdge.class);
        nodes.forEach(dag::addVertex);
        for (int u = 0; u < successors.length; u++) {
            for (int v : successors[u]) {
                dag.addEdge(nodes.get(u), nodes.get(v));
            }
        }
        this.view = new AsUnmodifiableGraph<>(dag);
    }

    /** Nodes in topological order; {@code nodes().get(i).index() == i}. */
    public List<GraphNode> nodes() {
        return nodes;
    }

    public GraphNode node(int index) {
        return nodes.get(index);
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** Number of real (data-flow) edges. */
    public int realEdgeCount() {
        return realEdgeCount;
    }

    /** Real and virtual edges ({@code distance <= VIRTUAL_EDGE_CUTOFF}), sorted by source then target. */
    public List<Edge> edges() {
        return edges;
    }

    /** Indices of the nodes with a real edge into {@code index}, ascending. */
    public int[] predecessors(int index) {
        return predecessors[index].clone();
    }

    /** Indices of the nodes with a real edge from {@code index}, ascending. */
    public int[] successors(int index) {
        return successors[index].clone();
    }

    /** Total learnable scalars over all parameter nodes. */
    public long parameterCount() {
        long n = 0;
        for (GraphNode node : nodes) {
            n += node.parameterCount();
        }
        return n;
    }

    /** The real-edge DAG as an unmodifiable JGraphT graph. */
    public Graph<GraphNode, DefaultEdge> asGraph() {
        return view;
    }

    /** Graphviz DOT text of the real edges, nodes labelled with type and shape. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph G {\n  node [shape=box, fontsize=10];\n");
        for (GraphNode n : nodes) {
            sb.append("  n").append(n.index()).append(" [label=\"").append(n.type().label());
            if (!n.shape().isEmpty()) {
                sb.append("\\n").append(n.shape());
            }
            sb.append("\\n").append(n.name().replace("\"", "'")).append("\"];\n");
        }
        for (int u = 0; u < successors.length; u++) {
            for (int v : successors[u]) {
                sb.append("  n").append(u).append(" -> n").append(v).append(";\n");
            }
        }
        return sb.append("}\n").toString();
    }

    private static List<Edge> shortestPathEdges(int[][] successors, int cutoff) {
        int n = successors.length;
        List<Edge> result = new ArrayList<>();
        int[] dist = new int[n];
        int[] queue = new int[n];
        for (int s = 0; s < n; s++) {
            Arrays.fill(dist, -1);
            dist[s] = 0;
            int head = 0;
            int tail = 0;
            queue[tail++] = s;
            while (head < tail) {
                int u = queue[head++];
                if (dist[u] == cutoff) {
                    continue;
                }
                for (int v : successors[u]) {
                    if (dist[v] < 0) {
                        dist[v] = dist[u] + 1;
                        queue[tail++] = v;
                    }
                }
            }
            for (int t = s + 1; t < n; t++) {
                if (dist[t] > 0) {
                    result.add(new Edge(s, t, dist[t]));
                }
            }
        }
        return result;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects nodes in topological order and real edges, then checks the graph the way the reference does:
     * node 0 is the input, every node is reachable from it (position encodings excepted), every node reaches the
     * last node, and the last two nodes are the classifier weight and bias.
     */
    public static final class Builder {
        private final List<GraphNode> nodes = new ArrayList<>();
        private final List<int[]> edges = new ArrayList<>();
        private int cutoff = VIRTUAL_EDGE_CUTOFF;

        private Builder() {
        }

        /** Appends a node and returns its index. */
        public int addNode(NodeType type, String name, List<Integer> shape, int cell) {
            int index = nodes.size();
            nodes.add(new GraphNode(index, type, name, shape, cell));
            return index;
        }

        /** Adds a real edge; the source must come first in topological order. Duplicates are ignored. */
        public Builder addEdge(int source, int target) {
            if (source < 0 || target >= nodes.size() || source >= target) {
                throw new IllegalArgumentException("Invalid edge " + source + " -> " + target + " among "
                        + nodes.size() + " nodes: edges must follow topological order");
            }
            edges.add(new int[] {source, target});
            return this;
        }

        /** Virtual-edge cutoff (default 50; 1 disables virtual edges). */
        public Builder virtualEdgeCutoff(int cutoff) {
            if (cutoff < 1) {
                throw new IllegalArgumentException("Invalid virtual edge cutoff: " + cutoff);
            }
            this.cutoff = cutoff;
            return this;
        }

        public int nodeCount() {
            return nodes.size();
        }

        /**
         * @throws IllegalStateException if the graph breaks one of the reference's structural checks
         */
        public ComputationalGraph build() {
            int n = nodes.size();
            if (n < 3) {
                throw new IllegalStateException("A computational graph needs an input and a classifier, got " + n + " nodes");
            }
            if (nodes.get(0).type() != NodeType.INPUT) {
                throw new IllegalStateException("Node 0 must be the input, got " + nodes.get(0).type());
            }
            if (nodes.get(n - 1).type() != NodeType.BIAS || nodes.get(n - 2).type() != NodeType.CONV) {
                throw new IllegalStateException("The last two nodes must be the classifier weight and bias, got "
                        + nodes.get(n - 2).type() + ", " + nodes.get(n - 1).type());
            }
            List<List<Integer>> succ = new ArrayList<>();
            List<List<Integer>> pred = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                succ.add(new ArrayList<>());
                pred.add(new ArrayList<>());
            }
            for (int[] e : edges) {
                if (!succ.get(e[0]).contains(e[1])) {
                    succ.get(e[0]).add(e[1]);
                    pred.get(e[1]).add(e[0]);
                }
            }
            int[][] s = toArrays(succ);
            int[][] p = toArrays(pred);
            boolean[] fromInput = reach(s, 0);
            boolean[] toOutput = reach(p, n - 1);
            for (int i = 0; i < n; i++) {
                GraphNode node = nodes.get(i);
                if (!toOutput[i]) {
                    throw new IllegalStateException("Node " + i + " (" + node.name() + ") does not reach the output");
                }
                if (!fromInput[i] && node.type() != NodeType.POS_ENC) {
                    throw new IllegalStateException("Node " + i + " (" + node.name() + ") is not reachable from the input");
                }
            }
            return new ComputationalGraph(nodes, s, p, cutoff);
        }

        private static int[][] toArrays(List<List<Integer>> lists) {
            int[][] out = new int[lists.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = lists.get(i).stream().mapToInt(Integer::intValue).sorted().toArray();
            }
            return out;
        }

        private static boolean[] reach(int[][] adjacency, int start) {
            boolean[] seen = new boolean[adjacency.length];
            ArrayDeque<Integer> stack = new ArrayDeque<>();
            stack.push(start);
            seen[start] = true;
            while (!stack.isEmpty()) {
                int u = stack.pop();
                for (int v : adjacency[u]) {
                    if (!seen[v]) {
                        seen[v] = true;
                        stack.push(v);
                    }
                }
            }
            return seen;
        }
    }

    @Override
    public String toString() {
        return "ComputationalGraph[nodes=" + nodes.size() + ", realEdges=" + realEdgeCount + ", edges=" + edges.size() + "]";
    }
}
