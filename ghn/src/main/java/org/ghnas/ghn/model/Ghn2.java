package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.runtime.NetworkParameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GHN-2 as one trainable model: the gated GNN turns a network's computational graph into node states, the
 * parameter decoder turns those into every tensor of the network, and the reverse pass takes the network's
 * parameter gradients (one per {@link ParameterSpec}, as {@code RunnableNetwork.backward} returns them) back through
 * the decoder into the GNN. This is the glue that lets the image loss of a predicted network train the GHN.
 *
 * <pre>{@code
 * Ghn2 ghn = new Ghn2(GhnConfig.ghn2(), 7);
 * Ghn2.Prediction p = ghn.forward(plan);                 // plan = NetworkPlan.of(spec, InputShape.FASHION_MNIST)
 * RunnableNetwork.Pass pass = net.forward(p.parameters(), images, true, rng);
 * ghn.backward(p, net.backward(pass, dLogits));            // adds into every Parameter.grad()
 * }</pre>
 *
 * <p>Initial values: GNN first, then decoder, both drawn from one {@code L64X128MixRandom} stream of the seed.
 *
 * @implNote Forward passes may run concurrently; backward passes only into different {@link Gradients} (those into
 * the parameters' own accumulators add into shared arrays). Nothing may run while parameters change.
 */
public final class Ghn2 {

    /** Random algorithm of the initialisation stream; fixed so that a seed means the same weights everywhere. */
    public static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private final GhnConfig config;
    private final GatedGnn gnn;
    private final ParameterDecoder decoder;
    private final List<Parameter> parameters;
    /** Position of each parameter (by its unique name) in {@link #parameters}, for {@link Gradients}. */
    private final Map<String, Integer> index;

    /** A GHN-2 with float32 decoders and fresh initial values drawn from {@code seed}. */
    public Ghn2(GhnConfig config, long seed) {
        this(config, RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed), DataType.FLOAT);
    }

    /**
     * A GHN-2 whose decoders (and predicted tensors) compute in {@code dtype}; DOUBLE serves gradient checks. The
     * GNN computes in double internally and stores float32 weights either way.
     */
    Ghn2(GhnConfig config, RandomGenerator init, DataType dtype) {
        this.config = requireNonNull(config, "config");
        this.gnn = new GatedGnn(config, init);
        this.decoder = new ParameterDecoder(config, init, dtype);
        List<Parameter> ps = new ArrayList<>(gnn.parameters());
        ps.addAll(decoder.parameters());
        this.parameters = List.copyOf(ps);
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            idx.put(ps.get(i).name(), i);
        }
        this.index = Map.copyOf(idx);
    }

    /** Sizes and variant. */
    public GhnConfig config() {
        return config;
    }

    /** The GNN half (also the graph embedder). */
    public GatedGnn gnn() {
        return gnn;
    }

    /** Every learnable tensor: the GNN's in its order, then the decoders'; names are unique. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Number of learnable scalars. */
    public long parameterCount() {
        return parameters.stream().mapToLong(Parameter::length).sum();
    }

    /** Sets every gradient accumulator to zero. */
    public void zeroGrad() {
        for (Parameter p : parameters) {
            p.grad().assign(0);
        }
    }

    /**
     * Predicts every parameter tensor of a planned network and keeps what {@link #backward} needs.
     *
     * @throws IllegalArgumentException if the decoders cannot produce one of the plan's tensors
     */
    public Prediction forward(NetworkPlan plan) {
        requireNonNull(plan, "plan");
        ComputationalGraph graph = plan.graph();
        GatedGnn.Cache gnnCache = gnn.forward(graph);
        INDArray states = Buffers.create(flatten(gnnCache.stateValues()), decoder.dtype(), graph.nodeCount(),
                config.hidden());
        ParameterDecoder.Cache decoded = decoder.forward(graph, states);
        NetworkParameters params = NetworkParameters.fromGraphNodes(plan, decoded::tensors);
        return new Prediction(this, plan, gnnCache, decoded, params);
    }

    /**
     * Adds the gradient of a loss into every parameter's {@link Parameter#grad()}, given that loss's gradients with
     * respect to the predicted tensors.
     *
     * @param prediction  a forward pass of this GHN
     * @param planGrads   one gradient per {@link ParameterSpec} of the prediction's plan, in plan order (null
     *                    entries count as zero)
     * @throws IllegalArgumentException if the prediction comes from another GHN or the count is wrong
     */
    public void backward(Prediction prediction, INDArray[] planGrads) {
        backward(prediction, planGrads, Parameter::grad);
    }

    /**
     * {@link #backward(Prediction, INDArray[])} into {@code into} instead of the parameters' own accumulators.
     * Passes into different {@link Gradients} may run concurrently; {@link #addGradients} then adds them up in an
     * order of the caller's choosing, which keeps a sum of several passes independent of how they were scheduled.
     *
     * @throws IllegalArgumentException if the prediction or the gradients come from another GHN, or the count is wrong
     */
    public void backward(Prediction prediction, INDArray[] planGrads, Gradients into) {
        requireNonNull(into, "into");
        if (into.owner != this) {
            throw new IllegalArgumentException("into must come from newGradients() of this Ghn2, but came from another.");
        }
        backward(prediction, planGrads, p -> into.arrays[index.get(p.name())]);
    }

    /** Fresh zero accumulators shaped like {@link #parameters()}, outside any ND4J workspace. */
    public Gradients newGradients() {
        return new Gradients(this);
    }

    /**
     * Adds {@code g} into every parameter's {@link Parameter#grad()}.
     *
     * @throws IllegalArgumentException if {@code g} comes from another GHN
     */
    public void addGradients(Gradients g) {
        requireNonNull(g, "g");
        if (g.owner != this) {
            throw new IllegalArgumentException("g must come from newGradients() of this Ghn2, but came from another.");
        }
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).grad().addi(g.arrays[i]);
        }
    }

    private void backward(Prediction prediction, INDArray[] planGrads, Function<Parameter, INDArray> gradOf) {
        requireNonNull(prediction, "prediction");
        requireNonNull(planGrads, "planGrads");
        if (prediction.owner != this) {
            throw new IllegalArgumentException("prediction must come from forward() of this Ghn2, but came from another.");
        }
        List<ParameterSpec> specs = prediction.plan.parameters();
        if (planGrads.length != specs.size()) {
            throw new IllegalArgumentException("planGrads must have one entry per plan parameter (" + specs.size()
                    + "), but had " + planGrads.length + ".");
        }
        int n = prediction.plan.graph().nodeCount();
        INDArray[][] byNode = new INDArray[n][];
        for (ParameterSpec p : specs) {
            if (byNode[p.graphNode()] == null) {
                byNode[p.graphNode()] = new INDArray[2];
            }
            INDArray g = planGrads[p.index()];
            byNode[p.graphNode()][p.slot()] = g == null || g.dataType() == decoder.dtype() ? g : g.castTo(decoder.dtype());
        }
        INDArray dStates = decoder.backward(prediction.decoded, i -> byNode[i], gradOf);
        double[] flat = Buffers.read(Buffers.denseRowMajor(dStates));
        int h = config.hidden();
        double[][] d = new double[n][h];
        for (int v = 0; v < n; v++) {
            System.arraycopy(flat, v * h, d[v], 0, h);
        }
        gnn.backward(prediction.gnnCache, d, gradOf);
    }

    /** The graph embedding (mean final node state) of a graph, without keeping caches. */
    public float[] embed(ComputationalGraph graph) {
        return gnn.embed(graph);
    }

    private static double[] flatten(double[][] rows) {
        int h = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * h];
        for (int v = 0; v < rows.length; v++) {
            System.arraycopy(rows[v], 0, flat, v * h, h);
        }
        return flat;
    }

    /**
     * Gradient accumulators of one GHN, one array per parameter in {@link #parameters()} order: lets backward passes
     * of different networks run at the same time without sharing an accumulator.
     */
    public static final class Gradients {
        private final Ghn2 owner;
        private final INDArray[] arrays;

        private Gradients(Ghn2 owner) {
            this.owner = owner;
            List<Parameter> ps = owner.parameters;
            this.arrays = new INDArray[ps.size()];
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                for (int i = 0; i < arrays.length; i++) {
                    arrays[i] = Nd4j.zeros(ps.get(i).grad().dataType(), ps.get(i).grad().shape());
                }
            }
        }

        /** Sets every accumulator to zero. */
        public void zero() {
            for (INDArray a : arrays) {
                a.assign(0);
            }
        }
    }

    /**
     * The factor the predicted-parameter normalisation (facts §3.7) multiplies a predicted weight of this shape
     * ([out, in] or [out, in, kh, kw]; not a position encoding) by: {@code sqrt(beta / fan_in)}.
     */
    public static double normalizationScale(List<Integer> shape) {
        return ParameterDecoder.normalizationScale(shape);
    }

    /**
     * One forward pass of {@link Ghn2}: the predicted tensors as {@link NetworkParameters} of the plan, the graph
     * embedding, and the caches of the reverse pass.
     */
    public static final class Prediction {
        private final Ghn2 owner;
        private final NetworkPlan plan;
        private final GatedGnn.Cache gnnCache;
        private final ParameterDecoder.Cache decoded;
        private final NetworkParameters parameters;

        private Prediction(Ghn2 owner, NetworkPlan plan, GatedGnn.Cache gnnCache, ParameterDecoder.Cache decoded,
                           NetworkParameters parameters) {
            this.owner = owner;
            this.plan = plan;
            this.gnnCache = gnnCache;
            this.decoded = decoded;
            this.parameters = parameters;
        }

        /** The planned network. */
        public NetworkPlan plan() {
            return plan;
        }

        /** The predicted tensors, one per plan parameter, ready for {@code RunnableNetwork}. */
        public NetworkParameters parameters() {
            return parameters;
        }

        /** Mean of the final node states. */
        public float[] embedding() {
            return gnnCache.embedding();
        }

        @Override
        public String toString() {
            return "Prediction[" + plan + ", tensors=" + parameters.size() + ", embedding="
                    + Arrays.toString(Arrays.copyOf(gnnCache.embedding(), 3)) + "...]";
        }
    }
}
