package org.ghnas.experiments.export;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.List;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
import org.ghnas.space.runtime.BatchNormStatistics;
import org.ghnas.space.runtime.NetworkParameters;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds a SameDiff graph of a plan with its tensors as constants: the portable ND4J form of a ghnas network, saved
 * with {@code SameDiff.asFlatFile} and loaded with plain {@code SameDiff.fromFlatFile}.
 *
 * <p>Dilated depthwise convolutions are written as undilated ones with the kernel spread out by zeros
 * (a 3x3 kernel at dilation 2 becomes a 5x5 one): M2.1's oneDNN depthwise op cannot run dilated float32
 * convolutions (see the runtime's ConvKernel), and the zeros change no result.
 */
final class SameDiffTranslator extends PlanTranslator<SDVariable> {

    private final SameDiff sd = SameDiff.create();
    private int constants;

    private SameDiffTranslator(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statistics) {
        super(plan, params, statistics);
    }

    /** The inference graph: placeholder {@value #INPUT} {@code [-1, C, H, W]}, output {@value #OUTPUT}. */
    static SameDiff build(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statisticsOrNull) {
        SameDiffTranslator t = new SameDiffTranslator(plan, params, statisticsOrNull);
        t.translate();
        return t.sd;
    }

    private SDVariable constant(INDArray a) {
        return sd.constant("c" + constants++, a.castTo(DataType.FLOAT).dup('c'));
    }

    private SDVariable constant(String name, INDArray a) {
        return sd.constant(name, a.castTo(DataType.FLOAT).dup('c'));
    }

    private static INDArray channelView(INDArray v) {
        return v.dup('c').reshape(1, v.length(), 1, 1);
    }

    @Override
    SDVariable input(int channels, int height, int width) {
        return sd.placeHolder(INPUT, DataType.FLOAT, -1, channels, height, width);
    }

    @Override
    SDVariable output(SDVariable logits, int classes) {
        return sd.identity(OUTPUT, logits);
    }

    @Override
    SDVariable conv(SDVariable x, INDArray weight, Op.Conv c) {
        int d = c.dilation();
        if (c.depthwise()) {
            INDArray w = weight;
            int kh = c.kh();
            int kw = c.kw();
            if (d > 1) {
                kh = d * (c.kh() - 1) + 1;
                kw = d * (c.kw() - 1) + 1;
                w = Nd4j.zeros(weight.dataType(), weight.size(0), 1, kh, kw);
                for (int i = 0; i < c.kh(); i++) {
                    for (int j = 0; j < c.kw(); j++) {
                        w.get(all(), all(), point(i * d), point(j * d)).assign(weight.get(all(), all(), point(i), point(j)));
                    }
                }
            }
            // [C, 1, kh, kw] -> [kh, kw, C, 1]
            return sd.cnn().depthWiseConv2d(x, constant(w.permute(2, 3, 0, 1)), config(kh, kw, c, 1));
        }
        // [out, in, kh, kw] -> [kh, kw, in, out]
        return sd.cnn().conv2d(x, constant(weight.permute(2, 3, 1, 0)), config(c.kh(), c.kw(), c, d));
    }

    private static Conv2DConfig config(int kh, int kw, Op.Conv c, int dilation) {
        return Conv2DConfig.builder().kH(kh).kW(kw).sH(c.sh()).sW(c.sw()).pH(c.ph()).pW(c.pw())
                .dH(dilation).dW(dilation).paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW)
                .weightsFormat(WeightsFormat.YXIO).build();
    }

    @Override
    SDVariable linear(SDVariable x, boolean vectorInput, INDArray weight, INDArray biasOrNull) {
        if (vectorInput) {
            SDVariable y = sd.mmul(x, constant(weight.transpose()));
            return biasOrNull == null ? y : y.add(constant(biasOrNull.reshape(biasOrNull.length())));
        }
        SDVariable w = constant(weight.reshape(1, 1, weight.size(0), weight.size(1)).permute(0, 1, 3, 2));
        Conv2DConfig pointwise = Conv2DConfig.builder().kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
        return biasOrNull == null ? sd.cnn().conv2d(x, w, pointwise)
                : sd.cnn().conv2d(x, w, constant(biasOrNull.reshape(biasOrNull.length())), pointwise);
    }

    @Override
    SDVariable batchNorm(SDVariable x, String name, INDArray gamma, INDArray beta, INDArray mean, INDArray variance) {
        return sd.nn().batchNorm(x, constant(name + ".running_mean", mean.reshape(mean.length())),
                constant(name + ".running_var", variance.reshape(variance.length())),
                constant(gamma.reshape(gamma.length())), constant(beta.reshape(beta.length())), EPS, 1);
    }

    @Override
    SDVariable layerNorm(SDVariable x, INDArray gamma, INDArray beta) {
        SDVariable centred = x.sub(sd.mean(x, true, 1));
        SDVariable variance = sd.mean(centred.mul(centred), true, 1);
        SDVariable invStd = sd.math().pow(variance.add(EPS), -0.5);
        return centred.mul(invStd).mul(constant(channelView(gamma))).add(constant(channelView(beta)));
    }

    @Override
    SDVariable activation(SDVariable x, Op.Activation.Kind kind) {
        switch (kind) {
            case RELU:
                return sd.nn().relu(x, 0.0);
            case GELU:
                return sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0).mul(0.5).mul(x);
            case HARDSWISH:
                return sd.math().clipByValue(x.add(3.0), 0.0, 6.0).mul(x).div(6.0);
            default:
                throw new IllegalStateException("Unsupported activation " + kind);
        }
    }

    @Override
    SDVariable pool(SDVariable x, boolean max, int kernel, int stride, int padding) {
        Pooling2DConfig.Pooling2DConfigBuilder b = Pooling2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride)
                .pH(padding).pW(padding).dH(1).dW(1).paddingMode(PaddingMode.VALID).isNHWC(false);
        if (max) {
            return sd.cnn().maxPooling2d(x, b.type(Pooling2D.Pooling2DType.MAX).build());
        }
        return sd.cnn().avgPooling2d(x, b.type(Pooling2D.Pooling2DType.AVG)
                .divisor(Pooling2D.Divisor.EXCLUDE_PADDING).build());
    }

    @Override
    SDVariable spatialMean(SDVariable x) {
        return sd.mean(x, 2, 3);
    }

    @Override
    SDVariable flatten(SDVariable x, long features) {
        return sd.reshape(x, -1, features);
    }

    @Override
    SDVariable add(SDVariable a, SDVariable b) {
        return a.add(b);
    }

    @Override
    SDVariable concat(List<SDVariable> parts) {
        return sd.concat(1, parts.toArray(new SDVariable[0]));
    }

    @Override
    SDVariable slice(SDVariable x, int start, int stride) {
        // batch and channel axes: whole range (mask bits 0 and 1); spatial axes from start to the end
        int beginMask = start == 0 ? 0b1111 : 0b0011;
        return sd.stridedSlice(x, new long[] {0, 0, start, start}, new long[] {0, 0, 0, 0},
                new long[] {1, 1, stride, stride}, beginMask, 0b1111, 0, 0, 0);
    }

    @Override
    SDVariable zerosLike(SDVariable x) {
        return sd.zerosLike(x);
    }

    @Override
    SDVariable attention(SDVariable qkv, int heads, int dimHead, int height, int width) {
        long inner = (long) heads * dimHead;
        long tokens = (long) height * width;
        SDVariable[] parts = new SDVariable[3];
        for (int i = 0; i < 3; i++) {
            SDVariable block = sd.stridedSlice(qkv, new long[] {0, i * inner, 0, 0}, new long[] {0, (i + 1) * inner, 0, 0},
                    new long[] {1, 1, 1, 1}, 0b1101, 0b1101, 0, 0, 0);
            parts[i] = sd.reshape(block, -1, dimHead, tokens);
        }
        SDVariable q = parts[0].mul(1.0 / Math.sqrt(dimHead));
        SDVariable scores = sd.mmul(q, parts[1], true, false, false);
        SDVariable weights = sd.nn().softmax(scores, 2);
        SDVariable out = sd.mmul(parts[2], weights, false, true, false);
        return sd.reshape(out, -1, inner, height, width);
    }

    @Override
    SDVariable channelScale(SDVariable x, SDVariable gate, int channels) {
        return x.mul(sd.reshape(gate, -1, channels, 1, 1));
    }

    @Override
    SDVariable addConstant(SDVariable x, INDArray constant) {
        return x.add(constant(constant));
    }
}
