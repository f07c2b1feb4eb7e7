package org.ghnas.experiments.export;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.ghnas.space.plan.Layer;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.plan.TensorShape;
import org.ghnas.space.runtime.BatchNormStatistics;
import org.ghnas.space.runtime.NetworkParameters;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Walks a {@link NetworkPlan} in data-flow order and asks a back end (SameDiff, ONNX) for one value per layer, so
 * that both exported formats follow the plan, and thus {@code RunnableNetwork}'s inference pass, op for op.
 *
 * <p>Every op is translated in evaluation mode: BatchNorm on the calibrated running statistics, dropout as the
 * identity. Tensors are handed over in the plan's PyTorch layouts; back ends re-lay them out as their ops need.
 *
 * @param <V> the back end's handle of a value (a SameDiff variable, an ONNX value name)
 */
abstract class PlanTranslator<V> {

    /** Name of the network input {@code [N, C, H, W]} in every exported format. */
    static final String INPUT = "input";
    /** Name of the logits {@code [N, classes]} in every exported format. */
    static final String OUTPUT = "logits";
    /** BatchNorm and LayerNorm epsilon of the space. */
    static final double EPS = 1e-5;

    final NetworkPlan plan;
    private final NetworkParameters params;
    private final BatchNormStatistics statistics;

    PlanTranslator(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statisticsOrNull) {
        this.plan = requireNonNull(plan, "plan");
        this.params = requireNonNull(params, "params");
        this.statistics = statisticsOrNull;
        if (params.size() != plan.parameters().size()) {
            throw new IllegalArgumentException("params must hold " + plan.parameters().size()
                    + " tensors for this plan, but held " + params.size());
        }
        boolean hasBatchNorm = plan.layers().stream().anyMatch(l -> l.op() instanceof Op.BatchNorm);
        if (hasBatchNorm && statisticsOrNull == null) {
            throw new IllegalArgumentException("statistics: a network with BatchNorm needs calibrated running statistics");
        }
    }

    /** Translates every layer and returns the handle of the logits, renamed {@link #OUTPUT}. */
    final V translate() {
        List<Layer> layers = plan.layers();
        List<V> v = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            v.add(layer.inputs().isEmpty() ? input(plan.input().channels(), plan.input().height(), plan.input().width())
                    : translate(layer, v));
        }
        return output(v.get(v.size() - 1), plan.input().classes());
    }

    private V translate(Layer layer, List<V> v) {
        Op op = layer.op();
        V in = v.get(layer.input(0));
        TensorShape inShape = plan.layer(layer.input(0)).output();
        if (op instanceof Op.Conv c) {
            return conv(in, tensor(layer, 0), c);
        } else if (op instanceof Op.Linear l) {
            return linear(in, inShape.vector(), tensor(layer, 0), l.bias() ? tensor(layer, 1) : null);
        } else if (op instanceof Op.BatchNorm) {
            return batchNorm(in, prefix(layer), tensor(layer, 0), tensor(layer, 1),
                    statistics.mean().get(layer.id()), statistics.variance().get(layer.id()));
        } else if (op instanceof Op.LayerNorm) {
            return layerNorm(in, tensor(layer, 0), tensor(layer, 1));
        } else if (op instanceof Op.Activation a) {
            return activation(in, a.kind());
        } else if (op instanceof Op.MaxPool p) {
            return pool(in, true, p.kernel(), p.stride(), p.padding());
        } else if (op instanceof Op.AvgPool p) {
            return pool(in, false, p.kernel(), p.stride(), p.padding());
        } else if (op instanceof Op.GlobalAvgPool || op instanceof Op.ChannelMean) {
            return spatialMean(in);
        } else if (op instanceof Op.Flatten) {
            return inShape.vector() ? in : flatten(in, inShape.size());
        } else if (op instanceof Op.Sum) {
            V out = add(in, v.get(layer.input(1)));
            for (int k = 2; k < layer.inputs().size(); k++) {
                out = add(out, v.get(layer.input(k)));
            }
            return out;
        } else if (op instanceof Op.Concat) {
            List<V> parts = new ArrayList<>();
            for (int k : layer.inputs()) {
                parts.add(v.get(k));
            }
            return concat(parts);
        } else if (op instanceof Op.Subsample s) {
            return slice(in, 0, s.stride());
        } else if (op instanceof Op.Shift) {
            return slice(in, 1, 1);
        } else if (op instanceof Op.Zeros) {
            return zerosLike(in);
        } else if (op instanceof Op.Attention a) {
            return attention(in, a.heads(), a.dimHead(), inShape.height(), inShape.width());
        } else if (op instanceof Op.ChannelScale) {
            return channelScale(in, v.get(layer.input(1)), inShape.channels());
        } else if (op instanceof Op.PositionEncoding) {
            return addConstant(in, tensor(layer, 0));
        } else if (op instanceof Op.Dropout) {
            return in;
        }
        throw new IllegalStateException("Unsupported op " + op);
    }

    private INDArray tensor(Layer layer, int k) {
        return params.tensor(layer.parameters().get(k));
    }

    /** The module path of a layer's parameters ({@code cells.0._ops.1.op.2}), for naming running statistics. */
    private String prefix(Layer layer) {
        ParameterSpec p = plan.parameters().get(layer.parameters().get(0));
        int dot = p.name().lastIndexOf('.');
        return dot < 0 ? p.name() : p.name().substring(0, dot);
    }

    /** The network input {@code [N, C, H, W]} named {@link #INPUT}, batch size free. */
    abstract V input(int channels, int height, int width);

    /** The logits {@code [N, classes]} under the name {@link #OUTPUT}. */
    abstract V output(V logits, int classes);

    /** Bias-free convolution, weight {@code [out, in/groups, kh, kw]}. */
    abstract V conv(V x, INDArray weight, Op.Conv c);

    /** {@code x W^T + b} on {@code [N, in]} vectors, or per position of an {@code [N, in, H, W]} map. */
    abstract V linear(V x, boolean vectorInput, INDArray weight, INDArray biasOrNull);

    /** Inference BatchNorm with per-channel running statistics, eps {@link #EPS}. */
    abstract V batchNorm(V x, String name, INDArray gamma, INDArray beta, INDArray mean, INDArray variance);

    /** LayerNorm over the channels of each position, eps {@link #EPS} inside the square root. */
    abstract V layerNorm(V x, INDArray gamma, INDArray beta);

    /** ReLU, exact (erf) GELU or Hardswish {@code x relu6(x + 3) / 6}. */
    abstract V activation(V x, Op.Activation.Kind kind);

    /** Square max pooling, or average pooling that excludes padding from the count. */
    abstract V pool(V x, boolean max, int kernel, int stride, int padding);

    /** Mean over the positions: {@code [N, C, H, W] -> [N, C]}. */
    abstract V spatialMean(V x);

    /** {@code [N, C, H, W] -> [N, C*H*W]}. */
    abstract V flatten(V x, long features);

    abstract V add(V a, V b);

    /** Channel concatenation. */
    abstract V concat(List<V> parts);

    /** {@code x[:, :, start::stride, start::stride]}. */
    abstract V slice(V x, int start, int stride);

    abstract V zerosLike(V x);

    /**
     * Self-attention over the H*W positions of {@code qkv [N, 3*heads*dimHead, H, W]}: each of q, k, v is a block of
     * channels, read as {@code [N*heads, dimHead, tokens]}; output {@code [N, heads*dimHead, H, W]}.
     */
    abstract V attention(V qkv, int heads, int dimHead, int height, int width);

    /** {@code x[n, c, h, w] * gate[n, c]}. */
    abstract V channelScale(V x, V gate, int channels);

    /** {@code x + constant}, the constant broadcast over the batch. */
    abstract V addConstant(V x, INDArray constant);
}
