package org.ghnas.experiments.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.Op;
import org.ghnas.space.runtime.BatchNormStatistics;
import org.ghnas.space.runtime.NetworkParameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a plan with its tensors as an ONNX model (opset {@value #OPSET}, standard operators only), so that the
 * exported network runs in any ONNX runtime. Built with the ONNX protobuf classes that ND4J already ships, so
 * export needs no further dependency.
 *
 * <p>The batch axis is symbolic ({@code N}); everything else is fixed by the plan's input shape.
 */
final class OnnxTranslator extends PlanTranslator<String> {

    /** The ONNX operator set the models use: LayerNorm, GELU and Hardswish are composed of opset-13 operators. */
    static final int OPSET = 13;
    /** IR version 7 goes with opset 13. */
    private static final int IR_VERSION = 7;

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("ghnas");
    private int values;

    private OnnxTranslator(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statistics) {
        super(plan, params, statistics);
    }

    /** The serialized ModelProto. */
    static byte[] build(NetworkPlan plan, NetworkParameters params, BatchNormStatistics statisticsOrNull,
                        String docString) {
        OnnxTranslator t = new OnnxTranslator(plan, params, statisticsOrNull);
        t.translate();
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("ghnas")
                .setDocString(docString)
                .setGraph(t.graph)
                .build()
                .toByteArray();
    }

    private String fresh() {
        return "v" + values++;
    }

    private String node(String opType, List<String> inputs, Onnx.AttributeProto... attributes) {
        String out = fresh();
        node(opType, inputs, out, attributes);
        return out;
    }

    private void node(String opType, List<String> inputs, String output, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(opType).setName(output + "_" + opType)
                .addAllInput(inputs).addOutput(output);
        for (Onnx.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    private static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    private static Onnx.AttributeProto real(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    /** A float32 initializer holding the array's values in its own shape ({@code shape} overrides it if given). */
    private String initializer(String name, INDArray a, long... shape) {
        float[] data = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : shape.length > 0 ? shape : a.shape()) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private String initializer(INDArray a, long... shape) {
        return initializer("w" + values++, a, shape);
    }

    private String scalar(float value) {
        String name = "s" + values++;
        graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber()).addFloatData(value));
        return name;
    }

    private String int64s(long... values) {
        String name = "i" + this.values++;
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.INT64.getNumber()).addDims(values.length)
                .setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }

    @Override
    String input(int channels, int height, int width) {
        graph.addInput(valueInfo(INPUT, "N", channels, height, width));
        return INPUT;
    }

    @Override
    String output(String logits, int classes) {
        node("Identity", List.of(logits), OUTPUT);
        graph.addOutput(valueInfo(OUTPUT, "N", classes));
        return OUTPUT;
    }

    @Override
    String conv(String x, INDArray weight, Op.Conv c) {
        return node("Conv", List.of(x, initializer(weight)),
                ints("kernel_shape", c.kh(), c.kw()), ints("strides", c.sh(), c.sw()),
                ints("pads", c.ph(), c.pw(), c.ph(), c.pw()), ints("dilations", c.dilation(), c.dilation()),
                integer("group", c.groups()));
    }

    @Override
    String linear(String x, boolean vectorInput, INDArray weight, INDArray biasOrNull) {
        if (vectorInput) {
            return biasOrNull == null
                    ? node("Gemm", List.of(x, initializer(weight)), integer("transB", 1))
                    : node("Gemm", List.of(x, initializer(weight), initializer(biasOrNull, biasOrNull.length())),
                            integer("transB", 1));
        }
        String w = initializer(weight, weight.size(0), weight.size(1), 1, 1);
        return biasOrNull == null ? node("Conv", List.of(x, w), ints("kernel_shape", 1, 1))
                : node("Conv", List.of(x, w, initializer(biasOrNull, biasOrNull.length())), ints("kernel_shape", 1, 1));
    }

    @Override
    String batchNorm(String x, String name, INDArray gamma, INDArray beta, INDArray mean, INDArray variance) {
        return node("BatchNormalization", List.of(x, initializer(gamma, gamma.length()), initializer(beta, beta.length()),
                initializer(name + ".running_mean", mean, mean.length()),
                initializer(name + ".running_var", variance, variance.length())), real("epsilon", (float) EPS));
    }

    @Override
    String layerNorm(String x, INDArray gamma, INDArray beta) {
        String centred = node("Sub", List.of(x, node("ReduceMean", List.of(x), ints("axes", 1), integer("keepdims", 1))));
        String variance = node("ReduceMean", List.of(node("Mul", List.of(centred, centred))), ints("axes", 1),
                integer("keepdims", 1));
        String std = node("Sqrt", List.of(node("Add", List.of(variance, scalar((float) EPS)))));
        String normalised = node("Div", List.of(centred, std));
        String scaled = node("Mul", List.of(normalised, initializer(gamma, 1, gamma.length(), 1, 1)));
        return node("Add", List.of(scaled, initializer(beta, 1, beta.length(), 1, 1)));
    }

    @Override
    String activation(String x, Op.Activation.Kind kind) {
        switch (kind) {
            case RELU:
                return node("Relu", List.of(x));
            case GELU: {
                String erf = node("Erf", List.of(node("Mul", List.of(x, scalar((float) (1.0 / Math.sqrt(2.0)))))));
                String cdf = node("Mul", List.of(node("Add", List.of(erf, scalar(1f))), scalar(0.5f)));
                return node("Mul", List.of(cdf, x));
            }
            case HARDSWISH: {
                String gate = node("Clip", List.of(node("Add", List.of(x, scalar(3f))), scalar(0f), scalar(6f)));
                return node("Div", List.of(node("Mul", List.of(gate, x)), scalar(6f)));
            }
            default:
                throw new IllegalStateException("Unsupported activation " + kind);
        }
    }

    @Override
    String pool(String x, boolean max, int kernel, int stride, int padding) {
        if (max) {
            return node("MaxPool", List.of(x), ints("kernel_shape", kernel, kernel), ints("strides", stride, stride),
                    ints("pads", padding, padding, padding, padding));
        }
        return node("AveragePool", List.of(x), ints("kernel_shape", kernel, kernel), ints("strides", stride, stride),
                ints("pads", padding, padding, padding, padding), integer("count_include_pad", 0));
    }

    @Override
    String spatialMean(String x) {
        return node("ReduceMean", List.of(x), ints("axes", 2, 3), integer("keepdims", 0));
    }

    @Override
    String flatten(String x, long features) {
        return node("Flatten", List.of(x), integer("axis", 1));
    }

    @Override
    String add(String a, String b) {
        return node("Add", List.of(a, b));
    }

    @Override
    String concat(List<String> parts) {
        return node("Concat", parts, integer("axis", 1));
    }

    @Override
    String slice(String x, int start, int stride) {
        return node("Slice", List.of(x, int64s(start, start), int64s(Long.MAX_VALUE, Long.MAX_VALUE), int64s(2, 3),
                int64s(stride, stride)));
    }

    @Override
    String zerosLike(String x) {
        Onnx.TensorProto zero = Onnx.TensorProto.newBuilder().setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber())
                .addDims(1).addFloatData(0f).build();
        return node("ConstantOfShape", List.of(node("Shape", List.of(x))), Onnx.AttributeProto.newBuilder()
                .setName("value").setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(zero).build());
    }

    @Override
    String attention(String qkv, int heads, int dimHead, int height, int width) {
        long inner = (long) heads * dimHead;
        long tokens = (long) height * width;
        String shape = int64s(-1, dimHead, tokens);
        String[] parts = new String[3];
        for (int i = 0; i < 3; i++) {
            String block = node("Slice", List.of(qkv, int64s(i * inner), int64s((i + 1) * inner), int64s(1)));
            parts[i] = node("Reshape", List.of(block, shape));
        }
        String q = node("Mul", List.of(parts[0], scalar((float) (1.0 / Math.sqrt(dimHead)))));
        String scores = node("MatMul", List.of(node("Transpose", List.of(q), ints("perm", 0, 2, 1)), parts[1]));
        String weights = node("Softmax", List.of(scores), integer("axis", 2));
        String out = node("MatMul", List.of(parts[2], node("Transpose", List.of(weights), ints("perm", 0, 2, 1))));
        return node("Reshape", List.of(out, int64s(-1, inner, height, width)));
    }

    @Override
    String channelScale(String x, String gate, int channels) {
        return node("Mul", List.of(x, node("Reshape", List.of(gate, int64s(-1, channels, 1, 1)))));
    }

    @Override
    String addConstant(String x, INDArray constant) {
        return node("Add", List.of(x, initializer(constant)));
    }
}
