package org.ghnas.ghn.model;

/**
 * Double-precision gradient accumulators in the slot order of {@link GnnWeights}, flushed into the
 * {@link Parameter#grad()} arrays once per backward pass. Matrices and tables are kept as rows ([out][in], PyTorch
 * layout) for the vectorisable kernels of {@link Linear}; vectors as a single row.
 */
final class GnnGradients {

    final double[][][] slots;
    final double[][] embed;
    final double[][] channel;
    final double[][] spatial;
    final double[][] mlp1W;
    final double[] mlp1B;
    final double[][] mlp2W;
    final double[] mlp2B;
    final double[][] virtual1W;
    final double[] virtual1B;
    final double[][] virtual2W;
    final double[] virtual2B;
    final double[][] gruInputW;
    final double[][] gruHiddenW;
    final double[] gruInputB;
    final double[] gruHiddenB;
    final double[] gamma;
    final double[] beta;

    /** {@code shapes[i]} is the shape of slot i: [rows, cols] or [length]. */
    GnnGradients(GhnConfig config, long[][] shapes) {
        slots = new double[shapes.length][][];
        for (int i = 0; i < shapes.length; i++) {
            long[] s = shapes[i];
            slots[i] = s.length == 2 ? new double[(int) s[0]][(int) s[1]] : new double[1][(int) s[0]];
        }
        embed = slots[GnnWeights.EMBED];
        channel = slots[GnnWeights.CHANNEL];
        spatial = slots[GnnWeights.SPATIAL];
        mlp1W = slots[GnnWeights.MLP];
        mlp1B = slots[GnnWeights.MLP + 1][0];
        mlp2W = slots[GnnWeights.MLP + 2];
        mlp2B = slots[GnnWeights.MLP + 3][0];
        boolean ve = config.virtualEdges();
        virtual1W = ve ? slots[GnnWeights.VIRTUAL_MLP] : null;
        virtual1B = ve ? slots[GnnWeights.VIRTUAL_MLP + 1][0] : null;
        virtual2W = ve ? slots[GnnWeights.VIRTUAL_MLP + 2] : null;
        virtual2B = ve ? slots[GnnWeights.VIRTUAL_MLP + 3][0] : null;
        int gru = GnnWeights.gruSlot(config);
        gruInputW = slots[gru];
        gruHiddenW = slots[gru + 1];
        gruInputB = slots[gru + 2][0];
        gruHiddenB = slots[gru + 3][0];
        gamma = config.layerNorm() ? slots[gru + 4][0] : null;
        beta = config.layerNorm() ? slots[gru + 5][0] : null;
    }

    /** Slot {@code i} as a flat row-major float array. */
    float[] flat(int i) {
        double[][] rows = slots[i];
        int width = rows[0].length;
        float[] f = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                f[r * width + c] = (float) rows[r][c];
            }
        }
        return f;
    }
}
