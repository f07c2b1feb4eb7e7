package org.ghnas.space.graph;

/**
 * The 15 node types of a computational graph, in the reference's {@code PRIMITIVES_DEEPNETS1M} order.
 * The ordinal is the GHN's node feature, so the order must never change.
 */
public enum NodeType {
    MAX_POOL("max_pool"),
    AVG_POOL("avg_pool"),
    SEP_CONV("sep_conv"),
    DIL_CONV("dil_conv"),
    CONV("conv"),
    MSA("msa"),
    CSE("cse"),
    SUM("sum"),
    CONCAT("concat"),
    INPUT("input"),
    BIAS("bias"),
    BN("bn"),
    LN("ln"),
    POS_ENC("pos_enc"),
    GLOB_AVG("glob_avg");

    private final String label;

    NodeType(String label) {
        this.label = label;
    }

    /** The reference's primitive name, e.g. {@code sep_conv}. */
    public String label() {
        return label;
    }

    /** The GHN's embedding index of this type (0..14). */
    public int index() {
        return ordinal();
    }

    /** True for the types whose node owns learnable tensors (weights, biases, norm affine, position encodings). */
    public boolean hasParameters() {
        return switch (this) {
            case SEP_CONV, DIL_CONV, CONV, BIAS, BN, LN, POS_ENC -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
