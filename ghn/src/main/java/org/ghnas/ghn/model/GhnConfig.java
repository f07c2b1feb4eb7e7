package org.ghnas.ghn.model;

/**
 * Size and variant of the GHN's node encoder and gated GNN.
 *
 * <p>{@link #ghn2()} is the reference's GHN-2 for 32x32 inputs ({@code -v 50 --ln}, hid 32, max shape
 * (64, 64, 11, 11), 10 classes); {@link #ghn1()} switches virtual edges and LayerNorm off as GHN-1 does.
 *
 * @param hidden            node state width (hid); a multiple of 4 because the shape embedding is 4 lookups of
 *                          {@code hidden / 4}
 * @param virtualEdgeCutoff longest shortest-path distance that still sends a virtual-edge message; 1 means no
 *                          virtual edges (GHN-1 style, the message MLP is then hid-hid-hid wide)
 * @param layerNorm         whether a LayerNorm follows the GNN (GHN-2)
 * @param spatialMax        spatial side of the decoder's max shape (11 for 32x32 inputs, 16 for ImageNet); sets the
 *                          spatial vocabulary
 * @param numClasses        classes of the target task; joins the channel vocabulary
 * @implNote Immutable value type.
 */
public record GhnConfig(int hidden, int virtualEdgeCutoff, boolean layerNorm, int spatialMax, int numClasses) {

    /** Compact constructor that validates every field. */
    public GhnConfig {
        if (hidden < 4 || hidden % 4 != 0) {
            throw new IllegalArgumentException("hidden must be a positive multiple of 4, but was " + hidden + ".");
        }
        if (virtualEdgeCutoff < 1) {
            throw new IllegalArgumentException("virtualEdgeCutoff must be >= 1, but was " + virtualEdgeCutoff + ".");
        }
        if (spatialMax < 1) {
            throw new IllegalArgumentException("spatialMax must be >= 1, but was " + spatialMax + ".");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, but was " + numClasses + ".");
        }
    }

    /** GHN-2 for CIFAR-10: hidden 32, virtual edges up to distance 50, LayerNorm, spatial max 11, 10 classes. */
    public static GhnConfig ghn2() {
        return new GhnConfig(32, 50, true, 11, 10);
    }

    /** GHN-1 for CIFAR-10: like {@link #ghn2()} without virtual edges and without LayerNorm. */
    public static GhnConfig ghn1() {
        return new GhnConfig(32, 1, false, 11, 10);
    }

    /** True when virtual edges are on (cutoff above 1), which also halves the message MLP's hidden width. */
    public boolean virtualEdges() {
        return virtualEdgeCutoff > 1;
    }

    /** Hidden width of the message MLPs: {@code hidden / 2} with virtual edges, {@code hidden} without. */
    public int messageHidden() {
        return virtualEdges() ? hidden / 2 : hidden;
    }

    /** A copy with another hidden width. */
    public GhnConfig withHidden(int hidden) {
        return new GhnConfig(hidden, virtualEdgeCutoff, layerNorm, spatialMax, numClasses);
    }

    /** A copy with another virtual-edge cutoff. */
    public GhnConfig withVirtualEdgeCutoff(int cutoff) {
        return new GhnConfig(hidden, cutoff, layerNorm, spatialMax, numClasses);
    }

    /** A copy with LayerNorm switched on or off. */
    public GhnConfig withLayerNorm(boolean layerNorm) {
        return new GhnConfig(hidden, virtualEdgeCutoff, layerNorm, spatialMax, numClasses);
    }

    /** Channels of the largest block the decoders predict ({@code 2 * hidden}); wider tensors are tiled. */
    public int maxChannels() {
        return 2 * hidden;
    }
}
