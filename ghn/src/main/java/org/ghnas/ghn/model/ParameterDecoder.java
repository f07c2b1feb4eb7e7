package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.graph.GraphNode;
import org.ghnas.space.graph.NodeType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

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
 * out&times;in channel rows of the key. This changes nothing but speed: in the reference's {@code ConvDecoder} the
 * channel subset is chosen as {@code cols.reshape(-1, n_in)[::2h // n_in]}, which selects exactly the rows
 * {@code (o, i < n_in)} when {@code n_in} divides 2h and otherwise fails on a reshape or shape mismatch, so whenever
 * the reference produces a tensor it equals the slice of the full decoder output computed here. Two deliberate
 * generalisations where the reference fails: (1) keys whose in-channel count does not divide 2h (in-channels 5,
 * 7, 10, 20, 28, ... below h) are decoded like every other key; (2) a kernel larger than s repeats the s&times;s map
 * as often as needed along each spatial axis (the reference repeats it 2&times;2, and only in its channel-subset
 * branch). Position encodings are recognised by {@link NodeType#POS_ENC} rather than by the reference's shape test
 * {@code (1, C, >= 11, .)}, so that they stay unnormalised on small inputs too.
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
        INDArray x = states.dataType() == dtype ? states : states.castTo(dtype);
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
            Group group = new Group(e.getKey(), nodes);
            group.forward(graph, x, tensors);
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
        requireNonNull(cache, "cache");
        requireNonNull(dTensors, "dTensors");
        if (cache.decoder != this) {
            throw new IllegalArgumentException("Invalid cache: it comes from another decoder");
        }
        double[] dStates = new double[cache.tensors.length * hid];
        for (Group group : cache.groups) {
            group.backward(dTensors, dStates);
        }
        return fromDoubles(dStates).reshape(cache.tensors.length, hid);
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

    private Slot weightSlot(GraphNode node, int offset, int[] strides, int availOut, int availIn) {
        List<Integer> sh = node.shape();
        long[] shape = sh.stream().mapToLong(Integer::longValue).toArray();
        int rank = shape.length;
        int kh = rank == 4 ? sh.get(2) : 1;
        int kw = rank == 4 ? sh.get(3) : 1;
        int[] block = {Math.min(sh.get(0), availOut), Math.min(sh.get(1), availIn), Math.min(kh, s), Math.min(kw, s)};
        double scale = 1.0;
        if (node.type() != NodeType.POS_ENC) {
            double beta = rank == 4 && (sh.get(1) == 1 || kh < kw) ? 1.0 : 2.0;
            scale = Math.sqrt(beta / ((double) sh.get(1) * kh * kw));
        }
        return new Slot(node.index(), 0, shape, block, offset, strides, Norm.SCALE, scale);
    }

    private static Slot vectorSlot(GraphNode node, int tensor, int offset, int avail, Norm norm) {
        long size = node.shape().get(0);
        int[] block = {(int) Math.min(size, avail), 1, 1, 1};
        return new Slot(node.index(), tensor, new long[] {size}, block, offset, new int[] {1, 0, 0}, norm, 1.0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // A group of nodes decoded together

    private final class Group {
        private final Key key;
        private final int[] nodes;
        private final List<Slot> slots = new ArrayList<>();
        private INDArray x;
        private INDArray a1;
        private INDArray a1r;
        private INDArray a2;
        private INDArray w1;
        private INDArray w3;
        private INDArray r;
        private INDArray r2;
        private long[] outShape;

        Group(Key key, int[] nodes) {
            this.key = key;
            this.nodes = nodes;
        }

        void forward(ComputationalGraph graph, INDArray states, INDArray[][] tensors) {
            x = states.getRows(nodes);
            INDArray out = switch (key.kind()) {
                case CONV, CLASS_WEIGHT -> convForward();
                case ONE_D, CLASS_BIAS -> oneDForward();
            };
            outShape = out.shape();
            double[] values = toDoubles(out);
            for (int j = 0; j < nodes.length; j++) {
                addSlots(graph.node(nodes[j]), j);
            }
            for (Slot slot : slots) {
                double[] v = slot.gather(values);
                slot.normalize(v);
                slot.value = v;
                INDArray t = dtype == DataType.FLOAT
                        ? Nd4j.createFromArray(Tiling.tileFloat(v, slot.block, slot.target))
                        : Nd4j.createFromArray(Tiling.tileDouble(v, slot.block, slot.target));
                INDArray[] nodeTensors = tensors[slot.node];
                if (nodeTensors.length <= slot.tensor) {
                    nodeTensors = Arrays.copyOf(nodeTensors, slot.tensor + 1);
                    tensors[slot.node] = nodeTensors;
                }
                nodeTensors[slot.tensor] = t.reshape(slot.shape);
            }
        }

        private void addSlots(GraphNode node, int j) {
            switch (key.kind()) {
                case CONV -> {
                    int p = key.kh() * key.kw();
                    int[] strides = {key.in() * p, p, key.kw()};
                    slots.add(weightSlot(node, j * key.out() * key.in() * p, strides, key.out(), key.in()));
                }
                case CLASS_WEIGHT -> slots.add(weightSlot(node, j * nc * key.in(), new int[] {key.in(), 1, 1},
                        nc, key.in()));
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

        void backward(IntFunction<INDArray[]> dTensors, double[] dStates) {
            double[] dOut = null;
            for (Slot slot : slots) {
                INDArray[] ds = dTensors.apply(slot.node);
                INDArray d = ds == null || ds.length <= slot.tensor ? null : ds[slot.tensor];
                if (d == null) {
                    continue;
                }
                if (d.length() != (long) slot.target[0] * slot.target[1] * slot.target[2] * slot.target[3]) {
                    throw new IllegalArgumentException("Invalid gradient of node " + slot.node + " tensor "
                            + slot.tensor + ": shape " + Arrays.toString(d.shape()) + ", expected "
                            + Arrays.toString(slot.shape));
                }
                double[] db = dtype == DataType.FLOAT
                        ? Tiling.fold(toFloats(d), slot.block, slot.target)
                        : Tiling.fold(toDoubles(d), slot.block, slot.target);
                slot.normalizeBackward(db);
                if (dOut == null) {
                    dOut = new double[Math.toIntExact(Shape.lengthOf(outShape))];
                }
                slot.scatterAdd(db, dOut);
            }
            if (dOut == null) {
                return;
            }
            INDArray dOutArr = fromDoubles(dOut).reshape(outShape);
            INDArray dx = switch (key.kind()) {
                case CONV, CLASS_WEIGHT -> convBackward(dOutArr);
                case ONE_D, CLASS_BIAS -> oneDBackward(dOutArr);
            };
            double[] dxv = toDoubles(dx);
            for (int j = 0; j < nodes.length; j++) {
                int dst = nodes[j] * hid;
                for (int c = 0; c < hid; c++) {
                    dStates[dst + c] += dxv[j * hid + c];
                }
            }
        }

        // Conv decoder: the rows of fc for positions (a < kh, b < kw), rows (o < out, i < in) of the last conv.

        private INDArray convForward() {
            int kh = key.kh();
            int kw = key.kw();
            int p = kh * kw;
            int n = nodes.length;
            int nO = key.out();
            int nI = key.in();
            w1 = p == s * s ? fcW.value()
                    : fcW.value().reshape(f, s, s, hid).get(all(), interval(0, kh), interval(0, kw), all())
                            .dup('c').reshape((long) f * p, hid);
            INDArray b1 = p == s * s ? fcB.value()
                    : fcB.value().reshape(f, s, s).get(all(), interval(0, kh), interval(0, kw)).dup('c')
                            .reshape((long) f * p);
            a1 = relu(x.mmul(w1.transpose()).addiRowVector(b1));
            a1r = p == 1 ? a1 : a1.reshape(n, f, p).permute(0, 2, 1).dup('c').reshape((long) n * p, f);
            a2 = relu(a1r.mmul(c1W.value().transpose()).addiRowVector(c1B.value()));
            boolean full = nO == m && nI == m;
            w3 = full ? c2W.value()
                    : c2W.value().reshape(m, m, g).get(interval(0, nO), interval(0, nI), all()).dup('c')
                            .reshape((long) nO * nI, g);
            INDArray b3 = full ? c2B.value()
                    : c2B.value().reshape(m, m).get(interval(0, nO), interval(0, nI)).dup('c')
                            .reshape((long) nO * nI);
            INDArray z3 = a2.mmul(w3.transpose()).addiRowVector(b3);
            if (key.kind() == Kind.CLASS_WEIGHT) {
                r = relu(z3);
                r2 = r.reshape(n, m, nI).permute(1, 0, 2).dup('c').reshape(m, (long) n * nI);
                INDArray y = clsW.value().mmul(r2).addiColumnVector(clsB.value());
                return y.reshape(nc, n, nI).permute(1, 0, 2).dup('c');
            }
            return p == 1 ? z3 : z3.reshape(n, p, (long) nO * nI).permute(0, 2, 1).dup('c');
        }

        private INDArray convBackward(INDArray dOut) {
            int kh = key.kh();
            int kw = key.kw();
            int p = kh * kw;
            int n = nodes.length;
            int nO = key.out();
            int nI = key.in();
            INDArray dz3;
            if (key.kind() == Kind.CLASS_WEIGHT) {
                INDArray dy = dOut.permute(1, 0, 2).dup('c').reshape(nc, (long) n * nI);
                clsW.grad().addi(dy.mmul(r2.transpose()));
                clsB.grad().addi(dy.sum(1));
                INDArray dr2 = clsW.value().transpose().mmul(dy);
                dz3 = dr2.reshape(m, n, nI).permute(1, 0, 2).dup('c').reshape(n, (long) m * nI).muli(positive(r));
            } else {
                dz3 = p == 1 ? dOut.reshape(n, (long) nO * nI)
                        : dOut.permute(0, 2, 1).dup('c').reshape((long) n * p, (long) nO * nI);
            }
            INDArray dw3 = dz3.transpose().mmul(a2);
            INDArray db3 = dz3.sum(0);
            if (nO == m && nI == m) {
                c2W.grad().addi(dw3);
                c2B.grad().addi(db3);
            } else {
                c2W.grad().reshape(m, m, g).get(interval(0, nO), interval(0, nI), all()).addi(dw3.reshape(nO, nI, g));
                c2B.grad().reshape(m, m).get(interval(0, nO), interval(0, nI)).addi(db3.reshape(nO, nI));
            }
            INDArray dz2 = dz3.mmul(w3).muli(positive(a2));
            c1W.grad().addi(dz2.transpose().mmul(a1r));
            c1B.grad().addi(dz2.sum(0));
            INDArray da1r = dz2.mmul(c1W.value());
            INDArray dz1 = (p == 1 ? da1r : da1r.reshape(n, p, f).permute(0, 2, 1).dup('c').reshape(n, (long) f * p))
                    .muli(positive(a1));
            INDArray dw1 = dz1.transpose().mmul(x);
            INDArray db1 = dz1.sum(0);
            if (p == s * s) {
                fcW.grad().addi(dw1);
                fcB.grad().addi(db1);
            } else {
                fcW.grad().reshape(f, s, s, hid).get(all(), interval(0, kh), interval(0, kw), all())
                        .addi(dw1.reshape(f, kh, kw, hid));
                fcB.grad().reshape(f, s, s).get(all(), interval(0, kh), interval(0, kw)).addi(db1.reshape(f, kh, kw));
            }
            return dz1.mmul(w1);
        }

        // decoder_1d (+ bias_class for the classifier bias)

        private INDArray oneDForward() {
            a1 = relu(x.mmul(d1W.value().transpose()).addiRowVector(d1B.value()));
            INDArray z2 = a1.mmul(d2W.value().transpose()).addiRowVector(d2B.value());
            if (key.kind() == Kind.CLASS_BIAS) {
                r = relu(z2.get(all(), interval(m, 2 * m)).dup('c'));
                return r.mmul(bcW.value().transpose()).addiRowVector(bcB.value());
            }
            return z2;
        }

        private INDArray oneDBackward(INDArray dOut) {
            INDArray dz2;
            if (key.kind() == Kind.CLASS_BIAS) {
                bcW.grad().addi(dOut.transpose().mmul(r));
                bcB.grad().addi(dOut.sum(0));
                INDArray dr = dOut.mmul(bcW.value()).muli(positive(r));
                dz2 = Nd4j.zeros(dtype, nodes.length, 2L * m);
                dz2.get(all(), interval(m, 2 * m)).assign(dr);
            } else {
                dz2 = dOut;
            }
            d2W.grad().addi(dz2.transpose().mmul(a1));
            d2B.grad().addi(dz2.sum(0));
            INDArray dz1 = dz2.mmul(d2W.value()).muli(positive(a1));
            d1W.grad().addi(dz1.transpose().mmul(x));
            d1B.grad().addi(dz1.sum(0));
            return dz1.mmul(d1W.value());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers

    private static INDArray relu(INDArray a) {
        return Transforms.relu(a, false);
    }

    private INDArray positive(INDArray a) {
        return a.gt(0.0).castTo(dtype);
    }

    private INDArray fromDoubles(double[] v) {
        INDArray a = Nd4j.createFromArray(v);
        return dtype == DataType.DOUBLE ? a : a.castTo(dtype);
    }

    private static INDArray contiguous(INDArray a) {
        boolean dense = a.offset() == 0 && a.data().length() == a.length() && Shape.hasDefaultStridesForShape(a)
                && a.ordering() == 'c';
        return dense ? a : a.dup('c');
    }

    private static double[] toDoubles(INDArray a) {
        INDArray c = contiguous(a);
        return c.dataType() == DataType.DOUBLE ? c.data().asDouble() : c.castTo(DataType.DOUBLE).data().asDouble();
    }

    private static float[] toFloats(INDArray a) {
        INDArray c = contiguous(a);
        return c.dataType() == DataType.FLOAT ? c.data().asFloat() : c.castTo(DataType.FLOAT).data().asFloat();
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
