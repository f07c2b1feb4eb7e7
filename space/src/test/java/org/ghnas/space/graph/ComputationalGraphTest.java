package org.ghnas.space.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.ResNet50;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.junit.jupiter.api.Test;

class ComputationalGraphTest {

    /** A one-cell net whose normal cell holds a single op on input 1 (the other slot is 'none'). */
    static NetworkSpec oneOp(String op) {
        Genotype g = new Genotype(List.of(CellOp.of("none", 0), CellOp.of(op, 1)), List.of(2),
                List.of(CellOp.of("none", 0), CellOp.of(op, 1)), List.of(2));
        return NetworkSpec.builder(g).channels(16).cells(1).channelMultiplier(1).build();
    }

    /** Node types between the first cell's preprocess1 BN and the classifier's global pooling. */
    static List<NodeType> opTemplate(String op) {
        ComputationalGraph g = NetworkPlan.of(oneOp(op), InputShape.CIFAR10).graph();
        List<GraphNode> nodes = g.nodes();
        int start = 0;
        for (GraphNode n : nodes) {
            if (n.name().startsWith("cells.0.preprocess1") && n.type() == NodeType.BN) {
                start = n.index() + 1;
            }
        }
        int end = nodes.size() - 3; // glob_avg, classifier weight, classifier bias
        return nodes.subList(start, end).stream().map(GraphNode::type).collect(Collectors.toList());
    }

    @Test
    void opsEmitTheReferenceNodeTemplates() {
        assertThat(opTemplate("sep_conv_3x3")).containsExactly(NodeType.SEP_CONV, NodeType.CONV, NodeType.BN,
                NodeType.SEP_CONV, NodeType.CONV, NodeType.BN);
        assertThat(opTemplate("dil_conv_5x5")).containsExactly(NodeType.DIL_CONV, NodeType.CONV, NodeType.BN);
        assertThat(opTemplate("conv_7x1_1x7")).containsExactly(NodeType.CONV, NodeType.CONV, NodeType.BN);
        assertThat(opTemplate("max_pool_3x3")).containsExactly(NodeType.MAX_POOL);
        assertThat(opTemplate("skip_connect")).isEmpty();
        assertThat(opTemplate("msa")).containsExactly(NodeType.LN, NodeType.CONV, NodeType.MSA, NodeType.CONV,
                NodeType.BIAS, NodeType.SUM, NodeType.LN, NodeType.CONV, NodeType.BIAS, NodeType.CONV, NodeType.BIAS,
                NodeType.SUM);
        assertThat(opTemplate("cse")).containsExactly(NodeType.CONV, NodeType.BIAS, NodeType.CONV, NodeType.BIAS,
                NodeType.CSE);
    }

    @Test
    void squeezeExcitationNodeIsFedByItsInputAndItsGate() {
        ComputationalGraph g = NetworkPlan.of(oneOp("cse"), InputShape.CIFAR10).graph();
        GraphNode cse = g.nodes().stream().filter(n -> n.type() == NodeType.CSE).findFirst().orElseThrow();
        List<NodeType> preds = java.util.Arrays.stream(g.predecessors(cse.index())).mapToObj(i -> g.node(i).type()).toList();
        assertThat(preds).containsExactlyInAnyOrder(NodeType.BN, NodeType.BIAS);
    }

    @Test
    void inputFirstClassifierLastAndEdgesFollowTheOrder() {
        ComputationalGraph g = NetworkPlan.of(new ResNet50(), InputShape.CIFAR10).graph();
        assertThat(g.node(0).type()).isEqualTo(NodeType.INPUT);
        assertThat(g.node(g.nodeCount() - 2).type()).isEqualTo(NodeType.CONV);
        assertThat(g.node(g.nodeCount() - 2).shape()).containsExactly(10, 2048);
        assertThat(g.node(g.nodeCount() - 1).type()).isEqualTo(NodeType.BIAS);
        assertThat(g.edges()).allSatisfy(e -> {
            assertThat(e.source()).isLessThan(e.target());
            assertThat(e.distance()).isBetween(1, ComputationalGraph.VIRTUAL_EDGE_CUTOFF);
        });
        assertThat(g.edges().stream().filter(e -> !e.isVirtual()).count()).isEqualTo(g.realEdgeCount());
        long counted = g.nodes().stream().filter(n -> n.type() == NodeType.CONV).count();
        assertThat(counted).isEqualTo(54); // 53 convs + fc
        assertThat(g.nodes().stream().filter(n -> n.type() == NodeType.BN).count()).isEqualTo(53);
        assertThat(g.nodes().stream().filter(n -> n.type() == NodeType.SUM).count()).isEqualTo(16);
        assertThat(g.asGraph().vertexSet()).hasSize(126);
    }

    @Test
    void virtualEdgesAreShortestDirectedPathsUpToTheCutoff() {
        ComputationalGraph.Builder b = ComputationalGraph.builder().virtualEdgeCutoff(3);
        int in = b.addNode(NodeType.INPUT, "input", List.of(), 0);
        int a = b.addNode(NodeType.CONV, "a", List.of(4, 1, 3, 3), 0);
        int c = b.addNode(NodeType.BN, "b", List.of(4), 0);
        int s = b.addNode(NodeType.SUM, "s", List.of(), 0);
        int g = b.addNode(NodeType.GLOB_AVG, "g", List.of(), 0);
        int w = b.addNode(NodeType.CONV, "fc", List.of(10, 4), 0);
        int bias = b.addNode(NodeType.BIAS, "fc.bias", List.of(10), 0);
        b.addEdge(in, a).addEdge(a, c).addEdge(c, s).addEdge(a, s).addEdge(s, g).addEdge(g, w).addEdge(w, bias);
        ComputationalGraph graph = b.build();
        assertThat(graph.edges()).contains(new Edge(in, s, 2), new Edge(a, s, 1), new Edge(in, g, 3))
                .doesNotContain(new Edge(in, w, 4));
    }

    @Test
    void unreachableNodesAreRejected() {
        ComputationalGraph.Builder b = ComputationalGraph.builder();
        int in = b.addNode(NodeType.INPUT, "input", List.of(), 0);
        int orphan = b.addNode(NodeType.CONV, "orphan", List.of(4, 1, 1, 1), 0);
        int w = b.addNode(NodeType.CONV, "fc", List.of(10, 1), 0);
        int bias = b.addNode(NodeType.BIAS, "fc.bias", List.of(10), 0);
        b.addEdge(in, w).addEdge(w, bias).addEdge(orphan, w);
        assertThatThrownBy(b::build).hasMessageContaining("orphan").hasMessageContaining("not reachable");
    }

    @Test
    void dotOutputNamesEveryNode() {
        ComputationalGraph g = NetworkPlan.of(oneOp("conv_3x3"), InputShape.CIFAR10).graph();
        String dot = g.toDot();
        assertThat(dot).startsWith("digraph").contains("n0 [label=\"input").contains("-> n" + (g.nodeCount() - 1));
    }
}
