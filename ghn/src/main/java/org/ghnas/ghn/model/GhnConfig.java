package org.ghnas.ghn.model;

/**
 * The size settings of a GHN, fixed for the lifetime of its parameters (a checkpoint only loads into a GHN of the
 * same configuration).
 *
 * <pre>{@code
 * GhnConfig config = GhnConfig.ghn2();   // hidden 32, virtual edges up to 50 hops, LayerNorm, 11x11 maps, 10 classes
 * }</pre>
 *
 * @param hidden            node-embedding width {@code hid}; the decoders predict blocks of {@code 2 * hidden}
 *                          channels, and the shape encoder splits it in four
 * @param virtualEdgeCutoff longest shortest path (in hops) joined by a virtual edge; 1 disables virtual edges
 * @param layerNorm         whether the node states pass a LayerNorm before decoding (GHN-2: yes)
 * @param spatialMax        side {@code s} of the largest spatial map the conv decoder predicts (CIFAR-10 GHN-2: 11)
 * @param numClasses        classes of the classifier heads (the decoders' class-layer predictors)
 */
public record GhnConfig(int hidden, int virtualEdgeCutoff, boolean layerNorm, int spatialMax, int numClasses) {

    /**
     * @throws IllegalArgumentException if a size is out of range
     */
    public GhnConfig {
        if (hidden < 4 || hidden % 4 != 0) {
            throw new IllegalArgumentException("Invalid hidden: " + hidden + ", expected a positive multiple of 4");
        }
        if (virtualEdgeCutoff < 1) {
            throw new IllegalArgumentException("Invalid virtualEdgeCutoff: " + virtualEdgeCutoff + ", expected >= 1");
        }
        if (spatialMax < 1) {
            throw new IllegalArgumentException("Invalid spatialMax: " + spatialMax + ", expected >= 1");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("Invalid numClasses: " + numClasses + ", expected >= 1");
        }
    }

    /** GHN-2 as trained on CIFAR-10 in the reference ({@code -n -v 50 --ln}, hid 32, max shape (64, 64, 11, 11)). */
    public static GhnConfig ghn2() {
        return new GhnConfig(32, 50, true, 11, 10);
    }

    /** Channels of the largest block the decoders predict ({@code 2 * hidden}); wider tensors are tiled. */
    public int maxChannels() {
        return 2 * hidden;
    }
}
