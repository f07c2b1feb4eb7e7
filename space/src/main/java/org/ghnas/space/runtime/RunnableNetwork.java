package org.ghnas.space.runtime;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.ghnas.space.plan.Layer;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
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

    /** One forward pass: the logits plus everything the reverse pass needs. */
    public static final class Pass {
        private final NetworkParameters params;
        private final INDArray[] values;
        private final Object[] caches;
        private final boolean differentiable;

        private Pass(NetworkParameters params, int layers, boolean differentiable) {
            this.params = params;
            this.values = new INDArray[layers];
            this.caches = new Object[layers];
            this.differentiable = differentiable;
        }

        /** Logits {@code [N, classes]}. */
        public INDArray logits() {
            return values[values.length - 1];
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
        return run(params, images, training, dropoutRng, null, true);
    }

    /** Inference with calibrated running BatchNorm statistics; the pass cannot be back-propagated. */
    public Pass forward(NetworkParameters params, INDArray images, BatchNormStatistics statistics) {
        return run(params, images, false, null, requireNonNull(statistics, "statistics"), false);
    }

    /** Logits without keeping what backward needs (evaluation on batch statistics). */
    public INDArray predict(NetworkParameters params, INDArray images) {
        return run(params, images, false, null, null, false).logits();
    }

    private Pass run(NetworkParameters params, INDArray x, boolean training, RandomGenerator rng,
                     BatchNormStatistics stats, boolean keep) {
        if (params.plan() != plan && params.size() != plan.parameters().size()) {
            throw new IllegalArgumentException("Parameters belong to another plan");
        }
        if (training && rng == null) {
            throw new IllegalArgumentException("Training needs a dropout generator");
        }
        List<Layer> layers = plan.layers();
        Pass pass = new Pass(params, layers.size(), keep);
        INDArray[] v = pass.values;
        int[] lastUse = keep ? null : lastUses(layers);
        for (Layer layer : layers) {
            long t0 = profile == null ? 0 : System.nanoTime();
            int id = layer.id();
            Op op = layer.op();
            INDArray in = layer.inputs().isEmpty() ? null : v[layer.input(0)];
            INDArray out;
            if (op instanceof Op.Input) {
                out = x;
            } else if (op instanceof Op.Conv c) {
                out = ConvKernel.forward(in, p(pass, layer, 0), geometry(c));
            } else if (op instanceof Op.Linear l) {
                out = LinearKernel.forward(in, p(pass, layer, 0), l.bias() ? p(pass, layer, 1) : null);
            } else if (op instanceof Op.BatchNorm) {
                if (stats != null) {
                    out = BatchNormKernel.forwardInference(in, p(pass, layer, 0), p(pass, layer, 1),
                            stats.mean().get(id), stats.variance().get(id));
                } else {
                    BatchNormKernel.Cache c = BatchNormKernel.forwardTrain(in, p(pass, layer, 0), p(pass, layer, 1));
                    pass.caches[id] = keep ? c : null;
                    out = c.output();
                }
            } else if (op instanceof Op.LayerNorm) {
                LayerNormKernel.Cache c = LayerNormKernel.forward(in, p(pass, layer, 0), p(pass, layer, 1));
                pass.caches[id] = keep ? c : null;
                out = c.output();
            } else if (op instanceof Op.Activation a) {
                out = switch (a.kind()) {
                    case RELU -> ActivationKernel.relu(in);
                    case GELU -> ActivationKernel.gelu(in);
                    case HARDSWISH -> ActivationKernel.hardswish(in);
                };
            } else if (op instanceof Op.MaxPool mp) {
                out = PoolKernel.maxForward(in, mp.kernel(), mp.stride(), mp.padding());
            } else if (op instanceof Op.AvgPool ap) {
                out = PoolKernel.avgForward(in, ap.kernel(), ap.stride(), ap.padding());
            } else if (op instanceof Op.GlobalAvgPool || op instanceof Op.ChannelMean) {
                out = PoolKernel.globalAvgForward(in);
            } else if (op instanceof Op.Flatten) {
                out = in.reshape(in.size(0), in.length() / in.size(0));
            } else if (op instanceof Op.Sum) {
                out = in.add(v[layer.input(1)]);
                for (int k = 2; k < layer.inputs().size(); k++) {
                    out.addi(v[layer.input(k)]);
                }
            } else if (op instanceof Op.Concat) {
                INDArray[] parts = new INDArray[layer.inputs().size()];
                for (int k = 0; k < parts.length; k++) {
                    parts[k] = v[layer.input(k)];
                }
                out = Nd4j.concat(1, parts);
            } else if (op instanceof Op.Subsample s) {
                out = SliceKernel.subsample(in, s.stride());
            } else if (op instanceof Op.Shift) {
                out = SliceKernel.shift(in);
            } else if (op instanceof Op.Zeros) {
                out = Nd4j.zerosLike(in);
            } else if (op instanceof Op.Attention a) {
                AttentionKernel.Cache c = AttentionKernel.forward(in, a.heads());
                pass.caches[id] = keep ? c : null;
                out = c.output();
            } else if (op instanceof Op.ChannelScale) {
                out = ChannelScaleKernel.forward(in, v[layer.input(1)]);
            } else if (op instanceof Op.PositionEncoding) {
                INDArray pe = p(pass, layer, 0);
                out = in.add(pe.broadcast(in.shape()));
            } else if (op instanceof Op.Dropout d) {
                if (training) {
                    DropoutKernel.Cache c = DropoutKernel.forward(in, d.p(), rng);
                    pass.caches[id] = keep ? c : null;
                    out = c.output();
                } else {
                    out = in;
                }
            } else {
                throw new IllegalStateException("Unsupported op " + op);
            }
            v[id] = out;
            if (profile != null) {
                profile.add(op, false, System.nanoTime() - t0);
            }
            if (lastUse != null) {
                // free activations as soon as no later layer reads them
                for (int in2 : layer.inputs()) {
                    if (lastUse[in2] == id && in2 != 0) {
                        v[in2] = null;
                    }
                }
            }
        }
        return pass;
    }

    private static int[] lastUses(List<Layer> layers) {
        int[] last = new int[layers.size()];
        for (Layer l : layers) {
            for (int in : l.inputs()) {
                last[in] = l.id();
            }
        }
        return last;
    }

    /** Mean cross-entropy of a pass against labels, with the gradient of the loss w.r.t. the logits. */
    public LossKernel.Result loss(Pass pass, int[] labels) {
        return LossKernel.crossEntropy(pass.logits(), labels);
    }

    /**
     * Back-propagates {@code dLogits} through a pass made by {@link #forward(NetworkParameters, INDArray, boolean,
     * RandomGenerator)}.
     *
     * @return the gradient of every parameter tensor, in plan order (zeros never appear as nulls: every live
     *         parameter influences the logits)
     */
    public INDArray[] backward(Pass pass, INDArray dLogits) {
        if (!pass.differentiable) {
            throw new IllegalStateException("This pass was run for inference and cannot be back-propagated");
        }
        List<Layer> layers = plan.layers();
        INDArray[] v = pass.values;
        INDArray[] d = new INDArray[layers.size()];
        INDArray[] grads = new INDArray[plan.parameters().size()];
        d[layers.size() - 1] = dLogits;
        for (int id = layers.size() - 1; id > 0; id--) {
            INDArray dy = d[id];
            if (dy == null) {
                continue;
            }
            d[id] = null;
            long t0 = profile == null ? 0 : System.nanoTime();
            Layer layer = layers.get(id);
            Op op = layer.op();
            INDArray in = v[layer.input(0)];
            if (op instanceof Op.Conv c) {
                INDArray[] g = ConvKernel.backward(in, p(pass, layer, 0), dy, geometry(c));
                accumulate(d, layer.input(0), g[0]);
                grads[layer.parameters().get(0)] = g[1];
            } else if (op instanceof Op.Linear l) {
                INDArray[] g = LinearKernel.backward(in, p(pass, layer, 0), l.bias(), dy);
                accumulate(d, layer.input(0), g[0]);
                grads[layer.parameters().get(0)] = g[1];
                if (l.bias()) {
                    grads[layer.parameters().get(1)] = g[2];
                }
            } else if (op instanceof Op.BatchNorm) {
                INDArray[] g = BatchNormKernel.backward((BatchNormKernel.Cache) pass.caches[id], dy);
                accumulate(d, layer.input(0), g[0]);
                grads[layer.parameters().get(0)] = g[1];
                grads[layer.parameters().get(1)] = g[2];
            } else if (op instanceof Op.LayerNorm) {
                INDArray[] g = LayerNormKernel.backward((LayerNormKernel.Cache) pass.caches[id], dy);
                accumulate(d, layer.input(0), g[0]);
                grads[layer.parameters().get(0)] = g[1];
                grads[layer.parameters().get(1)] = g[2];
            } else if (op instanceof Op.Activation a) {
                accumulate(d, layer.input(0), switch (a.kind()) {
                    case RELU -> ActivationKernel.reluBackward(in, dy);
                    case GELU -> ActivationKernel.geluBackward(in, dy);
                    case HARDSWISH -> ActivationKernel.hardswishBackward(in, dy);
                });
            } else if (op instanceof Op.MaxPool mp) {
                accumulate(d, layer.input(0), PoolKernel.maxBackward(in, dy, mp.kernel(), mp.stride(), mp.padding()));
            } else if (op instanceof Op.AvgPool ap) {
                accumulate(d, layer.input(0), PoolKernel.avgBackward(in, dy, ap.kernel(), ap.stride(), ap.padding()));
            } else if (op instanceof Op.GlobalAvgPool || op instanceof Op.ChannelMean) {
                accumulate(d, layer.input(0), PoolKernel.globalAvgBackward(dy, in.size(2), in.size(3)));
            } else if (op instanceof Op.Flatten) {
                accumulate(d, layer.input(0), dy.reshape(in.shape()));
            } else if (op instanceof Op.Sum) {
                for (int k = 0; k < layer.inputs().size(); k++) {
                    accumulate(d, layer.input(k), dy);
                }
            } else if (op instanceof Op.Concat) {
                long offset = 0;
                for (int k = 0; k < layer.inputs().size(); k++) {
                    long c = v[layer.input(k)].size(1);
                    accumulate(d, layer.input(k), dy.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + c),
                            NDArrayIndex.all(), NDArrayIndex.all()).dup());
                    offset += c;
                }
            } else if (op instanceof Op.Subsample s) {
                accumulate(d, layer.input(0), SliceKernel.subsampleBackward(dy, in.shape(), s.stride()));
            } else if (op instanceof Op.Shift) {
                accumulate(d, layer.input(0), SliceKernel.shiftBackward(dy, in.shape()));
            } else if (op instanceof Op.Zeros) {
                continue; // the reference multiplies a state by zero: no gradient reaches it
            } else if (op instanceof Op.Attention) {
                accumulate(d, layer.input(0), AttentionKernel.backward((AttentionKernel.Cache) pass.caches[id], dy));
            } else if (op instanceof Op.ChannelScale) {
                INDArray[] g = ChannelScaleKernel.backward(in, v[layer.input(1)], dy);
                accumulate(d, layer.input(0), g[0]);
                accumulate(d, layer.input(1), g[1]);
            } else if (op instanceof Op.PositionEncoding) {
                accumulate(d, layer.input(0), dy);
                grads[layer.parameters().get(0)] = dy.sum(0).reshape(1, dy.size(1), dy.size(2), dy.size(3));
            } else if (op instanceof Op.Dropout) {
                Object cache = pass.caches[id];
                accumulate(d, layer.input(0), cache == null ? dy : DropoutKernel.backward((DropoutKernel.Cache) cache, dy));
            } else {
                throw new IllegalStateException("Unsupported op " + op);
            }
            if (profile != null) {
                profile.add(op, true, System.nanoTime() - t0);
            }
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) {
                grads[i] = Nd4j.zerosLike(pass.params.tensor(i));
            }
        }
        return grads;
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
            Pass pass = run(params, x, false, null, null, true);
            for (Layer layer : plan.layers()) {
                if (layer.op() instanceof Op.BatchNorm) {
                    INDArray[] s = BatchNormKernel.batchStatistics(pass.values[layer.input(0)]);
                    mean.merge(layer.id(), s[0].dup(), INDArray::add);
                    var.merge(layer.id(), s[1].dup(), INDArray::add);
                }
            }
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

    private static void accumulate(INDArray[] d, int index, INDArray g) {
        // never add in place: the same array may have been handed to several inputs (sums) or be a kernel's cache
        d[index] = d[index] == null ? g : d[index].add(g);
    }

    private static INDArray p(Pass pass, Layer layer, int k) {
        return pass.params.tensor(layer.parameters().get(k));
    }

    private static ConvGeometry geometry(Op.Conv c) {
        return new ConvGeometry(c.kh(), c.kw(), c.sh(), c.sw(), c.ph(), c.pw(), c.dilation(), c.groups());
    }
}
