package org.ghnas.ghn.model;

/**
 * A double-precision snapshot of the GNN's parameters taken at the start of a forward pass, so that the plain
 * Java sweeps never touch ND4J and the matching backward pass sees exactly the weights the forward pass used.
 *
 * <p>Slots follow {@link GatedGnn#parameters()}: embed, channel table, spatial table, message MLP (w1, b1, w2,
 * b2), virtual-edge MLP (only with virtual edges), GRU (w_ih, w_hh, b_ih, b_hh), LayerNorm (only if on).
 */
final class GnnWeights {

    static final int EMBED = 0;
    static final int CHANNEL = 1;
    static final int SPATIAL = 2;
    static final int MLP = 3;
    static final int VIRTUAL_MLP = 7;

    final GhnConfig config;
    /** Rows of the type embedding, [15][hidden]. */
    final double[][] embed;
    /** Rows of the channel table, [channel rows][hidden / 4]. */
    final double[][] channel;
    /** Rows of the spatial table, [spatial rows][hidden / 4]. */
    final double[][] spatial;
    final Linear mlp1;
    final Linear mlp2;
    /** Null without virtual edges. */
    final Linear virtual1;
    final Linear virtual2;
    final Linear gruInput;
    final Linear gruHidden;
    /** Null without LayerNorm. */
    final double[] gamma;
    final double[] beta;

    GnnWeights(GhnConfig config, double[][] slots) {
        this.config = config;
        int h = config.hidden();
        int m = config.messageHidden();
        this.embed = rows(slots[EMBED], h);
        this.channel = rows(slots[CHANNEL], h / 4);
        this.spatial = rows(slots[SPATIAL], h / 4);
        this.mlp1 = new Linear(h, m, slots[MLP], slots[MLP + 1]);
        this.mlp2 = new Linear(m, h, slots[MLP + 2], slots[MLP + 3]);
        if (config.virtualEdges()) {
            this.virtual1 = new Linear(h, m, slots[VIRTUAL_MLP], slots[VIRTUAL_MLP + 1]);
            this.virtual2 = new Linear(m, h, slots[VIRTUAL_MLP + 2], slots[VIRTUAL_MLP + 3]);
        } else {
            this.virtual1 = null;
            this.virtual2 = null;
        }
        int gru = gruSlot(config);
        this.gruInput = new Linear(h, 3 * h, slots[gru], slots[gru + 2]);
        this.gruHidden = new Linear(h, 3 * h, slots[gru + 1], slots[gru + 3]);
        this.gamma = config.layerNorm() ? slots[gru + 4] : null;
        this.beta = config.layerNorm() ? slots[gru + 5] : null;
    }

    private static double[][] rows(double[] flat, int width) {
        double[][] r = new double[flat.length / width][width];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(flat, i * width, r[i], 0, width);
        }
        return r;
    }

    /** First GRU slot (weight_ih); weight_hh, bias_ih and bias_hh follow, then LayerNorm weight and bias. */
    static int gruSlot(GhnConfig config) {
        return config.virtualEdges() ? VIRTUAL_MLP + 4 : VIRTUAL_MLP;
    }

    static int slotCount(GhnConfig config) {
        return gruSlot(config) + 4 + (config.layerNorm() ? 2 : 0);
    }
}
