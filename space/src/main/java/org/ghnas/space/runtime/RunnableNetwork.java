package org.ghnas.space.runtime;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.ghnas.space.plan.Layer;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A {@link NetworkPlan} that runs on ND4J: an interpreter that executes the plan's layers eagerly with ND4J ops and
 * back-propagates through them with hand-written reverse steps. Nothing is compiled per architecture, so a new
 * architecture costs nothing to set up, which is what hypernetwork training needs (8 fresh nets per step).
 *
 * <pre>{@code
 * RunnableNetwork net = RunnableNetwork.of(NetworkPlan.of(spec, InputShape.FASHION_MNIST));
 * NetworkParameters params = NetworkParameters.heInit(net.plan(), 42);
 * RunnableNetwork.Pass pass = net.forward(params, images, true, rng);   // BN on batch statistics
 * LossKernel.Result loss = ...;                                          // or net.loss(pass, labels)
 * INDArray[] grads = net.backward(pass, dLogits);                        // one per parameter, plan order
 * }</pre>
 *
 * <p>Parameters come from outside ({@link NetworkParameters}), so the same network runs with He-initialised,
 * trained or hypernetwork-predicted tensors, and gradients flow back into whoever supplied them.
 *
 * @implNote Stateless apart from the plan: thread-safe as long as each thread uses its own passes.
 */
public final class RunnableNetwork {

    private final NetworkPlan plan;
    private final OpProfile profile;

    private RunnableNetwork(NetworkPlan plan, OpProfile profile) {
        this.plan = requireNonNull(plan, "plan");
        this.profile = profile;
    }

    public static RunnableNetwork of(NetworkPlan plan) {
        return new RunnableNetwork(plan, null);
    }

    /** A network that adds the time of every layer's forward and reverse step to {@code profile}. */
    public static RunnableNetwork profiled(NetworkPlan plan, OpProfile profile) {
        return new RunnableNetwork(plan, requireNonNull(profile, "profile"));
    }

    public NetworkPlan plan() {
        return plan;
    }

    /**
     * One forward pass: the logits plus what the reverse pass needs, and no more. Activations that no reverse step
     * reads are freed as soon as their last consumer ran; the rest are freed by {@link RunnableNetwork#backward}
     * as it passes them, or by {@link #close()}. The logits live in the workspace that was current when the pass
     * was made (like any array the caller creates there).
     */
    public static final class Pass implements AutoCloseable {
        private final NetworkParameters params;
        private final INDArray[] values;
        private final long[][] shapes;
        private final Object[] caches;
        private final INDArray[][] cacheArrays;
        private final int[] backwardReads;
        private final boolean differentiable;
        private final PassMemory memory;
        private final BufferPool pool;
        private INDArray logits;
        private boolean spent;
        private boolean closed;

        private Pass(NetworkParameters params, int layers, boolean differentiable, PassMemory memory,
                     BufferPool pool) {
            this.params = params;
            this.values = new INDArray[layers];
            this.shapes = new long[layers][];
            this.caches = new Object[layers];
            this.cacheArrays = new INDArray[layers][];
            this.backwardReads = new int[layers];
            this.differentiable = differentiable;
            this.memory = memory;
            this.pool = pool;
        }

        /** Logits {@code [N, classes]}. */
        public INDArray logits() {
            return logits;
        }

        /** Frees the activations the pass still holds; the logits stay valid. Backward does this itself. */
        @Override
        public void close() {
            spent = true;
            java.util.Arrays.fill(values, null);
            java.util.Arrays.fill(caches, null);
            java.util.Arrays.fill(cacheArrays, null);
            if (closed) {
                return;
            }
            closed = true;
            memory.releaseAll();
            pool.endPass();
        }

        /** The output shape of every layer, in plan order. */
        long[][] shapes() {
            return shapes.clone();
        }

        /** Native bytes of activations, caches and gradients the pass holds now (not counting the logits). */
        long heldBytes() {
            return memory.heldBytes();
        }

        private void holdCache(int id, Object cache, INDArray... arrays) {
            caches[id] = cache;
            cacheArrays[id] = arrays;
        }

        private void releaseCache(int id) {
            if (cacheArrays[id] != null) {
                for (INDArray a : cacheArrays[id]) {
                    memory.release(a);
                }
            }
            caches[id] = null;
            cacheArrays[id] = null;
        }
    }

    /**
     * Runs the network with BatchNorm on the statistics of this batch (the reference's training and evaluation mode).
     *
     * @param params     the tensors to use
     * @param images     {@code [N, C, H, W]} in the parameters' data type
     * @param training   dropout active
     * @param dropoutRng draws dropout masks (may be null when {@code training} is false)
     */
    public Pass forward(NetworkParameters params, INDArray images, boolean training, RandomGenerator dropoutRng) {
        return run(params, images, training, dropoutRng, null, true, null);
    }

    /** Inference with calibrated running BatchNorm statistics; the pass cannot be back-propagated. */
    public Pass forward(NetworkParameters params, INDArray images, BatchNormStatistics statistics) {
        return run(params, images, false, null, requireNonNull(statistics, "statistics"), false, null);
    }

    /** Logits without keeping what backward needs (evaluation on batch statistics). */
    public INDArray predict(NetworkParameters params, INDArray images) {
        return run(params, images, false, null, null, false, null).logits();
    }

    /** Receives the batch statistics of each BatchNorm layer during a forward pass. */
    private interface StatisticsObserver {
        void accept(int layer, INDArray mean, INDArray var);
    }

    private Pass run(NetworkParameters params, INDArray x, boolean training, RandomGenerator rng,
                     BatchNormStatistics stats, boolean keep, StatisticsObserver observer) {
        if (params.plan() != plan && params.size() != plan.parameters().size()) {
            throw new IllegalArgumentException("Parameters belong to another plan");
        }
        if (training && rng == null) {
            throw new IllegalArgumentException("Training needs a dropout generator");
        }
        List<Layer> layers = plan.layers();
        BufferPool pool = BufferPool.ofThisThread();
        PassMemory mem = new PassMemory(pool);
        mem.foreign(x);
        for (int i = 0; i < params.size(); i++) {
            mem.foreign(params.tensor(i));
        }
        Pass pass = new Pass(params, layers.size(), keep, mem, pool);
        INDArray[] v = pass.values;
        int[] forwardUses = new int[layers.size()];
        for (Layer l : layers) {
            for (int in : l.inputs()) {
                forwardUses[in]++;
            }
            if (keep) {
                for (int k : backwardReads(l)) {
                    pass.backwardReads[k]++;
                }
            }
        }
        int last = layers.size() - 1;
        try {
            for (Layer layer : layers) {
                long t0 = profile == null ? 0 : System.nanoTime();
                int id = layer.id();
                INDArray[] bnStats = null;
                try (MemoryWorkspace ignored = mem.scratch()) {
                    INDArray out = forwardLayer(pass, layer, x, training, rng, stats, keep);
                    v[id] = mem.hold(out);
                    if (observer != null && pass.caches[id] instanceof BatchNormKernel.Cache c) {
                        bnStats = new INDArray[] {mem.toCaller(c.mean()), mem.toCaller(c.var())};
                    }
                }
                pass.shapes[id] = v[id].shape();
                if (!keep) {
                    pass.releaseCache(id);
                }
                if (bnStats != null) {
                    observer.accept(id, bnStats[0], bnStats[1]);
                }
                for (int in : layer.inputs()) {
                    if (--forwardUses[in] == 0 && pass.backwardReads[in] == 0) {
                        mem.release(v[in]);
                        v[in] = null;
                    }
                }
                if (profile != null) {
                    profile.add(layer.op(), false, System.nanoTime() - t0);
                }
            }
            pass.logits = mem.toCaller(v[last]);
            if (pass.backwardReads[last] == 0) {
                mem.release(v[last]);
                v[last] = null;
            }
        } catch (RuntimeException | Error e) {
            pass.close();
            throw e;
        }
        if (!keep) {
            pass.close();
        }
        return pass;
    }

    /** Runs one layer in the scratch workspace; returns its output and records its cache in the pass. */
    private static INDArray forwardLayer(Pass pass, Layer layer, INDArray x, boolean training, RandomGenerator rng,
                                         BatchNormStatistics stats, boolean keep) {
        INDArray[] v = pass.values;
        PassMemory mem = pass.memory;
        int id = layer.id();
        Op op = layer.op();
        INDArray in = layer.inputs().isEmpty() ? null : v[layer.input(0)];
        if (op instanceof Op.Input) {
            return x;
        } else if (op instanceof Op.Conv c) {
            return ConvKernel.forward(in, p(pass, layer, 0), geometry(c));
        } else if (op instanceof Op.Linear l) {
            return LinearKernel.forward(in, p(pass, layer, 0), l.bias() ? p(pass, layer, 1) : null);
        } else if (op instanceof Op.BatchNorm) {
            if (stats != null) {
                return BatchNormKernel.forwardInference(in, p(pass, layer, 0), p(pass, layer, 1),
                        stats.mean().get(id), stats.variance().get(id));
            }
            BatchNormKernel.Cache c = BatchNormKernel.forwardTrain(in, p(pass, layer, 0), p(pass, layer, 1));
            if (keep) {
                c = new BatchNormKernel.Cache(mem.hold(c.x()), c.gamma(), c.beta(), mem.hold(c.mean()),
                        mem.hold(c.var()), c.output());
                pass.holdCache(id, c, c.x(), c.mean(), c.var());
            } else {
                pass.caches[id] = c; // read by calibrate's observer before the scratch closes
            }
            return c.output();
        } else if (op instanceof Op.LayerNorm) {
            LayerNormKernel.Cache c = LayerNormKernel.forward(in, p(pass, layer, 0), p(pass, layer, 1));
            if (keep) {
                c = new LayerNormKernel.Cache(mem.hold(c.normalised()), mem.hold(c.invStd()), c.gamma(), c.output());
                pass.holdCache(id, c, c.normalised(), c.invStd());
            }
            return c.output();
        } else if (op instanceof Op.Activation a) {
            return switch (a.kind()) {
                case RELU -> ActivationKernel.relu(in);
                case GELU -> ActivationKernel.gelu(in);
                case HARDSWISH -> ActivationKernel.hardswish(in);
            };
        } else if (op instanceof Op.MaxPool mp) {
            return PoolKernel.maxForward(in, mp.kernel(), mp.stride(), mp.padding());
        } else if (op instanceof Op.AvgPool ap) {
            return PoolKernel.avgForward(in, ap.kernel(), ap.stride(), ap.padding());
        } else if (op instanceof Op.GlobalAvgPool || op instanceof Op.ChannelMean) {
            return PoolKernel.globalAvgForward(in);
        } else if (op instanceof Op.Flatten) {
            return CustomOps.dense(in).reshape(in.size(0), in.length() / in.size(0));
        } else if (op instanceof Op.Sum) {
            INDArray out = in.add(v[layer.input(1)], CustomOps.result(in.dataType(), in.shape()));
            for (int k = 2; k < layer.inputs().size(); k++) {
                out.addi(v[layer.input(k)]);
            }
            return out;
        } else if (op instanceof Op.Concat) {
            INDArray[] parts = new INDArray[layer.inputs().size()];
            for (int k = 0; k < parts.length; k++) {
                parts[k] = v[layer.input(k)];
            }
            try (MemoryWorkspace ignored = PassMemory.detached()) {
                return Nd4j.concat(1, parts);
            }
        } else if (op instanceof Op.Subsample s) {
            return SliceKernel.subsample(in, s.stride());
        } else if (op instanceof Op.Shift) {
            return SliceKernel.shift(in);
        } else if (op instanceof Op.Zeros) {
            return Nd4j.zerosLike(in);
        } else if (op instanceof Op.Attention a) {
            AttentionKernel.Cache c = AttentionKernel.forward(in, a.heads());
            if (keep) {
                c = c.with(mem::hold);
                pass.holdCache(id, c, c.arrays());
            }
            return c.output();
        } else if (op instanceof Op.ChannelScale) {
            return ChannelScaleKernel.forward(in, v[layer.input(1)]);
        } else if (op instanceof Op.PositionEncoding) {
            INDArray pe = p(pass, layer, 0);
            return in.add(pe.broadcast(in.shape()));
        } else if (op instanceof Op.Dropout d) {
            if (!training) {
                return in;
            }
            DropoutKernel.Cache c = DropoutKernel.forward(in, d.p(), rng);
            if (keep) {
                c = new DropoutKernel.Cache(c.output(), mem.hold(c.mask()));
                pass.holdCache(id, c, c.mask());
            }
            return c.output();
        }
        throw new IllegalStateException("Unsupported op " + op);
    }

    /**
     * The values whose arrays a layer's reverse step reads (beyond its cache): a conv's input, a ReLU's own output
     * (its mask), and so on. Everything else is dead for the reverse pass once its forward consumers ran.
     */
    private static int[] backwardReads(Layer layer) {
        Op op = layer.op();
        if (op instanceof Op.Conv || op instanceof Op.Linear || op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            return new int[] {layer.input(0)};
        } else if (op instanceof Op.Activation a) {
            return new int[] {a.kind() == Op.Activation.Kind.RELU ? layer.id() : layer.input(0)};
        } else if (op instanceof Op.ChannelScale) {
            return new int[] {layer.input(0), layer.input(1)};
        }
        return new int[0];
    }

    /** Mean cross-entropy of a pass against labels, with the gradient of the loss w.r.t. the logits. */
    public LossKernel.Result loss(Pass pass, int[] labels) {
        return LossKernel.crossEntropy(pass.logits(), labels);
    }

    /**
     * Back-propagates {@code dLogits} through a pass made by {@link #forward(NetworkParameters, INDArray, boolean,
     * RandomGenerator)}, freeing the pass's activations as it goes (a pass is back-propagated once).
     *
     * @return the gradient of every parameter tensor, in plan order, in the workspace current at this call (zeros
     *         never appear as nulls: every live parameter influences the logits)
     */
    public INDArray[] backward(Pass pass, INDArray dLogits) {
        if (!pass.differentiable) {
            throw new IllegalStateException("This pass was run for inference and cannot be back-propagated");
        }
        if (pass.spent) {
            throw new IllegalStateException("This pass was already back-propagated or closed");
        }
        pass.spent = true;
        List<Layer> layers = plan.layers();
        PassMemory mem = new PassMemory(pass.pool);
        mem.foreign(dLogits);
        INDArray[] grads = new INDArray[plan.parameters().size()];
        try {
            backwardLayers(pass, mem, dLogits, grads);
        } finally {
            mem.releaseAll();
            pass.close();
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) {
                grads[i] = Nd4j.zerosLike(pass.params.tensor(i));
            }
        }
        return grads;
    }

    /**
     * The reverse steps, newest layer first. Upstream gradients are held in {@code mem} (that of the caller's
     * scope at backward time, the pass's own memory holding the activations), each freed after its layer ran.
     */
    private void backwardLayers(Pass pass, PassMemory mem, INDArray dLogits, INDArray[] grads) {
        List<Layer> layers = plan.layers();
        INDArray[] v = pass.values;
        INDArray[] d = new INDArray[layers.size()];
        d[layers.size() - 1] = dLogits;
        for (int id = layers.size() - 1; id > 0; id--) {
            INDArray dy = d[id];
            d[id] = null;
            Layer layer = layers.get(id);
            if (dy != null) {
                long t0 = profile == null ? 0 : System.nanoTime();
                try (MemoryWorkspace ignored = mem.scratch()) {
                    backwardLayer(pass, mem, layer, dy, d, grads);
                }
                if (profile != null) {
                    profile.add(layer.op(), true, System.nanoTime() - t0);
                }
                mem.release(dy);
            }
            pass.releaseCache(id);
            for (int k : backwardReads(layer)) {
                if (--pass.backwardReads[k] == 0) {
                    pass.memory.release(v[k]);
                    v[k] = null;
                }
            }
        }
    }

    private static void backwardLayer(Pass pass, PassMemory mem, Layer layer, INDArray dy, INDArray[] d,
                                      INDArray[] grads) {
        INDArray[] v = pass.values;
        int id = layer.id();
        Op op = layer.op();
        INDArray in = v[layer.input(0)];
        long[] inShape = pass.shapes[layer.input(0)];
        if (op instanceof Op.Conv c) {
            INDArray[] g = ConvKernel.backward(in, p(pass, layer, 0), dy, geometry(c));
            accumulate(mem, d, layer.input(0), g[0]);
            grads[layer.parameters().get(0)] = mem.resultOf(g[1]);
        } else if (op instanceof Op.Linear l) {
            INDArray[] g = LinearKernel.backward(in, p(pass, layer, 0), l.bias(), dy);
            accumulate(mem, d, layer.input(0), g[0]);
            grads[layer.parameters().get(0)] = mem.resultOf(g[1]);
            if (l.bias()) {
                grads[layer.parameters().get(1)] = mem.resultOf(g[2]);
            }
        } else if (op instanceof Op.BatchNorm) {
            INDArray[] g = BatchNormKernel.backward((BatchNormKernel.Cache) pass.caches[id], dy);
            accumulate(mem, d, layer.input(0), g[0]);
            grads[layer.parameters().get(0)] = mem.resultOf(g[1]);
            grads[layer.parameters().get(1)] = mem.resultOf(g[2]);
        } else if (op instanceof Op.LayerNorm) {
            INDArray[] g = LayerNormKernel.backward((LayerNormKernel.Cache) pass.caches[id], dy);
            accumulate(mem, d, layer.input(0), g[0]);
            grads[layer.parameters().get(0)] = mem.resultOf(g[1]);
            grads[layer.parameters().get(1)] = mem.resultOf(g[2]);
        } else if (op instanceof Op.Activation a) {
            accumulate(mem, d, layer.input(0), switch (a.kind()) {
                case RELU -> ActivationKernel.reluBackward(v[id], dy);
                case GELU -> ActivationKernel.geluBackward(in, dy);
                case HARDSWISH -> ActivationKernel.hardswishBackward(in, dy);
            });
        } else if (op instanceof Op.MaxPool mp) {
            accumulate(mem, d, layer.input(0), PoolKernel.maxBackward(in, dy, mp.kernel(), mp.stride(),
                    mp.padding()));
        } else if (op instanceof Op.AvgPool ap) {
            accumulate(mem, d, layer.input(0), PoolKernel.avgBackward(in, dy, ap.kernel(), ap.stride(),
                    ap.padding()));
        } else if (op instanceof Op.GlobalAvgPool || op instanceof Op.ChannelMean) {
            accumulate(mem, d, layer.input(0), PoolKernel.globalAvgBackward(dy, inShape[2], inShape[3]));
        } else if (op instanceof Op.Flatten) {
            accumulate(mem, d, layer.input(0), dy.reshape(inShape));
        } else if (op instanceof Op.Sum) {
            for (int k = 0; k < layer.inputs().size(); k++) {
                accumulate(mem, d, layer.input(k), dy);
            }
        } else if (op instanceof Op.Concat) {
            long offset = 0;
            for (int k = 0; k < layer.inputs().size(); k++) {
                long c = pass.shapes[layer.input(k)][1];
                INDArray view = dy.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + c),
                        NDArrayIndex.all(), NDArrayIndex.all());
                INDArray slice = CustomOps.result(dy.dataType(), view.shape()).assign(view);
                accumulate(mem, d, layer.input(k), slice);
                offset += c;
            }
        } else if (op instanceof Op.Subsample s) {
            accumulate(mem, d, layer.input(0), SliceKernel.subsampleBackward(dy, inShape, s.stride()));
        } else if (op instanceof Op.Shift) {
            accumulate(mem, d, layer.input(0), SliceKernel.shiftBackward(dy, inShape));
        } else if (op instanceof Op.Zeros) {
            return; // the reference multiplies a state by zero: no gradient reaches it
        } else if (op instanceof Op.Attention) {
            accumulate(mem, d, layer.input(0),
                    AttentionKernel.backward((AttentionKernel.Cache) pass.caches[id], dy));
        } else if (op instanceof Op.ChannelScale) {
            INDArray[] g = ChannelScaleKernel.backward(in, v[layer.input(1)], dy);
            accumulate(mem, d, layer.input(0), g[0]);
            accumulate(mem, d, layer.input(1), g[1]);
        } else if (op instanceof Op.PositionEncoding) {
            accumulate(mem, d, layer.input(0), dy);
            grads[layer.parameters().get(0)] = mem.resultOf(
                    dy.sum(0).reshape(1, dy.size(1), dy.size(2), dy.size(3)));
        } else if (op instanceof Op.Dropout) {
            Object cache = pass.caches[id];
            accumulate(mem, d, layer.input(0),
                    cache == null ? dy : DropoutKernel.backward((DropoutKernel.Cache) cache, dy));
        } else {
            throw new IllegalStateException("Unsupported op " + op);
        }
    }

    /**
     * Running BatchNorm statistics over calibration batches: for each BN layer, the mean of the batch means and of
     * the biased batch variances (equal-sized batches make this the statistics of the whole set up to the
     * between-batch term, which is what PyTorch's cumulative running average also ignores).
     */
    public BatchNormStatistics calibrate(NetworkParameters params, Iterable<INDArray> batches) {
        Map<Integer, INDArray> mean = new HashMap<>();
        Map<Integer, INDArray> var = new HashMap<>();
        int images = 0;
        int count = 0;
        for (INDArray x : batches) {
            run(params, x, false, null, null, false, (layer, m, s) -> {
                mean.merge(layer, m, INDArray::add);
                var.merge(layer, s, INDArray::add);
            });
            images += (int) x.size(0);
            count++;
        }
        if (count == 0) {
            throw new IllegalArgumentException("Calibration needs at least one batch");
        }
        final int n = count;
        mean.replaceAll((k, a) -> a.div(n));
        var.replaceAll((k, a) -> a.div(n));
        return new BatchNormStatistics(mean, var, images);
    }

    /**
     * Adds a gradient into an input's slot, taking over {@code g}. In place when the slot's array is held by the
     * slot alone (not shared by a Sum's inputs, a view or a cache), else into a fresh array.
     */
    private static void accumulate(PassMemory mem, INDArray[] d, int index, INDArray g) {
        INDArray held = mem.hold(g);
        INDArray old = d[index];
        if (old == null) {
            d[index] = held;
        } else if (mem.exclusive(old) && !old.isView()) {
            old.addi(held);
            mem.release(held);
        } else {
            INDArray sum = old.add(held, CustomOps.result(old.dataType(), old.shape()));
            d[index] = mem.hold(sum);
            mem.release(old);
            mem.release(held);
        }
    }

    private static INDArray p(Pass pass, Layer layer, int k) {
        return pass.params.tensor(layer.parameters().get(k));
    }

    private static ConvGeometry geometry(Op.Conv c) {
        return new ConvGeometry(c.kh(), c.kw(), c.sh(), c.sw(), c.ph(), c.pw(), c.dilation(), c.groups());
    }
}
