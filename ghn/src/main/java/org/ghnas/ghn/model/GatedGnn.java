package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.NodeType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GHN-2's node encoder and gated GNN: initial node embeddings (type embedding plus shape embedding), one forward
 * and one backward sweep with a shared GRU cell, then LayerNorm (facts §3.2-3.3).
 *
 * <p>The sweeps are sequential (a node reads neighbours already updated in the same sweep), which a tensor graph
 * can only express node by node at 50-260 µs per op; they therefore run here in plain Java double arithmetic
 * with a hand-written reverse pass, and only the boundary speaks ND4J: node states leave as a float32
 * {@code INDArray [N, hidden]} and their gradient comes back in the same form.
 *
 * <pre>{@code
 * GatedGnn gnn = new GatedGnn(GhnConfig.ghn2(), new SplittableRandom(7));
 * GatedGnn.Cache c = gnn.forward(graph);
 * INDArray states = c.states();                 // [N, 32], input of the parameter decoder
 * gnn.backward(c, dStates);                     // adds into every parameter's grad
 * float[] e = gnn.embed(graph);                 // graph embedding without a cache (search hot path)
 * }</pre>
 *
 * <p>Initialisation follows PyTorch's defaults, drawn from {@code init} in {@link #parameters()} order:
 * embedding tables N(0, 1); every Linear weight and bias U(-1/&radic;in, 1/&radic;in); every GRU tensor
 * U(-1/&radic;hidden, 1/&radic;hidden); LayerNorm weight 1, bias 0.
 *
 * @implNote {@link #forward} and {@link #embed} copy the parameters once at their start and then work on private
 * arrays, so they may run concurrently (e.g. one graph of a meta-batch per core) as long as no one updates the
 * parameters meanwhile. {@link #backward} computes privately and adds into the shared gradient arrays under a
 * lock, so it may run concurrently with itself too.
 */
public final class GatedGnn {

    private final GhnConfig config;
    private final ShapeEncoder shapes;
    private final List<Parameter> parameters;

    /**
     * Creates the GNN with freshly initialised parameters.
     *
     * @param config sizes and variant
     * @param init   source of the initial values; same seed, same parameters
     */
    public GatedGnn(GhnConfig config, RandomGenerator init) {
        this.config = requireNonNull(config, "config");
        requireNonNull(init, "init");
        this.shapes = ShapeEncoder.of(config);
        int h = config.hidden();
        int m = config.messageHidden();
        int q = h / 4;
        List<Parameter> ps = new ArrayList<>();
        ps.add(gaussian("embed.weight", init, NodeType.values().length, h));
        ps.add(gaussian("shape_enc.embed_channel.weight", init, shapes.channelRows(), q));
        ps.add(gaussian("shape_enc.embed_spatial.weight", init, shapes.spatialRows(), q));
        addMlp(ps, "gnn.mlp.fc.", init, h, m);
        if (config.virtualEdges()) {
            addMlp(ps, "gnn.mlp_ve.fc.", init, h, m);
        }
        double bound = 1 / Math.sqrt(h);
        ps.add(uniform("gnn.gru.weight_ih", init, bound, 3 * h, h));
        ps.add(uniform("gnn.gru.weight_hh", init, bound, 3 * h, h));
        ps.add(uniform("gnn.gru.bias_ih", init, bound, 3 * h));
        ps.add(uniform("gnn.gru.bias_hh", init, bound, 3 * h));
        if (config.layerNorm()) {
            float[] ones = new float[h];
            Arrays.fill(ones, 1f);
            ps.add(parameter("ln.weight", ones, h));
            ps.add(parameter("ln.bias", new float[h], h));
        }
        this.parameters = List.copyOf(ps);
        if (parameters.size() != GnnWeights.slotCount(config)) {
            throw new IllegalStateException("parameter layout out of sync with GnnWeights");
        }
    }

    /** The configuration this GNN was built with. */
    public GhnConfig config() {
        return config;
    }

    /** The shape vocabularies behind the shape embedding. */
    public ShapeEncoder shapes() {
        return shapes;
    }

    /**
     * All learnable tensors in a fixed order, named as in the reference's state dict: {@code embed.weight},
     * {@code shape_enc.embed_channel.weight}, {@code shape_enc.embed_spatial.weight}, {@code gnn.mlp.fc.{0,2}.
     * {weight,bias}}, {@code gnn.mlp_ve.fc.{0,2}.{weight,bias}} (virtual edges only), {@code gnn.gru.weight_ih},
     * {@code weight_hh}, {@code bias_ih}, {@code bias_hh}, {@code ln.weight}, {@code ln.bias} (LayerNorm only).
     */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Number of learnable scalars. */
    public long parameterCount() {
        return parameters.stream().mapToLong(Parameter::length).sum();
    }

    /**
     * Runs the GNN on one graph and keeps everything its reverse pass needs. Virtual edges are the pairs of
     * {@code graph.edges()} with distance up to the configured cutoff (the graph builder itself stops at its own
     * cutoff, 50 by default).
     *
     * @throws NullPointerException if {@code graph} is null
     */
    public Cache forward(ComputationalGraph graph) {
        requireNonNull(graph, "graph");
        GraphTopology topology = new GraphTopology(graph, shapes, config.virtualEdgeCutoff());
        return new Cache(this, new GnnPass(snapshot(), topology, true));
    }

    /**
     * Adds the gradient of a loss w.r.t. every parameter into its {@link Parameter#grad()}, given the gradient of
     * that loss w.r.t. the node states of {@code cache}.
     *
     * @param cache   the result of {@link #forward} on this GNN
     * @param dStates gradient w.r.t. {@link Cache#states()}, shape [N, hidden]
     * @throws IllegalArgumentException if the cache comes from another GNN or the shape is wrong
     */
    public void backward(Cache cache, INDArray dStates) {
        requireNonNull(cache, "cache");
        requireNonNull(dStates, "dStates");
        if (cache.owner != this) {
            throw new IllegalArgumentException("cache must come from forward() of this GatedGnn, but came from another.");
        }
        int n = cache.nodeCount();
        int h = config.hidden();
        long[] shape = dStates.shape();
        if (shape.length != 2 || shape[0] != n || shape[1] != h) {
            throw new IllegalArgumentException("dStates must have shape [" + n + ", " + h + "], but was "
                    + Arrays.toString(shape) + ".");
        }
        float[] flat = dStates.castTo(DataType.FLOAT).dup('c').data().asFloat();
        double[][] d = new double[n][h];
        for (int v = 0; v < n; v++) {
            for (int j = 0; j < h; j++) {
                d[v][j] = flat[v * h + j];
            }
        }
        backward(cache, d);
    }

    /** Package-private double-precision entry of the reverse pass (used by gradient checks). */
    void backward(Cache cache, double[][] dStates) {
        backward(cache, dStates, Parameter::grad);
    }

    /** The double-precision reverse pass adding into {@code gradOf.apply(p)} instead of {@code p.grad()}. */
    void backward(Cache cache, double[][] dStates, Function<Parameter, INDArray> gradOf) {
        long[][] shapes = new long[parameters.size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = parameters.get(i).value().shape();
        }
        GnnGradients g = new GnnGradients(config, shapes);
        cache.pass.backward(dStates, g);
        synchronized (parameters) {
            for (int i = 0; i < shapes.length; i++) {
                INDArray grad = gradOf.apply(parameters.get(i));
                grad.addi(Nd4j.createFromArray(g.flat(i)).reshape('c', grad.shape()));
            }
        }
    }

    /**
     * The graph embedding used for property prediction: the mean of the final node states over all nodes. Same
     * value as {@code forward(graph).embedding()} but without keeping a cache or touching ND4J beyond reading the
     * weights.
     *
     * @throws NullPointerException if {@code graph} is null
     */
    public float[] embed(ComputationalGraph graph) {
        requireNonNull(graph, "graph");
        GraphTopology topology = new GraphTopology(graph, shapes, config.virtualEdgeCutoff());
        return toFloat(new GnnPass(snapshot(), topology, false).meanState());
    }

    /**
     * A graph-embedding function over a snapshot of the current parameters, for embedding many graphs with fixed
     * weights (the search's hot path): it skips the per-call parameter read of {@link #embed} and gives the same
     * values as {@code embed} as long as the parameters are unchanged. Later parameter updates do not reach it.
     *
     * @implNote The returned function is immutable and thread-safe.
     */
    public Function<ComputationalGraph, float[]> embedder() {
        GnnWeights frozen = snapshot();
        return graph -> {
            requireNonNull(graph, "graph");
            GraphTopology topology = new GraphTopology(graph, shapes, config.virtualEdgeCutoff());
            return toFloat(new GnnPass(frozen, topology, false).meanState());
        };
    }

    /** Reads the current parameter values into double arrays. */
    GnnWeights snapshot() {
        double[][] slots = new double[parameters.size()][];
        for (int i = 0; i < slots.length; i++) {
            INDArray v = parameters.get(i).value();
            if (v.isView() || v.ordering() != 'c' || v.data().length() != v.length()) {
                v = v.dup('c');
            }
            float[] f = v.data().asFloat();
            double[] d = new double[f.length];
            for (int k = 0; k < f.length; k++) {
                d[k] = f[k];
            }
            slots[i] = d;
        }
        return new GnnWeights(config, slots);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void addMlp(List<Parameter> ps, String prefix, RandomGenerator init, int h, int m) {
        double b1 = 1 / Math.sqrt(h);
        double b2 = 1 / Math.sqrt(m);
        ps.add(uniform(prefix + "0.weight", init, b1, m, h));
        ps.add(uniform(prefix + "0.bias", init, b1, m));
        ps.add(uniform(prefix + "2.weight", init, b2, h, m));
        ps.add(uniform(prefix + "2.bias", init, b2, h));
    }

    private static Parameter gaussian(String name, RandomGenerator init, long... shape) {
        float[] f = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) init.nextGaussian();
        }
        return parameter(name, f, shape);
    }

    private static Parameter uniform(String name, RandomGenerator init, double bound, long... shape) {
        float[] f = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) ((2 * init.nextDouble() - 1) * bound);
        }
        return parameter(name, f, shape);
    }

    private static Parameter parameter(String name, float[] values, long... shape) {
        INDArray value = Nd4j.createFromArray(values).reshape('c', shape);
        INDArray grad = Nd4j.zeros(value.dataType(), shape);
        return new Parameter(name, value, grad);
    }

    /**
     * The result of {@link GatedGnn#forward}: final node states, graph embedding, and the intermediate values the
     * reverse pass needs.
     *
     * @implNote Immutable after construction; holds plain Java arrays plus one ND4J array for the states.
     */
    public static final class Cache {
        private final GatedGnn owner;
        private final GnnPass pass;
        private final INDArray states;
        private final float[] embedding;

        private Cache(GatedGnn owner, GnnPass pass) {
            this.owner = owner;
            this.pass = pass;
            int h = owner.config.hidden();
            int n = pass.nodeCount();
            float[] flat = new float[n * h];
            for (int v = 0; v < n; v++) {
                for (int j = 0; j < h; j++) {
                    flat[v * h + j] = (float) pass.out[v][j];
                }
            }
            this.states = Nd4j.createFromArray(flat).reshape('c', n, h);
            this.embedding = toFloat(pass.meanState());
        }

        /** Final node states (after LayerNorm if on), float32 [N, hidden], in node order. */
        public INDArray states() {
            return states;
        }

        /** Mean of the final node states over all nodes. */
        public float[] embedding() {
            return embedding.clone();
        }

        /** Number of nodes of the graph. */
        public int nodeCount() {
            return pass.nodeCount();
        }

        /** Final node states in double precision (for gradient checks). */
        double[][] stateValues() {
            return pass.out;
        }
    }
}
