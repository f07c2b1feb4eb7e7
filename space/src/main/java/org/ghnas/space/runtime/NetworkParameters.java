package org.ghnas.space.runtime;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The learnable tensors of one {@link NetworkPlan}, one per {@link ParameterSpec} in plan order, in PyTorch layout.
 * They come from an initialiser ({@link #heInit}), from outside (a hypernetwork's prediction, keyed by graph node:
 * {@link #fromGraphNodes}), or from training.
 *
 * <p>The arrays are mutable ND4J buffers owned by this object; {@link #copy()} gives an independent set.
 */
public final class NetworkParameters {

    private final NetworkPlan plan;
    private final INDArray[] tensors;

    private NetworkParameters(NetworkPlan plan, INDArray[] tensors) {
        this.plan = plan;
        this.tensors = tensors;
    }

    /**
     * He (Kaiming-normal, fan-in, gain sqrt 2) weights, zero biases, unit norm scales, zero shifts, N(0, 1) position
     * encodings: the "random init" baseline of the benchmarks.
     */
    public static NetworkParameters heInit(NetworkPlan plan, long seed, DataType dtype) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        List<ParameterSpec> specs = plan.parameters();
        INDArray[] t = new INDArray[specs.size()];
        for (ParameterSpec p : specs) {
            long[] shape = p.shapeArray();
            int n = Math.toIntExact(p.size());
            double[] v = new double[n];
            switch (p.role()) {
                case WEIGHT -> {
                    double std = Math.sqrt(2.0 / p.fanIn());
                    for (int i = 0; i < n; i++) {
                        v[i] = rng.nextGaussian() * std;
                    }
                }
                case SCALE -> Arrays.fill(v, 1.0);
                case POSITION -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = rng.nextGaussian();
                    }
                }
                case BIAS, SHIFT -> { }
            }
            t[p.index()] = Nd4j.create(v, shape, dtype);
        }
        return new NetworkParameters(plan, t);
    }

    /** He init in float32. */
    public static NetworkParameters heInit(NetworkPlan plan, long seed) {
        return heInit(plan, seed, DataType.FLOAT);
    }

    /**
     * Takes tensors keyed by graph node: {@code byNode.apply(i)} returns node i's tensors (scale and shift for BN/LN
     * nodes, one tensor otherwise). The arrays are used as they are, not copied, so gradients computed against them
     * flow back to whoever produced them.
     *
     * @throws IllegalArgumentException if a tensor is missing or has the wrong shape
     */
    public static NetworkParameters fromGraphNodes(NetworkPlan plan, IntFunction<INDArray[]> byNode) {
        requireNonNull(byNode, "byNode");
        List<ParameterSpec> specs = plan.parameters();
        INDArray[] t = new INDArray[specs.size()];
        for (ParameterSpec p : specs) {
            INDArray[] node = byNode.apply(p.graphNode());
            if (node == null || node.length <= p.slot() || node[p.slot()] == null) {
                throw new IllegalArgumentException("No tensor for graph node " + p.graphNode() + " (" + p.name() + ")");
            }
            INDArray a = node[p.slot()];
            if (!Arrays.equals(a.shape(), p.shapeArray())) {
                throw new IllegalArgumentException("Tensor for " + p.name() + " has shape " + Arrays.toString(a.shape())
                        + ", expected " + p.shape());
            }
            t[p.index()] = a;
        }
        return new NetworkParameters(plan, t);
    }

    /** Wraps tensors in plan order (used by optimisers and loaders). */
    public static NetworkParameters of(NetworkPlan plan, INDArray[] tensors) {
        if (tensors.length != plan.parameters().size()) {
            throw new IllegalArgumentException("Expected " + plan.parameters().size() + " tensors, got " + tensors.length);
        }
        for (ParameterSpec p : plan.parameters()) {
            if (!Arrays.equals(tensors[p.index()].shape(), p.shapeArray())) {
                throw new IllegalArgumentException("Tensor for " + p.name() + " has shape "
                        + Arrays.toString(tensors[p.index()].shape()) + ", expected " + p.shape());
            }
        }
        return new NetworkParameters(plan, tensors.clone());
    }

    public NetworkPlan plan() {
        return plan;
    }

    /** The tensor of parameter {@code index} (plan order). */
    public INDArray tensor(int index) {
        return tensors[index];
    }

    public int size() {
        return tensors.length;
    }

    /** Total number of scalars. */
    public long scalarCount() {
        long n = 0;
        for (INDArray a : tensors) {
            n += a.length();
        }
        return n;
    }

    /**
     * Frees the tensors' native memory now instead of whenever the garbage collector gets to them; the parameters
     * must not be used afterwards. Tensors that are views or live in a workspace are left alone.
     */
    public void release() {
        for (INDArray a : tensors) {
            if (a.closeable()) {
                a.close();
            }
        }
    }

    /** An independent deep copy. */
    public NetworkParameters copy() {
        INDArray[] t = new INDArray[tensors.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = tensors[i].dup();
        }
        return new NetworkParameters(plan, t);
    }

    /** A copy in another data type. */
    public NetworkParameters castTo(DataType dtype) {
        INDArray[] t = new INDArray[tensors.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = tensors[i].castTo(dtype).dup();
        }
        return new NetworkParameters(plan, t);
    }
}
