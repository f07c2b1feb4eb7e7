package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.GraphNode;
import org.ghnas.space.graph.NodeType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GHN-2's parameter decoders: turn the node states of a computational graph into every parameter tensor of the
 * network it describes, and back-propagate gradients of those tensors into the decoders and the node states.
 *
 * <p>Three decoders share one node state width {@code hid} (h) and the map side {@code s} (reference
 * {@code ppuda/ghn/nn.py}, {@code decoder.py}, {@code mlp.py}):
 * <ul>
 *   <li>the conv decoder: Linear(h &rarr; 4h&middot;s&middot;s) + ReLU viewed as a (4h, s, s) map, Conv1x1 4h &rarr; 8h
 *       + ReLU, Conv1x1 8h &rarr; (2h)&sup2; viewed as (2h out, 2h in, s, s). Conv, linear and position-encoding
 *       nodes take the top-left block of this tensor. The classifier weight (node N-2) takes the (2h, 2h) map at
 *       spatial position (0, 0), then ReLU and {@code class_layer_predictor}, a Conv1x1 over the out-channel axis
 *       2h &rarr; numClasses, giving (numClasses, 2h in);</li>
 *   <li>{@code decoder_1d}: Linear(h &rarr; 2h) + ReLU + Linear(2h &rarr; 4h) viewed as 2 rows of 2h. Row
 *       {@code 1 - is_w + it} is used, as in the reference's transfer loop: a BN/LN node (one "weight" node owning
 *       both tensors) takes row 0 as its scale and row 1 as its shift, a bias node takes row 1;</li>
 *   <li>{@code bias_class} for the classifier bias (node N-1): ReLU + Linear(2h &rarr; numClasses) on row 1 of
 *       {@code decoder_1d}'s output.</li>
 * </ul>
 * Each decoded block is sliced from index 0, tiled to the target shape ({@link Tiling}) and normalised: tensors of
 * two or more dimensions are multiplied by {@code sqrt(beta / fan_in)} (fan_in = product of all but the first
 * dimension; beta = 1 if the in-dimension is 1 or {@code kh < kw}, else 2), position encodings are left as they are,
 * scales become {@code 2 sigmoid(p / 2)} and shifts/biases {@code tanh(p / 5)}. Normalisation is element-wise, so
 * it is applied to the small block before tiling, which gives the same tensor.
 *
 * <p><b>Grouping.</b> Nodes are grouped by the reference's decoder key ({@code GHN._map_net_params}: per channel
 * dimension n = min(size, 2h), n &rarr; 4n/3 if divisible by 3, n &rarr; 2h if at least h; spatial (kh, kw) capped
 * at s) and each group is decoded with batched matrix products that compute only the k&times;k positions and the
 * out&times;in channel rows its nodes need (at most the key's). This changes nothing but speed: the reference's
 * {@code ConvDecoder} picks its channel subset as {@code cols.reshape(-1, n_in)[::2h // n_in]}, which selects
 * exactly the rows {@code (o, i < n_in)} when {@code n_in} divides 2h and otherwise fails on a reshape or shape
 * mismatch, so whenever the reference produces a tensor it equals the slice of the full decoder output computed
 * here. Two deliberate generalisations where the reference fails: (1) keys whose in-channel count does not divide
 * 2h (in-channels 5, 7, 10, 20, 28, ... below h) are decoded like every other key; (2) a kernel larger than s
 * repeats the s&times;s map as often as needed along each spatial axis (the reference repeats it 2&times;2, only
 * when both kh and kw exceed s, and only in its channel-subset branch). Position encodings are recognised by
 * {@link NodeType#POS_ENC} rather than by the reference's shape test {@code (1, C, >= 11, .)}, so that they stay
 * unnormalised on small inputs too.
 *
 * <p><b>Speed.</b> ND4J runs only the matrix products; gathers, biases, ReLUs, reductions, the 1-D decoders,
 * tiling and normalisation run on Java arrays ({@link Buffers}), because each ND4J op costs 15-100 us here.
 *
 * <p><b>Initialisation</b> follows PyTorch's defaults for {@code nn.Linear} and 1x1 {@code nn.Conv2d}: weights and
 * biases uniform in {@code (-1/sqrt(fan_in), 1/sqrt(fan_in))}, drawn from the given generator in the order of
 * {@link #parameters()}, row-major. The 1x1 conv weights are stored as matrices {@code (out, in)}.
 *
 * <pre>{@code
 * ParameterDecoder decoder = new ParameterDecoder(GhnConfig.ghn2(), new SplittableRandom(7));
 * ParameterDecoder.Cache c = decoder.forward(graph, states);        // states: [N, 32] float32
 * INDArray w = c.tensors(5)[0];                                     // node 5's weight, PyTorch layout
 * INDArray dStates = decoder.backward(c, i -> lossGradients[i]);    // adds into the parameters' grads
 * }</pre>
 *
 * @implNote Not thread-safe: backward passes add into shared gradient arrays. A {@link Cache} holds the
 * intermediate activations of one forward pass and may be back-propagated more than once.
 */
final class ParameterDecoder {

    private final GhnConfig config;
    private final DataType dtype;
    private final int hid;
    private final int s;
    private final int f;
    private final int g;
    private final int m;
    private final int nc;
    private final Parameter fcW;
    private final Parameter fcB;
    private final Parameter c1W;
    private final Parameter c1B;
    private final Parameter c2W;
    private final Parameter c2B;
    private final Parameter clsW;
    private final Parameter clsB;
    private final Parameter d1W;
    private final Parameter d1B;
    private final Parameter d2W;
    private final Parameter d2B;
    private final Parameter bcW;
    private final Parameter bcB;
    private final List<Parameter> parameters;

    /** Float32 decoders with PyTorch-like initial values drawn from {@code init}. */
    ParameterDecoder(GhnConfig config, RandomGenerator init) {
        this(config, init, DataType.FLOAT);
    }

    /**
     * Decoders computing in {@code dtype} (FLOAT for use, DOUBLE for gradient checks).
     *
     * @throws IllegalArgumentException if {@code dtype} is neither FLOAT nor DOUBLE
     */
    ParameterDecoder(GhnConfig config, RandomGenerator init, DataType dtype) {
        this.config = requireNonNull(config, "config");
        requireNonNull(init, "init");
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException("Invalid dtype: " + dtype + ", expected FLOAT or DOUBLE");
        }
        this.dtype = dtype;
        this.hid = config.hidden();
        this.s = config.spatialMax();
        this.f = 4 * hid;
        this.g = 8 * hid;
        this.m = config.maxChannels();
        this.nc = config.numClasses();
        List<Parameter> ps = new ArrayList<>();
        fcW = add(ps, "decoder.fc.0.weight", new long[] {(long) f * s * s, hid}, hid, init);
        fcB = add(ps, "decoder.fc.0.bias", new long[] {(long) f * s * s}, hid, init);
        c1W = add(ps, "decoder.conv.0.weight", new long[] {g, f}, f, init);
        c1B = add(ps, "decoder.conv.0.bias", new long[] {g}, f, init);
        c2W = add(ps, "decoder.conv.2.weight", new long[] {(long) m * m, g}, g, init);
        c2B = add(ps, "decoder.conv.2.bias", new long[] {(long) m * m}, g, init);
        clsW = add(ps, "decoder.class_layer_predictor.1.weight", new long[] {nc, m}, m, init);
        clsB = add(ps, "decoder.class_layer_predictor.1.bias", new long[] {nc}, m, init);
        d1W = add(ps, "decoder_1d.fc.0.weight", new long[] {m, hid}, hid, init);
        d1B = add(ps, "decoder_1d.fc.0.bias", new long[] {m}, hid, init);
        d2W = add(ps, "decoder_1d.fc.2.weight", new long[] {2L * m, m}, m, init);
        d2B = add(ps, "decoder_1d.fc.2.bias", new long[] {2L * m}, m, init);
        bcW = add(ps, "bias_class.1.weight", new long[] {nc, m}, m, init);
        bcB = add(ps, "bias_class.1.bias", new long[] {nc}, m, init);
        this.parameters = List.copyOf(ps);
    }

    private Parameter add(List<Parameter> ps, String name, long[] shape, int fanIn, RandomGenerator init) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double bound = 1.0 / Math.sqrt(fanIn);
        double[] v = new double[Math.toIntExact(n)];
        for (int k = 0; k < v.length; k++) {
            v[k] = (2 * init.nextDouble() - 1) * bound;
        }
        INDArray value = Nd4j.createFromArray(v).castTo(dtype).reshape(shape);
        Parameter p = new Parameter(name, value, Nd4j.zeros(dtype, shape));
        ps.add(p);
        return p;
    }

    GhnConfig config() {
        return config;
    }

    /** The data type the decoders compute and predict in. */
    DataType dtype() {
        return dtype;
    }

    /** The decoders' learnable tensors in a fixed order (the order of initialisation). */
    List<Parameter> parameters() {
        return parameters;
    }

    /** Sets every gradient accumulator to zero. */
    void zeroGrad() {
        for (Parameter p : parameters) {
            p.grad().assign(0);
        }
    }

    /**
     * Predicts every parameter tensor of {@code graph} from its node states.
     *
     * @param states node states {@code [N, hidden]} (after the GNN and its LayerNorm)
     * @throws IllegalArgumentException if the states do not fit the graph or a parameter node has a shape the
     *                                  decoders cannot produce (rank other than 1, 2 or 4; a classifier weight that
     *                                  is not 2-D; a classifier bias that is not 1-D)
     */
    Cache forward(ComputationalGraph graph, INDArray states) {
        requireNonNull(graph, "graph");
        requireNonNull(states, "states");
        int n = graph.nodeCount();
        if (states.rank() != 2 || states.rows() != n || states.columns() != hid) {
            throw new IllegalArgumentException("Invalid states shape: " + Arrays.toString(states.shape())
                    + ", expected [" + n + ", " + hid + "]");
        }
        Snapshot snap = new Snapshot(states);
        Map<Key, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            GraphNode node = graph.node(i);
            if (node.hasParameters()) {
                byKey.computeIfAbsent(keyOf(node, n), k -> new ArrayList<>()).add(i);
            }
        }
        INDArray[][] tensors = new INDArray[n][];
        Arrays.fill(tensors, new INDArray[0]);
        List<Group> groups = new ArrayList<>(byKey.size());
        for (Map.Entry<Key, List<Integer>> e : byKey.entrySet()) {
            int[] nodes = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            Group group = new Group(e.getKey(), nodes, snap, graph);
            group.forward(graph, tensors);
            groups.add(group);
        }
        return new Cache(this, graph, groups, tensors);
    }

    /**
     * Adds the gradients of the decoders' parameters into their accumulators and returns the gradient with respect
     * to the node states.
     *
     * @param cache     a forward pass of this decoder
     * @param dTensors  for node {@code i}, the loss gradients with respect to {@code cache.tensors(i)} (same shapes);
     *                  a null array or null entries count as zero
     * @return {@code dStates}, {@code [N, hidden]}, zero rows for nodes without parameters
     * @throws IllegalArgumentException if the cache comes from another decoder or a gradient has the wrong size
     */
    INDArray backward(Cache cache, IntFunction<INDArray[]> dTensors) {
        return backward(cache, dTensors, Parameter::grad);
    }

    /**
     * {@link #backward(Cache, IntFunction)} adding into {@code gradOf.apply(p)} instead of {@code p.grad()}, so that
     * concurrent passes can each accumulate into their own arrays.
     */
    INDArray backward(Cache cache, IntFunction<INDArray[]> dTensors, Function<Parameter, INDArray> gradOf) {
        requireNonNull(cache, "cache");
        requireNonNull(dTensors, "dTensors");
        requireNonNull(gradOf, "gradOf");
        if (cache.decoder != this) {
            throw new IllegalArgumentException("Invalid cache: it comes from another decoder");
        }
        double[] dStates = new double[cache.tensors.length * hid];
        for (Group group : cache.groups) {
            group.backward(dTensors, dStates, gradOf);
        }
        return Buffers.create(dStates, dtype, cache.tensors.length, hid);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Grouping

    private enum Kind { CONV, CLASS_WEIGHT, ONE_D, CLASS_BIAS }

    /** A decoder call: kind, channel block (out, in) and spatial block (kh, kw) computed for every node of a group. */
    private record Key(Kind kind, int out, int in, int kh, int kw) {
    }

    private Key keyOf(GraphNode node, int n) {
        List<Integer> shape = node.shape();
        int rank = shape.size();
        NodeType type = node.type();
        boolean oneD = type == NodeType.BIAS || type == NodeType.BN || type == NodeType.LN;
        if (oneD != (rank == 1)) {
            throw new IllegalArgumentException("Invalid shape of node " + node.index() + " (" + type + "): " + shape
                    + ", expected " + (oneD ? "1-D" : "2-D or 4-D"));
        }
        if (node.index() == n - 1) {
            return new Key(Kind.CLASS_BIAS, 0, 0, 1, 1);
        }
        if (node.index() == n - 2) {
            if (rank != 2) {
                throw new IllegalArgumentException("Invalid classifier weight shape: " + shape + ", expected 2-D");
            }
            return new Key(Kind.CLASS_WEIGHT, m, keyChannels(shape.get(1)), 1, 1);
        }
        return switch (rank) {
            case 1 -> new Key(Kind.ONE_D, 0, 0, 1, 1);
            case 2 -> new Key(Kind.CONV, keyChannels(shape.get(0)), keyChannels(shape.get(1)), 1, 1);
            case 4 -> new Key(Kind.CONV, keyChannels(shape.get(0)), keyChannels(shape.get(1)),
                    Math.min(shape.get(2), s), Math.min(shape.get(3), s));
            default -> throw new IllegalArgumentException("Invalid shape of node " + node.index() + " (" + type
                    + "): " + shape + ", expected rank 1, 2 or 4");
        };
    }

    /** The reference's {@code min_sz}: channels decoded for a tensor with {@code size} channels. */
    int keyChannels(int size) {
        int k = Math.min(size, m);
        if (k % 3 == 0) {
            k = k / 3 * 4;
        }
        return k >= m / 2.0 ? m : k;
    }

    // ------------------------------------------------------------------------------------------------------------
    // One decoded tensor of a node

    private enum Norm { SCALE, SIGMOID, TANH }

    /** Where a node's tensor sits in its group's decoded output, and how it was normalised. */
    private static final class Slot {
        final int node;
        final int tensor;
        final long[] shape;
        final int[] target;
        final int[] block;
        final int offset;
        final int[] strides;
        final Norm norm;
        final double scale;
        double[] value;

        Slot(int node, int tensor, long[] shape, int[] block, int offset, int[] strides, Norm norm, double scale) {
            this.node = node;
            this.tensor = tensor;
            this.shape = shape;
            this.target = new int[] {1, 1, 1, 1};
            for (int k = 0; k < shape.length; k++) {
                target[k] = Math.toIntExact(shape[k]);
            }
            this.block = block;
            this.offset = offset;
            this.strides = strides;
            this.norm = norm;
            this.scale = scale;
        }

        double[] gather(double[] out) {
            double[] v = new double[block[0] * block[1] * block[2] * block[3]];
            int k = 0;
            for (int o = 0; o < block[0]; o++) {
                for (int i = 0; i < block[1]; i++) {
                    for (int a = 0; a < block[2]; a++) {
                        int base = offset + o * strides[0] + i * strides[1] + a * strides[2];
                        for (int c = 0; c < block[3]; c++) {
                            v[k++] = out[base + c];
                        }
                    }
                }
            }
            return v;
        }

        void scatterAdd(double[] d, double[] out) {
            int k = 0;
            for (int o = 0; o < block[0]; o++) {
                for (int i = 0; i < block[1]; i++) {
                    for (int a = 0; a < block[2]; a++) {
                        int base = offset + o * strides[0] + i * strides[1] + a * strides[2];
                        for (int c = 0; c < block[3]; c++) {
                            out[base + c] += d[k++];
                        }
                    }
                }
            }
        }

        void normalize(double[] v) {
            for (int k = 0; k < v.length; k++) {
                v[k] = switch (norm) {
                    case SCALE -> v[k] * scale;
                    case SIGMOID -> 2.0 / (1.0 + Math.exp(-0.5 * v[k]));
                    case TANH -> Math.tanh(0.2 * v[k]);
                };
            }
        }

        /** Turns a gradient w.r.t. the normalised block into one w.r.t. the raw block, in place. */
        void normalizeBackward(double[] d) {
            for (int k = 0; k < d.length; k++) {
                double y = value[k];
                d[k] *= switch (norm) {
                    case SCALE -> scale;
                    case SIGMOID -> 0.5 * y * (1 - 0.5 * y);
                    case TANH -> 0.2 * (1 - y * y);
                };
            }
        }
    }

    /**
     * The factor §3.7 multiplies a predicted weight of this shape ([out, in] or [out, in, kh, kw]) by:
     * {@code sqrt(beta / fan_in)}, fan_in = in kh kw, beta = 1 if in is 1 (depthwise) or {@code kh < kw}, else 2.
     */
    static double normalizationScale(List<Integer> shape) {
        int kh = shape.size() == 4 ? shape.get(2) : 1;
        int kw = shape.size() == 4 ? shape.get(3) : 1;
        double beta = shape.size() == 4 && (shape.get(1) == 1 || kh < kw) ? 1.0 : 2.0;
        return Math.sqrt(beta / ((double) shape.get(1) * kh * kw));
    }

    private Slot weightSlot(GraphNode node, int offset, int[] strides, int availOut, int availIn) {
        List<Integer> sh = node.shape();
        long[] shape = sh.stream().mapToLong(Integer::longValue).toArray();
        int rank = shape.length;
        int kh = rank == 4 ? sh.get(2) : 1;
        int kw = rank == 4 ? sh.get(3) : 1;
        int[] block = {Math.min(sh.get(0), availOut), Math.min(sh.get(1), availIn), Math.min(kh, s), Math.min(kw, s)};
        double scale = node.type() == NodeType.POS_ENC ? 1.0 : normalizationScale(sh);
        return new Slot(node.index(), 0, shape, block, offset, strides, Norm.SCALE, scale);
    }

    private static Slot vectorSlot(GraphNode node, int tensor, int offset, int avail, Norm norm) {
        long size = node.shape().get(0);
        int[] block = {(int) Math.min(size, avail), 1, 1, 1};
        return new Slot(node.index(), tensor, new long[] {size}, block, offset, new int[] {1, 0, 0}, norm, 1.0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // A group of nodes decoded together
    //
    // ND4J runs only the matrix products (Nd4j.gemm, which passes transposes to BLAS instead of copying; the last
    // conv layer is computed as Z3^T = W3 A2^T, [out*in, rows], so that each node's block is a strided slice).
    // Gathers, biases, ReLUs, reductions and the small 1-D decoders run on Java arrays read and written through
    // Buffers, because every ND4J op carries tens of microseconds of overhead.

    /** Copies of the decoders' small tensors, taken once per forward pass. */
    private final class Snapshot {
        final double[] states;
        final double[] fcb = Buffers.read(fcB.value());
        final double[] c1b = Buffers.read(c1B.value());
        final double[] c2b = Buffers.read(c2B.value());
        final double[] clsw = Buffers.read(clsW.value());
        final double[] clsb = Buffers.read(clsB.value());
        final double[] d1w = Buffers.read(d1W.value());
        final double[] d1b = Buffers.read(d1B.value());
        final double[] d2w = Buffers.read(d2W.value());
        final double[] d2b = Buffers.read(d2B.value());
        final double[] bcw = Buffers.read(bcW.value());
        final double[] bcb = Buffers.read(bcB.value());

        Snapshot(INDArray states) {
            this.states = Buffers.read(Buffers.denseRowMajor(states));
        }
    }

    private final class Group {
        private final Key key;
        private final int[] nodes;
        private final Snapshot snap;
        private final List<Slot> slots = new ArrayList<>();
        private final int nO;
        private final int nI;
        private int outLength;
        // conv trunk
        private INDArray xArr;
        private INDArray w1;
        private INDArray a1r;
        private INDArray a2;
        private INDArray w3;
        private int[] rows1;
        private int[] rows3;
        private double[] a1rV;
        private double[] a2V;
        private double[] z3;
        // 1-D decoder
        private double[] x;
        private double[] h1;
        private double[] z2;

        Group(Key key, int[] nodes, Snapshot snap, ComputationalGraph graph) {
            this.key = key;
            this.nodes = nodes;
            this.snap = snap;
            // Within the reference's group only the channels some node needs are computed.
            int out = 0;
            int in = 0;
            for (int node : nodes) {
                List<Integer> shape = graph.node(node).shape();
                out = Math.max(out, Math.min(shape.get(0), m));
                in = Math.max(in, shape.size() > 1 ? Math.min(shape.get(1), m) : 0);
            }
            this.nO = key.kind() == Kind.CLASS_WEIGHT ? m : out;
            this.nI = in;
        }

        void forward(ComputationalGraph graph, INDArray[][] tensors) {
            double[] out = switch (key.kind()) {
                case CONV, CLASS_WEIGHT -> convForward();
                case ONE_D, CLASS_BIAS -> oneDForward();
            };
            outLength = out.length;
            for (int j = 0; j < nodes.length; j++) {
                addSlots(graph.node(nodes[j]), j);
            }
            double[][] blocks = key.kind() == Kind.CONV ? convBlocks(out) : null;
            for (int k = 0; k < slots.size(); k++) {
                Slot slot = slots.get(k);
                double[] v = blocks != null ? blocks[k] : slot.gather(out);
                slot.normalize(v);
                slot.value = v;
                INDArray[] nodeTensors = tensors[slot.node];
                if (nodeTensors.length <= slot.tensor) {
                    nodeTensors = Arrays.copyOf(nodeTensors, slot.tensor + 1);
                    tensors[slot.node] = nodeTensors;
                }
                nodeTensors[slot.tensor] = tile(v, slot);
            }
        }

        private void addSlots(GraphNode node, int j) {
            int n = nodes.length;
            switch (key.kind()) {
                case CONV -> {
                    // Z3^T [out*in, n*p]: element (o, i, a, b) of node j at (o*in + i, j*p + a*kw + b)
                    int p = key.kh() * key.kw();
                    int cols = n * p;
                    slots.add(weightSlot(node, j * p, new int[] {nI * cols, cols, key.kw()}, nO, nI));
                }
                // Y [classes, in*n]: element (k, i) of node j at (k, i*n + j)
                case CLASS_WEIGHT -> slots.add(weightSlot(node, j, new int[] {nI * n, n, 1}, nc, nI));
                case ONE_D -> {
                    if (node.type() == NodeType.BIAS) {
                        slots.add(vectorSlot(node, 0, j * 2 * m + m, m, Norm.TANH));
                    } else {
                        slots.add(vectorSlot(node, 0, j * 2 * m, m, Norm.SIGMOID));
                        slots.add(vectorSlot(node, 1, j * 2 * m + m, m, Norm.TANH));
                    }
                }
                case CLASS_BIAS -> slots.add(vectorSlot(node, 0, j * nc, nc, Norm.TANH));
                default -> throw new IllegalStateException("Unknown kind " + key.kind());
            }
        }

        void backward(IntFunction<INDArray[]> dTensors, double[] dStates, Function<Parameter, INDArray> gradOf) {
            double[][] dBlocks = new double[slots.size()][];
            boolean any = false;
            for (int k = 0; k < slots.size(); k++) {
                Slot slot = slots.get(k);
                INDArray[] ds = dTensors.apply(slot.node);
                INDArray d = ds == null || ds.length <= slot.tensor ? null : ds[slot.tensor];
                if (d != null) {
                    dBlocks[k] = fold(d, slot);
                    slot.normalizeBackward(dBlocks[k]);
                    any = true;
                }
            }
            if (!any) {
                return;
            }
            double[] dOut = new double[outLength];
            if (key.kind() == Kind.CONV) {
                convScatter(dBlocks, dOut);
            } else {
                for (int k = 0; k < slots.size(); k++) {
                    if (dBlocks[k] != null) {
                        slots.get(k).scatterAdd(dBlocks[k], dOut);
                    }
                }
            }
            switch (key.kind()) {
                case CONV, CLASS_WEIGHT -> convBackward(dOut, dStates, gradOf);
                case ONE_D, CLASS_BIAS -> oneDBackward(dOut, dStates, gradOf);
                default -> throw new IllegalStateException("Unknown kind " + key.kind());
            }
        }

        /**
         * The blocks of all nodes of a conv group, read from Z3^T [out*in, n*p] row by row (node j's (o, i) entry
         * is the run of p positions at column j*p), which walks the large array once instead of once per node.
         */
        private double[][] convBlocks(double[] z3t) {
            int p = key.kh() * key.kw();
            int cols = nodes.length * p;
            double[][] v = new double[slots.size()][];
            for (int j = 0; j < v.length; j++) {
                int[] b = slots.get(j).block;
                v[j] = new double[b[0] * b[1] * p];
            }
            for (int o = 0; o < nO; o++) {
                for (int i = 0; i < nI; i++) {
                    int base = (o * nI + i) * cols;
                    for (int j = 0; j < v.length; j++) {
                        int[] b = slots.get(j).block;
                        if (o < b[0] && i < b[1]) {
                            System.arraycopy(z3t, base + j * p, v[j], (o * b[1] + i) * p, p);
                        }
                    }
                }
            }
            return v;
        }

        /** The adjoint of {@link #convBlocks}: adds the blocks' gradients (null = zero) into dZ3^T. */
        private void convScatter(double[][] dBlocks, double[] dz3t) {
            int p = key.kh() * key.kw();
            int cols = nodes.length * p;
            for (int o = 0; o < nO; o++) {
                for (int i = 0; i < nI; i++) {
                    int base = (o * nI + i) * cols;
                    for (int j = 0; j < dBlocks.length; j++) {
                        int[] b = slots.get(j).block;
                        double[] d = dBlocks[j];
                        if (d != null && o < b[0] && i < b[1]) {
                            int src = (o * b[1] + i) * p;
                            int dst = base + j * p;
                            for (int t = 0; t < p; t++) {
                                dz3t[dst + t] += d[src + t];
                            }
                        }
                    }
                }
            }
        }

        private double[] stateRows() {
            double[] v = new double[nodes.length * hid];
            for (int j = 0; j < nodes.length; j++) {
                System.arraycopy(snap.states, nodes[j] * hid, v, j * hid, hid);
            }
            return v;
        }

        // Conv decoder: only the fc rows of positions (a < kh, b < kw) and the last conv's rows (o < out, i < in)
        // are computed.

        private double[] convForward() {
            int kh = key.kh();
            int kw = key.kw();
            int p = kh * kw;
            int n = nodes.length;
            int rows = n * p;
            int q = nO * nI;
            xArr = Buffers.create(stateRows(), dtype, n, hid);
            rows1 = new int[f * p];
            for (int c = 0; c < f; c++) {
                for (int a = 0; a < kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        rows1[c * p + a * kw + b] = (c * s + a) * s + b;
                    }
                }
            }
            w1 = p == s * s ? fcW.value() : Buffers.gatherRows(fcW.value(), rows1);
            double[] z1 = Buffers.read(gemm(xArr, false, w1, true));               // [n, f*p], columns (c, pos)
            a1rV = new double[rows * f];                                            // [n*p, f], rows (j, pos)
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < f; c++) {
                    for (int pos = 0; pos < p; pos++) {
                        int col = c * p + pos;
                        a1rV[(j * p + pos) * f + c] = Math.max(0, z1[j * f * p + col] + snap.fcb[rows1[col]]);
                    }
                }
            }
            a1r = Buffers.create(a1rV, dtype, rows, f);
            a2V = Buffers.read(gemm(a1r, false, c1W.value(), true));               // [n*p, g]
            for (int r = 0; r < rows; r++) {
                for (int e = 0; e < g; e++) {
                    a2V[r * g + e] = Math.max(0, a2V[r * g + e] + snap.c1b[e]);
                }
            }
            a2 = Buffers.create(a2V, dtype, rows, g);
            boolean full = nO == m && nI == m;
            rows3 = new int[q];
            for (int o = 0; o < nO; o++) {
                for (int i = 0; i < nI; i++) {
                    rows3[o * nI + i] = o * m + i;
                }
            }
            w3 = full ? c2W.value() : Buffers.gatherRows(c2W.value(), rows3);
            z3 = Buffers.read(gemm(w3, false, a2, true));                           // Z3^T [out*in, n*p]
            for (int k = 0; k < q; k++) {
                double bias = snap.c2b[rows3[k]];
                for (int r = 0; r < rows; r++) {
                    z3[k * rows + r] += bias;
                }
            }
            if (key.kind() != Kind.CLASS_WEIGHT) {
                return z3;
            }
            // class_layer_predictor: Y[k, i*n + j] = clsB[k] + sum_o clsW[k, o] relu(Z3[o*in + i, j])
            double[] y = new double[nc * nI * n];
            for (int k = 0; k < nc; k++) {
                Arrays.fill(y, k * nI * n, (k + 1) * nI * n, snap.clsb[k]);
                for (int o = 0; o < m; o++) {
                    double w = snap.clsw[k * m + o];
                    for (int t = 0; t < nI * n; t++) {
                        y[k * nI * n + t] += w * Math.max(0, z3[o * nI * n + t]);
                    }
                }
            }
            return y;
        }

        private void convBackward(double[] dOut, double[] dStates, Function<Parameter, INDArray> gradOf) {
            int kh = key.kh();
            int kw = key.kw();
            int p = kh * kw;
            int n = nodes.length;
            int rows = n * p;
            int q = nO * nI;
            double[] dz3;
            if (key.kind() == Kind.CLASS_WEIGHT) {
                int cols = nI * n;
                dz3 = new double[q * rows];
                double[] dClsW = new double[nc * m];
                double[] dClsB = new double[nc];
                for (int k = 0; k < nc; k++) {
                    for (int t = 0; t < cols; t++) {
                        dClsB[k] += dOut[k * cols + t];
                    }
                    for (int o = 0; o < m; o++) {
                        double w = snap.clsw[k * m + o];
                        double acc = 0;
                        for (int t = 0; t < cols; t++) {
                            double z = z3[o * cols + t];
                            if (z > 0) {
                                double dy = dOut[k * cols + t];
                                acc += dy * z;
                                dz3[o * cols + t] += w * dy;
                            }
                        }
                        dClsW[k * m + o] = acc;
                    }
                }
                Buffers.add(gradOf.apply(clsW), null, dClsW);
                Buffers.add(gradOf.apply(clsB), null, dClsB);
            } else {
                dz3 = dOut;
            }
            double[] db3 = new double[q];
            for (int k = 0; k < q; k++) {
                double acc = 0;
                for (int r = 0; r < rows; r++) {
                    acc += dz3[k * rows + r];
                }
                db3[k] = acc;
            }
            Buffers.add(gradOf.apply(c2B), rows3, db3);
            INDArray dz3Arr = Buffers.create(dz3, dtype, q, rows);
            if (w3 == c2W.value()) {
                accumulate(gradOf.apply(c2W), dz3Arr, false, a2, false);
            } else {
                Buffers.addRows(gradOf.apply(c2W), rows3, Buffers.read(gemm(dz3Arr, false, a2, false)));
            }
            double[] dz2 = Buffers.read(gemm(dz3Arr, true, w3, false));            // [n*p, g]
            double[] db2 = new double[g];
            for (int r = 0; r < rows; r++) {
                for (int e = 0; e < g; e++) {
                    int at = r * g + e;
                    if (a2V[at] <= 0) {
                        dz2[at] = 0;
                    }
                    db2[e] += dz2[at];
                }
            }
            Buffers.add(gradOf.apply(c1B), null, db2);
            INDArray dz2Arr = Buffers.create(dz2, dtype, rows, g);
            accumulate(gradOf.apply(c1W), dz2Arr, true, a1r, false);
            double[] da1r = Buffers.read(gemm(dz2Arr, false, c1W.value(), false));  // [n*p, f]
            double[] dz1 = new double[n * f * p];                                   // [n, f*p], columns (c, pos)
            double[] db1 = new double[f * p];
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < f; c++) {
                    for (int pos = 0; pos < p; pos++) {
                        int r = j * p + pos;
                        int col = c * p + pos;
                        double d = a1rV[r * f + c] > 0 ? da1r[r * f + c] : 0;
                        dz1[j * f * p + col] = d;
                        db1[col] += d;
                    }
                }
            }
            Buffers.add(gradOf.apply(fcB), rows1, db1);
            INDArray dz1Arr = Buffers.create(dz1, dtype, n, (long) f * p);
            if (w1 == fcW.value()) {
                accumulate(gradOf.apply(fcW), dz1Arr, true, xArr, false);
            } else {
                Buffers.addRows(gradOf.apply(fcW), rows1, Buffers.read(gemm(dz1Arr, true, xArr, false)));
            }
            double[] dx = Buffers.read(gemm(dz1Arr, false, w1, false));            // [n, hid]
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < hid; k++) {
                    dStates[nodes[j] * hid + k] += dx[j * hid + k];
                }
            }
        }

        // decoder_1d (+ bias_class for the classifier bias), in plain Java: h -> 2h -> 4h per node

        private double[] oneDForward() {
            int n = nodes.length;
            x = stateRows();
            h1 = new double[n * m];
            z2 = new double[n * 2 * m];
            for (int j = 0; j < n; j++) {
                for (int u = 0; u < m; u++) {
                    double acc = snap.d1b[u];
                    for (int k = 0; k < hid; k++) {
                        acc += snap.d1w[u * hid + k] * x[j * hid + k];
                    }
                    h1[j * m + u] = Math.max(0, acc);
                }
                for (int v = 0; v < 2 * m; v++) {
                    double acc = snap.d2b[v];
                    for (int u = 0; u < m; u++) {
                        acc += snap.d2w[v * m + u] * h1[j * m + u];
                    }
                    z2[j * 2 * m + v] = acc;
                }
            }
            if (key.kind() != Kind.CLASS_BIAS) {
                return z2;
            }
            double[] y = new double[n * nc];
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < nc; k++) {
                    double acc = snap.bcb[k];
                    for (int u = 0; u < m; u++) {
                        acc += snap.bcw[k * m + u] * Math.max(0, z2[j * 2 * m + m + u]);
                    }
                    y[j * nc + k] = acc;
                }
            }
            return y;
        }

        private void oneDBackward(double[] dOut, double[] dStates, Function<Parameter, INDArray> gradOf) {
            int n = nodes.length;
            double[] dz2;
            if (key.kind() == Kind.CLASS_BIAS) {
                dz2 = new double[n * 2 * m];
                double[] dBcW = new double[nc * m];
                double[] dBcB = new double[nc];
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < nc; k++) {
                        double dy = dOut[j * nc + k];
                        dBcB[k] += dy;
                        for (int u = 0; u < m; u++) {
                            double r = z2[j * 2 * m + m + u];
                            if (r > 0) {
                                dBcW[k * m + u] += dy * r;
                                dz2[j * 2 * m + m + u] += snap.bcw[k * m + u] * dy;
                            }
                        }
                    }
                }
                Buffers.add(gradOf.apply(bcW), null, dBcW);
                Buffers.add(gradOf.apply(bcB), null, dBcB);
            } else {
                dz2 = dOut;
            }
            double[] dD2W = new double[2 * m * m];
            double[] dD2B = new double[2 * m];
            double[] dD1W = new double[m * hid];
            double[] dD1B = new double[m];
            double[] dh = new double[m];
            for (int j = 0; j < n; j++) {
                Arrays.fill(dh, 0);
                for (int v = 0; v < 2 * m; v++) {
                    double d = dz2[j * 2 * m + v];
                    if (d == 0) {
                        continue;
                    }
                    dD2B[v] += d;
                    for (int u = 0; u < m; u++) {
                        dD2W[v * m + u] += d * h1[j * m + u];
                        dh[u] += snap.d2w[v * m + u] * d;
                    }
                }
                for (int u = 0; u < m; u++) {
                    if (h1[j * m + u] <= 0) {
                        continue;
                    }
                    double d = dh[u];
                    dD1B[u] += d;
                    for (int k = 0; k < hid; k++) {
                        dD1W[u * hid + k] += d * x[j * hid + k];
                        dStates[nodes[j] * hid + k] += snap.d1w[u * hid + k] * d;
                    }
                }
            }
            Buffers.add(gradOf.apply(d2W), null, dD2W);
            Buffers.add(gradOf.apply(d2B), null, dD2B);
            Buffers.add(gradOf.apply(d1W), null, dD1W);
            Buffers.add(gradOf.apply(d1B), null, dD1B);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers

    /** {@code op(a) op(b)}. */
    private static INDArray gemm(INDArray a, boolean ta, INDArray b, boolean tb) {
        return Nd4j.gemm(a, b, ta, tb);
    }

    /**
     * {@code grad += op(a) op(b)} in one BLAS call: the transpose of a dense row-major gradient is the dense
     * column-major result array that {@code Nd4j.gemm} accumulates into.
     */
    private static void accumulate(INDArray grad, INDArray a, boolean ta, INDArray b, boolean tb) {
        Nd4j.gemm(b, a, grad.transpose(), !tb, !ta, 1.0, 1.0);
    }

    /** The tiled, normalised tensor of a slot, written row by row straight into a new array. */
    private INDArray tile(double[] block, Slot slot) {
        int[] t = slot.target;
        int rowLen = t[1] * t[2] * t[3];
        double[] rows = Tiling.tileRows(block, slot.block, t);
        INDArray out = Nd4j.createUninitialized(dtype, slot.shape, 'c');
        int bo = slot.block[0];
        if (dtype == DataType.FLOAT) {
            float[] rowsF = new float[rows.length];
            for (int k = 0; k < rows.length; k++) {
                rowsF[k] = (float) rows[k];
            }
            FloatBuffer fb = out.data().asNioFloat();
            for (int o = 0; o < t[0]; o++) {
                fb.put(o * rowLen, rowsF, (o % bo) * rowLen, rowLen);
            }
        } else {
            DoubleBuffer db = out.data().asNioDouble();
            for (int o = 0; o < t[0]; o++) {
                db.put(o * rowLen, rows, (o % bo) * rowLen, rowLen);
            }
        }
        return out;
    }

    /** The gradient of a slot's block: the full-shape gradient {@code d} summed over the tiles. */
    private double[] fold(INDArray d, Slot slot) {
        int[] t = slot.target;
        if (d.length() != (long) t[0] * t[1] * t[2] * t[3]) {
            throw new IllegalArgumentException("Invalid gradient of node " + slot.node + " tensor " + slot.tensor
                    + ": shape " + Arrays.toString(d.shape()) + ", expected " + Arrays.toString(slot.shape));
        }
        int rowLen = t[1] * t[2] * t[3];
        int bo = slot.block[0];
        double[] rows = new double[bo * rowLen];
        INDArray c = Buffers.denseRowMajor(d.dataType() == dtype ? d : d.castTo(dtype));
        if (dtype == DataType.FLOAT) {
            FloatBuffer fb = c.data().asNioFloat();
            float[] row = new float[rowLen];
            for (int o = 0; o < t[0]; o++) {
                fb.get(o * rowLen, row, 0, rowLen);
                int dst = (o % bo) * rowLen;
                for (int k = 0; k < rowLen; k++) {
                    rows[dst + k] += row[k];
                }
            }
        } else {
            DoubleBuffer db = c.data().asNioDouble();
            double[] row = new double[rowLen];
            for (int o = 0; o < t[0]; o++) {
                db.get(o * rowLen, row, 0, rowLen);
                int dst = (o % bo) * rowLen;
                for (int k = 0; k < rowLen; k++) {
                    rows[dst + k] += row[k];
                }
            }
        }
        return Tiling.foldRows(rows, slot.block, t);
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * The predicted tensors of one graph and the activations needed to back-propagate into the decoders.
     */
    static final class Cache {
        private final ParameterDecoder decoder;
        private final ComputationalGraph graph;
        private final List<Group> groups;
        private final INDArray[][] tensors;

        private Cache(ParameterDecoder decoder, ComputationalGraph graph, List<Group> groups, INDArray[][] tensors) {
            this.decoder = decoder;
            this.graph = graph;
            this.groups = List.copyOf(groups);
            this.tensors = tensors;
        }

        /** The decoded graph. */
        ComputationalGraph graph() {
            return graph;
        }

        /**
         * Node {@code node}'s predicted tensors in PyTorch layout: {@code {scale, shift}} for BN/LN, one tensor for
         * other parameter nodes, none for nodes without parameters.
         *
         * @throws IndexOutOfBoundsException if there is no such node
         */
        INDArray[] tensors(int node) {
            Objects.checkIndex(node, tensors.length);
            return tensors[node].clone();
        }

        /** Number of decoder calls (groups) this forward pass made. */
        int groupCount() {
            return groups.size();
        }
    }
}
