package org.ghnas.space.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.ResNet50;
import org.ghnas.space.SpecException;
import org.ghnas.space.graph.ComputationalGraph;

/**
 * An architecture compiled for one input shape: the primitive layers in data-flow order, every learnable tensor,
 * the computational graph, and size figures. This is the one description that the graph, the GHN and the runnable
 * network all derive from.
 *
 * <pre>{@code
 * NetworkPlan plan = NetworkPlan.of(spec, InputShape.CIFAR10);
 * plan.parameterCount();          // learnable scalars, as the reference counts them
 * plan.graph().nodeCount();       // computational graph nodes
 * plan.macs();                    // multiply-accumulates of one forward pass of one image
 * }</pre>
 *
 * <p>Layers that cannot influence the output (a cell input no op reads, an op applied to an undefined state) are
 * pruned from {@link #layers()}, {@link #parameters()} and the graph, as the reference's graph builder drops them;
 * {@link #parameterCount()} still counts them, as the reference's {@code Network} declares them.
 *
 * @implNote Immutable and thread-safe.
 */
public final class NetworkPlan {

    private final Architecture architecture;
    private final InputShape input;
    private final List<Layer> layers;
    private final List<ParameterSpec> parameters;
    private final ComputationalGraph graph;
    private final long declaredParameters;
    private final long macs;

    NetworkPlan(Architecture architecture, InputShape input, List<Layer> layers, List<ParameterSpec> parameters,
                ComputationalGraph graph, long declaredParameters, long macs) {
        this.architecture = requireNonNull(architecture);
        this.input = requireNonNull(input);
        this.layers = List.copyOf(layers);
        this.parameters = List.copyOf(parameters);
        this.graph = requireNonNull(graph);
        this.declaredParameters = declaredParameters;
        this.macs = macs;
    }

    /**
     * Compiles an architecture for an input shape.
     *
     * @throws SpecException if the architecture cannot be built for this input (e.g. its output is undefined because
     *                       every concatenated state is empty, or a feature map becomes too small)
     */
    public static NetworkPlan of(Architecture architecture, InputShape input) {
        requireNonNull(architecture, "architecture");
        requireNonNull(input, "input");
        if (architecture instanceof NetworkSpec spec) {
            return new CellNetworkCompiler(spec, input).compile();
        }
        if (architecture instanceof ResNet50) {
            return ResNetCompiler.resnet50(input);
        }
        throw new IllegalArgumentException("Unsupported architecture: " + architecture);
    }

    /**
     * The reference's parameter count of an architecture for an input shape, without building the graph: the fast
     * path for samplers that reject nets by size.
     *
     * @throws SpecException if the architecture cannot be built for this input
     */
    public static long parameterCount(Architecture architecture, InputShape input) {
        if (architecture instanceof NetworkSpec spec) {
            return new CellNetworkCompiler(spec, input).parameterCount();
        }
        return of(architecture, input).parameterCount();
    }

    public Architecture architecture() {
        return architecture;
    }

    public InputShape input() {
        return input;
    }

    /** The live layers in data-flow order; layer 0 is the input, the last layer produces the logits. */
    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(int id) {
        return layers.get(id);
    }

    /** The last layer (logits). */
    public Layer output() {
        return layers.get(layers.size() - 1);
    }

    /** Every learnable tensor of the live layers. */
    public List<ParameterSpec> parameters() {
        return parameters;
    }

    public ComputationalGraph graph() {
        return graph;
    }

    /** Learnable scalars of every module the architecture declares, exactly as the reference counts them. */
    public long parameterCount() {
        return declaredParameters;
    }

    /** Learnable scalars that influence the output (the graph's count). */
    public long liveParameterCount() {
        long n = 0;
        for (ParameterSpec p : parameters) {
            n += p.size();
        }
        return n;
    }

    /** Multiply-accumulate operations of one forward pass of one image (convolutions, linear layers, attention). */
    public long macs() {
        return macs;
    }

    /** FLOPs in the NAS convention, which counts one multiply-accumulate as one operation. Same as {@link #macs()}. */
    public long flops() {
        return macs;
    }

    @Override
    public String toString() {
        return "NetworkPlan[layers=" + layers.size() + ", parameters=" + declaredParameters + ", graph=" + graph + "]";
    }
}
