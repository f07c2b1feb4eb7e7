package org.ghnas.space.sample;

import java.util.List;

/**
 * The generator settings of the DeepNets-1M splits: the in-distribution nets (train/val/test) and the
 * out-of-distribution families, which differ from them only in a few ranges (facts §1.5).
 *
 * <p>WIDE nets are drawn exactly like ID nets and get four times the base channels; BNFREE nets are ID nets without
 * normalisation; DEEP nets have 10..36 cells; DENSE nets have 2..10 intermediate nodes per cell.
 */
public enum Family {
    /** In-distribution (train, val, test): 4..18 cells, 1..4 steps, deep threshold 7..10. */
    ID(4, 18, List.of(7, 8, 9, 10), 1, 2, 4, 10_000_000L, 1, false),
    /** ID nets with the base channel count multiplied by 4 (the reference's CIFAR widening). */
    WIDE(4, 18, List.of(7, 8, 9, 10), 1, 2, 4, 10_000_000L, 4, false),
    /** 10..36 cells, deep threshold 18, at most 1e8 parameters. */
    DEEP(10, 36, List.of(18), 1, 2, 4, 100_000_000L, 1, false),
    /** 2..10 intermediate nodes per cell (2..6 for deep nets), at most 1e8 parameters. */
    DENSE(4, 18, List.of(7, 8, 9, 10), 2, 6, 10, 100_000_000L, 1, false),
    /** ID nets without normalisation layers. */
    BNFREE(4, 18, List.of(7, 8, 9, 10), 1, 2, 4, 10_000_000L, 1, true);

    private final int minCells;
    private final int maxCells;
    private final List<Integer> deepThresholds;
    private final int minSteps;
    private final int mediumSteps;
    private final int maxSteps;
    private final long maxParams;
    private final int channelFactor;
    private final boolean bnFree;

    Family(int minCells, int maxCells, List<Integer> deepThresholds, int minSteps, int mediumSteps, int maxSteps,
           long maxParams, int channelFactor, boolean bnFree) {
        this.minCells = minCells;
        this.maxCells = maxCells;
        this.deepThresholds = deepThresholds;
        this.minSteps = minSteps;
        this.mediumSteps = mediumSteps;
        this.maxSteps = maxSteps;
        this.maxParams = maxParams;
        this.channelFactor = channelFactor;
        this.bnFree = bnFree;
    }

    /** Smallest number of cells ({@code min_layers}). */
    public int minCells() {
        return minCells;
    }

    /** Largest number of cells ({@code max_layers}). */
    public int maxCells() {
        return maxCells;
    }

    /** The "deep net" thresholds, one drawn per candidate ({@code deep_layers_all}). */
    public List<Integer> deepThresholds() {
        return deepThresholds;
    }

    /** Smallest number of intermediate nodes per cell ({@code min_steps}). */
    public int minSteps() {
        return minSteps;
    }

    /** Largest number of intermediate nodes of nets deeper than the threshold ({@code medium_steps}). */
    public int mediumSteps() {
        return mediumSteps;
    }

    /** Largest number of intermediate nodes of nets not deeper than the threshold ({@code max_steps}). */
    public int maxSteps() {
        return maxSteps;
    }

    /** Largest allowed parameter count at C=32 ({@code max_params}). */
    public long maxParams() {
        return maxParams;
    }

    /** Factor applied to the sampler's base channel count (4 for WIDE, else 1). */
    public int channelFactor() {
        return channelFactor;
    }

    /** True if every net of the family is normalisation-free. */
    public boolean bnFree() {
        return bnFree;
    }

    /** Largest number of steps a net with {@code cells} cells may draw under deep threshold {@code threshold}. */
    int stepsLimit(int cells, int threshold) {
        return cells <= threshold ? maxSteps : mediumSteps;
    }

    /**
     * True if the norm of such a net is drawn (BN or none with probability 1/2 each): only shallow nets with few
     * steps, and never in the BN-free family.
     */
    boolean drawsNorm(int cells, int steps) {
        return !bnFree && cells <= minCells + 1 && steps <= mediumSteps;
    }
}
