package org.ghnas.space.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.SpecException;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.NodeType;

/**
 * Collects layers with shape inference, then prunes what does not reach the output and emits the computational
 * graph from per-layer node templates. Modules whose input is an undefined cell state are still added (on a
 * "ghost" input) so that the declared parameter count matches the reference, which builds every module.
 */
final class PlanBuilder {

    private record Draft(String name, int cell, Op op, int[] inputs, TensorShape output, boolean ghost) {}

    private final List<Draft> drafts = new ArrayList<>();
    private final int lastCell;

    PlanBuilder(int lastCell) {
        this.lastCell = lastCell;
    }

    int lastCell() {
        return lastCell;
    }

    TensorShape shape(int id) {
        return drafts.get(id).output();
    }

    int input(TensorShape shape) {
        return add0("input", 0, new Op.Input(), new int[0], shape, false);
    }

    /** A stand-in for an undefined state, so dead modules can still be declared. */
    int ghost(TensorShape shape) {
        return add0("(undefined state)", 0, new Op.Input(), new int[0], shape, true);
    }

    boolean isGhost(int id) {
        return drafts.get(id).ghost();
    }

    int add(String name, int cell, Op op, int... inputs) {
        TensorShape[] in = new TensorShape[inputs.length];
        boolean ghost = false;
        for (int i = 0; i < inputs.length; i++) {
            in[i] = drafts.get(inputs[i]).output();
            ghost |= drafts.get(inputs[i]).ghost();
        }
        return add0(name, cell, op, inputs, infer(name, op, in), ghost);
    }

    private int add0(String name, int cell, Op op, int[] inputs, TensorShape out, boolean ghost) {
        drafts.add(new Draft(name, cell, op, inputs.clone(), out, ghost));
        return drafts.size() - 1;
    }

    private static TensorShape infer(String name, Op op, TensorShape[] in) {
        TensorShape x = in.length > 0 ? in[0] : null;
        if (op instanceof Op.Input i) {
            throw new IllegalStateException("input has no inputs");
        } else if (op instanceof Op.Conv c) {
            requireMap(name, x);
            requireChannels(name, x, c.in());
            int h = convOut(name, x.height(), c.kh(), c.sh(), c.ph(), c.dilation());
            int w = convOut(name, x.width(), c.kw(), c.sw(), c.pw(), c.dilation());
            return TensorShape.map(c.out(), h, w);
        } else if (op instanceof Op.Linear l) {
            requireChannels(name, x, l.in());
            return x.vector() ? TensorShape.vector(l.out()) : x.withChannels(l.out());
        } else if (op instanceof Op.BatchNorm b) {
            requireMap(name, x);
            requireChannels(name, x, b.channels());
            return x;
        } else if (op instanceof Op.LayerNorm l) {
            requireChannels(name, x, l.channels());
            return x;
        } else if (op instanceof Op.Activation a) {
            return x;
        } else if (op instanceof Op.Dropout d) {
            return x;
        } else if (op instanceof Op.Zeros z) {
            return x;
        } else if (op instanceof Op.MaxPool p) {
            return pool(name, x, p.kernel(), p.stride(), p.padding());
        } else if (op instanceof Op.AvgPool p) {
            return pool(name, x, p.kernel(), p.stride(), p.padding());
        } else if (op instanceof Op.GlobalAvgPool g) {
            requireMap(name, x);
            return TensorShape.vector(x.channels());
        } else if (op instanceof Op.ChannelMean g) {
            requireMap(name, x);
            return TensorShape.vector(x.channels());
        } else if (op instanceof Op.Flatten f) {
            return TensorShape.vector(Math.toIntExact(x.size()));
        } else if (op instanceof Op.Sum s) {
            for (TensorShape t : in) {
                if (!t.equals(x)) {
                    throw new SpecException("genotype", "cannot add " + x + " and " + t + " at " + name);
                }
            }
            return x;
        } else if (op instanceof Op.Concat c) {
            int channels = 0;
            for (TensorShape t : in) {
                requireMap(name, t);
                if (!t.sameSpatial(x)) {
                    throw new SpecException("genotype", "cannot concatenate " + x + " and " + t + " at " + name
                            + " (the input size does not halve evenly here)");
                }
                channels += t.channels();
            }
            return x.withChannels(channels);
        } else if (op instanceof Op.Subsample s) {
            requireMap(name, x);
            return TensorShape.map(x.channels(), ceilDiv(x.height(), s.stride()), ceilDiv(x.width(), s.stride()));
        } else if (op instanceof Op.Shift s) {
            requireMap(name, x);
            if (x.height() < 2 || x.width() < 2) {
                throw new SpecException("genotype", "feature map " + x + " too small to shift at " + name);
            }
            return TensorShape.map(x.channels(), x.height() - 1, x.width() - 1);
        } else if (op instanceof Op.Attention a) {
            requireMap(name, x);
            requireChannels(name, x, 3 * a.heads() * a.dimHead());
            return x.withChannels(a.heads() * a.dimHead());
        } else if (op instanceof Op.ChannelScale s) {
            requireMap(name, x);
            if (!in[1].vector() || in[1].channels() != x.channels()) {
                throw new IllegalStateException("Gate " + in[1] + " does not match " + x + " at " + name);
            }
            return x;
        } else if (op instanceof Op.PositionEncoding p) {
            if (!x.equals(TensorShape.map(p.channels(), p.height(), p.width()))) {
                throw new IllegalStateException("Position encoding " + p + " does not match " + x);
            }
            return x;
        }
        throw new IllegalStateException("Unknown op " + op);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static TensorShape pool(String name, TensorShape x, int k, int s, int p) {
        requireMap(name, x);
        return TensorShape.map(x.channels(), convOut(name, x.height(), k, s, p, 1), convOut(name, x.width(), k, s, p, 1));
    }

    private static int convOut(String name, int size, int k, int s, int p, int d) {
        int out = (size + 2 * p - d * (k - 1) - 1) / s + 1;
        if (out < 1 || size + 2 * p - d * (k - 1) - 1 < 0) {
            throw new SpecException("input", "feature map of size " + size + " is too small for the " + k + "x" + k
                    + " window at " + name);
        }
        return out;
    }

    private static void requireMap(String name, TensorShape x) {
        if (x.vector()) {
            throw new IllegalStateException(name + " needs a feature map, got a vector " + x);
        }
    }

    private static void requireChannels(String name, TensorShape x, int c) {
        if (x.channels() != c) {
            throw new SpecException("genotype", name + " expects " + c + " channels but receives " + x);
        }
    }

    /**
     * Prunes layers that do not reach {@code output}, numbers the rest, and emits the graph.
     *
     * @throws SpecException if the graph breaks the reference's connectivity rules
     */
    long declaredParameterCount() {
        long declared = 0;
        for (Draft d : drafts) {
            declared += d.op().parameterCount();
        }
        return declared;
    }

    NetworkPlan build(Architecture architecture, InputShape input, int output) {
        long declared = declaredParameterCount();
        boolean[] live = new boolean[drafts.size()];
        live[output] = true;
        for (int i = output; i >= 0; i--) {
            if (live[i]) {
                for (int in : drafts.get(i).inputs()) {
                    live[in] = true;
                }
            }
        }
        int[] newId = new int[drafts.size()];
        Arrays.fill(newId, -1);
        List<Layer> layers = new ArrayList<>();
        List<ParameterSpec> params = new ArrayList<>();
        ComputationalGraph.Builder graph = ComputationalGraph.builder();
        int[] node = new int[drafts.size()]; // graph node that stands for each layer's output
        long macs = 0;
        for (int i = 0; i <= output; i++) {
            if (!live[i]) {
                continue;
            }
            Draft d = drafts.get(i);
            int id = layers.size();
            newId[i] = id;
            List<Integer> inputs = new ArrayList<>();
            TensorShape[] inShapes = new TensorShape[d.inputs().length];
            for (int k = 0; k < d.inputs().length; k++) {
                inputs.add(newId[d.inputs()[k]]);
                inShapes[k] = drafts.get(d.inputs()[k]).output();
            }
            macs += d.op().macs(inShapes, d.output());
            // distinct graph nodes feeding this layer, in input order
            int[] from = Arrays.stream(d.inputs()).map(in -> node[in]).distinct().toArray();
            List<Integer> owned = new ArrayList<>();
            int cell = d.cell();
            Op op = d.op();
            if (op instanceof Op.Input) {
                node[i] = graph.addNode(NodeType.INPUT, "input", List.of(), 0);
            } else if (op instanceof Op.Conv c) {
                NodeType t = !c.depthwise() ? NodeType.CONV : c.dilation() > 1 ? NodeType.DIL_CONV : NodeType.SEP_CONV;
                List<Integer> shape = List.of(c.out(), c.in() / c.groups(), c.kh(), c.kw());
                node[i] = graph.addNode(t, d.name() + ".weight", shape, cell);
                edges(graph, from, node[i]);
                owned.add(param(params, d.name() + ".weight", shape, ParameterSpec.Role.WEIGHT, id, node[i], 0));
            } else if (op instanceof Op.Linear l) {
                int w = graph.addNode(NodeType.CONV, d.name() + ".weight", List.of(l.out(), l.in()), cell);
                edges(graph, from, w);
                owned.add(param(params, d.name() + ".weight", List.of(l.out(), l.in()), ParameterSpec.Role.WEIGHT, id, w, 0));
                node[i] = w;
                if (l.bias()) {
                    // The reference's linear fix-up: the bias is its own node, fed only by the weight node.
                    int b = graph.addNode(NodeType.BIAS, d.name() + ".bias", List.of(l.out()), cell);
                    graph.addEdge(w, b);
                    owned.add(param(params, d.name() + ".bias", List.of(l.out()), ParameterSpec.Role.BIAS, id, b, 0));
                    node[i] = b;
                }
            } else if (op instanceof Op.BatchNorm b) {
                node[i] = norm(graph, params, owned, NodeType.BN, d, b.channels(), from, id);
            } else if (op instanceof Op.LayerNorm l) {
                node[i] = norm(graph, params, owned, NodeType.LN, d, l.channels(), from, id);
            } else if (op instanceof Op.MaxPool p) {
                node[i] = op(graph, NodeType.MAX_POOL, d, List.of(1, 1, p.kernel(), p.kernel()), from);
            } else if (op instanceof Op.AvgPool p) {
                node[i] = op(graph, NodeType.AVG_POOL, d, List.of(1, 1, p.kernel(), p.kernel()), from);
            } else if (op instanceof Op.GlobalAvgPool) {
                node[i] = op(graph, NodeType.GLOB_AVG, d, List.of(), from);
            } else if (op instanceof Op.Attention) {
                node[i] = op(graph, NodeType.MSA, d, List.of(), from);
            } else if (op instanceof Op.ChannelScale) {
                node[i] = op(graph, NodeType.CSE, d, List.of(), from);
            } else if (op instanceof Op.Sum) {
                node[i] = from.length > 1 ? op(graph, NodeType.SUM, d, List.of(), from) : from[0];
            } else if (op instanceof Op.Concat) {
                node[i] = from.length > 1 ? op(graph, NodeType.CONCAT, d, List.of(), from) : from[0];
            } else if (op instanceof Op.PositionEncoding p) {
                List<Integer> shape = List.of(1, p.channels(), p.height(), p.width());
                int pe = graph.addNode(NodeType.POS_ENC, d.name() + ".weight", shape, cell);
                owned.add(param(params, d.name() + ".weight", shape, ParameterSpec.Role.POSITION, id, pe, 0));
                int sum = graph.addNode(NodeType.SUM, d.name() + ".add", List.of(), cell);
                edges(graph, from, sum);
                graph.addEdge(pe, sum);
                node[i] = sum;
            } else {
                // Parameter-free reshaping, slicing and activations are not graph nodes (the reference filters them).
                node[i] = from[0];
            }
            layers.add(new Layer(id, d.name(), cell, d.op(), inputs, d.output(), owned));
        }
        ComputationalGraph g;
        try {
            g = graph.build();
        } catch (IllegalStateException e) {
            throw new SpecException("genotype", "the computational graph is invalid: " + e.getMessage());
        }
        return new NetworkPlan(architecture, input, layers, params, g, declared, macs);
    }

    private static void edges(ComputationalGraph.Builder graph, int[] from, int to) {
        for (int f : from) {
            graph.addEdge(f, to);
        }
    }

    private static int op(ComputationalGraph.Builder graph, NodeType type, Draft d, List<Integer> shape, int[] from) {
        int n = graph.addNode(type, d.name(), shape, d.cell());
        edges(graph, from, n);
        return n;
    }

    private static int norm(ComputationalGraph.Builder graph, List<ParameterSpec> params, List<Integer> owned,
                            NodeType type, Draft d, int channels, int[] from, int layer) {
        int n = graph.addNode(type, d.name() + ".weight", List.of(channels), d.cell());
        edges(graph, from, n);
        owned.add(param(params, d.name() + ".weight", List.of(channels), ParameterSpec.Role.SCALE, layer, n, 0));
        owned.add(param(params, d.name() + ".bias", List.of(channels), ParameterSpec.Role.SHIFT, layer, n, 1));
        return n;
    }

    private static int param(List<ParameterSpec> params, String name, List<Integer> shape, ParameterSpec.Role role,
                             int layer, int node, int slot) {
        params.add(new ParameterSpec(params.size(), name, shape, role, layer, node, slot));
        return params.size() - 1;
    }
}
