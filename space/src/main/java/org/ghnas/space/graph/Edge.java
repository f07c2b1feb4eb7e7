package org.ghnas.space.graph;

/**
 * A directed edge of a computational graph: a real data-flow edge ({@code distance == 1}) or a virtual edge
 * joining two nodes whose shortest directed path has {@code distance} hops (2..cutoff).
 *
 * @param source   index of the source node
 * @param target   index of the target node (always after the source in topological order)
 * @param distance shortest directed path length
 */
public record Edge(int source, int target, int distance) {
    public Edge {
        if (source < 0 || target <= source) {
            throw new IllegalArgumentException("Invalid edge " + source + " -> " + target
                    + ": nodes must be in topological order");
        }
        if (distance < 1) {
            throw new IllegalArgumentException("Invalid edge distance: " + distance);
        }
    }

    public boolean isVirtual() {
        return distance > 1;
    }
}
