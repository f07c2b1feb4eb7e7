package org.ghnas.space;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The 15 operations a cell edge can carry, in the order of the DeepNets-1M sampler
 * ({@code PRIMITIVES_DARTS_EXT}); the order matters because the sampler draws op indices.
 *
 * <p>This is the <em>sampling</em> vocabulary. The computational graph has its own node vocabulary
 * ({@code org.ghnas.space.graph.NodeType}); the two must not be confused.
 */
public enum OpType {
    NONE("none", 0),
    MAX_POOL_3X3("max_pool_3x3", 3),
    AVG_POOL_3X3("avg_pool_3x3", 3),
    SKIP_CONNECT("skip_connect", 0),
    SEP_CONV_3X3("sep_conv_3x3", 3),
    SEP_CONV_5X5("sep_conv_5x5", 5),
    DIL_CONV_3X3("dil_conv_3x3", 3),
    DIL_CONV_5X5("dil_conv_5x5", 5),
    CONV_1X1("conv_1x1", 1),
    CONV_7X1_1X7("conv_7x1_1x7", 7),
    CONV_3X3("conv_3x3", 3),
    CONV_5X5("conv_5x5", 5),
    CONV_7X7("conv_7x7", 7),
    MSA("msa", 0),
    CSE("cse", 0);

    private static final List<OpType> ALL = List.of(values());

    private final String specName;
    private final int kernel;

    OpType(String specName, int kernel) {
        this.specName = specName;
        this.kernel = kernel;
    }

    /** The name used in spec JSON, e.g. {@code sep_conv_3x3}. */
    public String specName() {
        return specName;
    }

    /** Kernel size of the op's main convolution or pooling window, 0 where there is none. */
    public int kernel() {
        return kernel;
    }

    /** Index in the sampler's vocabulary (0 = none ... 14 = cse). */
    public int index() {
        return ordinal();
    }

    /** True for the ops whose reference name contains "conv" (separable, dilated and plain convolutions). */
    public boolean isConv() {
        return specName.contains("conv");
    }

    /** True for the ops that hold learnable parameters (every conv, msa and cse). */
    public boolean isLearnable() {
        return isConv() || this == MSA || this == CSE;
    }

    /** True for the pooling, skip and none ops that reduction cells of "only pool" nets are restricted to. */
    public boolean isPoolOrSkip() {
        return this == NONE || this == MAX_POOL_3X3 || this == AVG_POOL_3X3 || this == SKIP_CONNECT;
    }

    public static List<OpType> all() {
        return ALL;
    }

    public static OpType ofIndex(int index) {
        if (index < 0 || index >= ALL.size()) {
            throw new IllegalArgumentException("Invalid op index: " + index + " (expected 0.." + (ALL.size() - 1) + ")");
        }
        return ALL.get(index);
    }

    /**
     * Looks an op up by its spec name.
     *
     * @throws IllegalArgumentException naming the allowed names when {@code name} is unknown
     */
    public static OpType ofSpecName(String name) {
        for (OpType op : ALL) {
            if (op.specName.equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op '" + name + "', expected one of " + allowedNames());
    }

    static String allowedNames() {
        return Arrays.stream(values()).map(OpType::specName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return specName;
    }
}
