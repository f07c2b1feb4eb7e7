package org.ghnas.ghn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ghnas.ghn.io.MalformedArchiveException;
import org.ghnas.ghn.io.TensorArchive;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.runtime.NetworkParameters;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every learnable tensor of one architecture as the GHN predicted it, kept as plain float arrays in the plan's
 * parameter order (PyTorch layout), so that it can be evaluated ({@link #toNetworkParameters()}), exported or written
 * to disk without the GHN.
 *
 * <p><b>File format</b> ({@link #write}): a {@link TensorArchive} of kind {@value #KIND}, version 1: the JSON header's
 * {@code meta} holds {@code architecture} (the spec JSON), {@code input} (channels, height, width, classes) and
 * {@code parameterCount}; each tensor is stored under its reference name ({@code ParameterSpec.name()}, e.g.
 * {@code cells.0._ops.1.op.2.weight}) with its shape and offset, float32 little-endian, followed by a SHA-256 of the
 * whole file.
 *
 * @implNote Immutable: arrays are copied in and out.
 */
public final class PredictedParameters {

    /** The {@link TensorArchive} kind of predicted-parameter files. */
    public static final String KIND = "predicted-parameters";

    private final NetworkPlan plan;
    private final float[][] tensors;

    /**
     * Takes ownership of {@code tensors}, which its callers in this package build fresh and never touch again: a
     * defensive copy would double what a prediction allocates (ResNet-50: 94 MB more per call, and the page faults of
     * touching it, measured to be most of a cold prediction's time).
     */
    PredictedParameters(NetworkPlan plan, float[][] tensors) {
        this.plan = requireNonNull(plan, "plan");
        List<ParameterSpec> specs = plan.parameters();
        if (tensors.length != specs.size()) {
            throw new IllegalArgumentException("tensors must number " + specs.size() + ", but were " + tensors.length + ".");
        }
        this.tensors = new float[tensors.length][];
        for (ParameterSpec p : specs) {
            if (tensors[p.index()].length != p.size()) {
                throw new IllegalArgumentException(p.name() + " must have " + p.size() + " values, but had "
                        + tensors[p.index()].length + ".");
            }
            this.tensors[p.index()] = tensors[p.index()];
        }
    }

    /** The architecture the parameters belong to. */
    public Architecture architecture() {
        return plan.architecture();
    }

    /** The compiled network (layers, parameter specs, graph) the tensors fit. */
    public NetworkPlan plan() {
        return plan;
    }

    /** Number of predicted scalars (the live parameters of the plan). */
    public long parameterCount() {
        return plan.liveParameterCount();
    }

    /** Number of tensors. */
    public int tensorCount() {
        return tensors.length;
    }

    /** A copy of tensor {@code index} (plan order), row-major. */
    public float[] tensor(int index) {
        return tensors[index].clone();
    }

    /** Tensors by reference name, in plan order (copies). */
    public Map<String, float[]> byName() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (ParameterSpec p : plan.parameters()) {
            m.put(p.name(), tensors[p.index()].clone());
        }
        return m;
    }

    /** Fresh float32 ND4J tensors for the runtime ({@code RunnableNetwork}); changing them changes nothing here. */
    public NetworkParameters toNetworkParameters() {
        List<ParameterSpec> specs = plan.parameters();
        org.nd4j.linalg.api.ndarray.INDArray[] t = new org.nd4j.linalg.api.ndarray.INDArray[specs.size()];
        for (ParameterSpec p : specs) {
            t[p.index()] = Nd4j.create(tensors[p.index()], p.shapeArray(), 'c'); // copies into native memory
        }
        return NetworkParameters.of(plan, t);
    }

    /** Writes the file described in the class comment, atomically. */
    public void write(Path file) {
        ObjectNode meta = TensorArchive.newMeta();
        meta.set("architecture", ArchitectureJson.toNode(plan.architecture()));
        InputShape in = plan.input();
        meta.putObject("input").put("channels", in.channels()).put("height", in.height()).put("width", in.width())
                .put("classes", in.classes()).put("imagenet", in.imagenet());
        meta.put("parameterCount", parameterCount());
        Map<String, TensorArchive.Tensor> t = new LinkedHashMap<>();
        for (ParameterSpec p : plan.parameters()) {
            t.put(p.name(), new TensorArchive.Tensor(p.shapeArray(), tensors[p.index()]));
        }
        new TensorArchive(KIND, 1, meta, t).write(file);
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws MalformedArchiveException naming the file if it is missing, corrupted, or its tensors do not fit its
     *                                   architecture
     */
    public static PredictedParameters read(Path file) {
        TensorArchive a = TensorArchive.read(file, KIND, 1);
        try {
            Architecture arch = ArchitectureJson.fromNode(a.meta().path("architecture"));
            JsonNode in = a.meta().path("input");
            InputShape input = new InputShape(in.path("channels").asInt(), in.path("height").asInt(),
                    in.path("width").asInt(), in.path("classes").asInt(), in.path("imagenet").asBoolean());
            NetworkPlan plan = NetworkPlan.of(arch, input);
            float[][] t = new float[plan.parameters().size()][];
            for (ParameterSpec p : plan.parameters()) {
                TensorArchive.Tensor x = a.tensor(p.name());
                if (!Arrays.equals(x.shape(), p.shapeArray())) {
                    throw new IllegalArgumentException("tensor " + p.name() + " has shape " + Arrays.toString(x.shape())
                            + ", expected " + p.shape());
                }
                t[p.index()] = x.values();
            }
            return new PredictedParameters(plan, t);
        } catch (MalformedArchiveException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new MalformedArchiveException(file + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "PredictedParameters[" + plan + ", tensors=" + tensors.length + "]";
    }
}
