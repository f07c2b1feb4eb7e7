package org.ghnas.space.sample;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.OpType;

/**
 * The reference's cell sampler ({@code genotypes.py::sample_genotype}, facts §1.2), implemented literally: tiny
 * Gaussian "architecture weights", a row-wise softmax, and the DARTS-style parse that keeps the two strongest
 * predecessors of every node. We keep the roundabout construction instead of drawing ops directly so that ties,
 * masks and the draw order behave as in the reference.
 *
 * <pre>{@code
 * RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
 * Genotype g = GenotypeSampler.of(2, false, true, true).sample(rng);
 * }</pre>
 *
 * @param steps            number of intermediate nodes per cell, &ge; 1
 * @param onlyPool         restrict the reduction cell to none, pooling and skip ({@code only_pool})
 * @param allowNone        allow the {@code none} op ({@code allow_none})
 * @param dropConcat       keep each non-last node in the concat list with probability 1/2 ({@code drop_concat})
 * @param allowTransformer allow the {@code msa} op ({@code allow_transformer}; always true in the generator)
 * @implNote Immutable and thread-safe; all randomness comes from the generator passed to {@link #sample}.
 */
public record GenotypeSampler(int steps, boolean onlyPool, boolean allowNone, boolean dropConcat,
                              boolean allowTransformer) {

    private static final int NUM_OPS = OpType.all().size();
    /** The logit the reference writes into masked columns. */
    private static final float MASKED = -1000f;
    /** First column masked by {@code only_pool}: everything from sep_conv_3x3 on. */
    private static final int FIRST_LEARNABLE = OpType.SEP_CONV_3X3.index();

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code steps < 1}
     */
    public GenotypeSampler {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, but was " + steps + ".");
        }
    }

    /** A sampler as the network generator uses it, with {@code msa} allowed. */
    public static GenotypeSampler of(int steps, boolean onlyPool, boolean allowNone, boolean dropConcat) {
        return new GenotypeSampler(steps, onlyPool, allowNone, dropConcat, true);
    }

    /**
     * Draws one genotype. Consumes, in this order: {@code k*15} Gaussians for the normal cell, {@code k*15} for the
     * reduction cell ({@code k = sum_{i<steps}(i+2)}), then one uniform per non-last node if {@code dropConcat}.
     *
     * @throws NullPointerException if {@code rng} is null
     */
    public Genotype sample(RandomGenerator rng) {
        requireNonNull(rng, "rng");
        int rows = rows(steps);
        float[][] normal = gaussianLogits(rng, rows);
        float[][] reduce = gaussianLogits(rng, rows);
        if (onlyPool) {
            mask(reduce, FIRST_LEARNABLE, NUM_OPS);
        }
        if (!allowTransformer) {
            mask(normal, OpType.MSA.index(), OpType.MSA.index() + 1);
            mask(reduce, OpType.MSA.index(), OpType.MSA.index() + 1);
        }
        List<CellOp> normalOps = parse(softmax(normal));
        List<CellOp> reduceOps = parse(softmax(reduce));
        List<Integer> concat = new ArrayList<>(steps);
        for (int node = 2; node < steps + 2; node++) {
            if (node == steps + 1 || !dropConcat || rng.nextDouble() > 0.5) {
                concat.add(node);
            }
        }
        return new Genotype(normalOps, concat, reduceOps, concat);
    }

    /** Number of (node, predecessor) rows of a cell with {@code steps} intermediate nodes. */
    static int rows(int steps) {
        return steps * (steps + 3) / 2;
    }

    private static float[][] gaussianLogits(RandomGenerator rng, int rows) {
        float[][] a = new float[rows][NUM_OPS];
        for (float[] row : a) {
            for (int j = 0; j < NUM_OPS; j++) {
                row[j] = (float) (1e-3 * rng.nextGaussian());
            }
        }
        return a;
    }

    private static void mask(float[][] logits, int from, int to) {
        for (float[] row : logits) {
            for (int j = from; j < to; j++) {
                row[j] = MASKED;
            }
        }
    }

    /** Row-wise softmax in float32, computed the way torch does (shift by the row max, exp, normalise). */
    static float[][] softmax(float[][] logits) {
        float[][] p = new float[logits.length][];
        for (int r = 0; r < logits.length; r++) {
            float[] row = logits[r];
            float max = Float.NEGATIVE_INFINITY;
            for (float v : row) {
                max = Math.max(max, v);
            }
            float[] e = new float[row.length];
            float sum = 0f;
            for (int j = 0; j < row.length; j++) {
                e[j] = (float) Math.exp(row[j] - max);
                sum += e[j];
            }
            for (int j = 0; j < row.length; j++) {
                e[j] /= sum;
            }
            p[r] = e;
        }
        return p;
    }

    /**
     * The reference's {@code _parse}: for node {@code i+2}, rank its predecessors by their best allowed-op
     * probability (stable descending sort, so ties keep the lower index first), keep two, and give each its
     * first best allowed op.
     */
    private List<CellOp> parse(float[][] weights) {
        List<CellOp> gene = new ArrayList<>(2 * steps);
        int start = 0;
        for (int i = 0; i < steps; i++) {
            int preds = i + 2;
            int[] best = new int[preds];
            float[] score = new float[preds];
            for (int j = 0; j < preds; j++) {
                best[j] = bestAllowedOp(weights[start + j]);
                score[j] = weights[start + j][best[j]];
            }
            int first = 0;
            for (int j = 1; j < preds; j++) {
                if (score[j] > score[first]) {
                    first = j;
                }
            }
            int second = -1;
            for (int j = 0; j < preds; j++) {
                if (j != first && (second < 0 || score[j] > score[second])) {
                    second = j;
                }
            }
            gene.add(new CellOp(OpType.ofIndex(best[first]), first));
            gene.add(new CellOp(OpType.ofIndex(best[second]), second));
            start += preds;
        }
        return gene;
    }

    private int bestAllowedOp(float[] row) {
        int best = -1;
        for (int k = 0; k < row.length; k++) {
            if ((k != OpType.NONE.index() || allowNone) && (best < 0 || row[k] > row[best])) {
                best = k;
            }
        }
        return best;
    }
}
