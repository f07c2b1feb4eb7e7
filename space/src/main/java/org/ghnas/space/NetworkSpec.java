package org.ghnas.space;

import static java.util.Objects.requireNonNull;

/**
 * One network of the DeepNets-1M-style space: a {@link Genotype} plus the network-level choices of the
 * reference generator. Field names follow the spec JSON (see {@code shared/docs/architecture-json.md}).
 *
 * <pre>{@code
 * NetworkSpec spec = NetworkSpec.builder(genotype).channels(32).cells(8).build();
 * }</pre>
 *
 * <p>The constructor enforces every rule of the space that the reference asserts, so an instance always builds:
 * preprocessing where it is required, msa only with {@code C >= 8}, an even channel count wherever a
 * factorized reduction halves it, a stem pool only on the simple stem, a known kernel, and so on.
 *
 * @param genotype  the normal and reduction cells
 * @param channels  base channel count {@code C}
 * @param cells     number of cells {@code n_cells}; reductions at {@code n/3} and {@code 2n/3} (index &gt; 0)
 * @param stemKernel kernel {@code ks} of the first stem convolution: 3, 5 or 7
 * @param channelMultiplier {@code C_mult}: 1 or 2, applied at each reduction cell
 * @param preproc   whether cells preprocess their inputs (ReLU-Conv1x1-BN / FactorizedReduce)
 * @param globalAvg global average pooling before the classifier, else flatten
 * @param norm      batch norm or normalisation-free
 * @param stemType  0 simple stem, 1 two-stage DARTS-ImageNet-style stem
 * @param stemPool  max-pool after a type-0 stem
 * @param fcLayers  1 or 2 classifier layers
 * @param fcDim     hidden width of a 2-layer classifier
 * @implNote Immutable and thread-safe.
 */
public record NetworkSpec(
        Genotype genotype,
        int channels,
        int cells,
        int stemKernel,
        int channelMultiplier,
        boolean preproc,
        boolean globalAvg,
        Norm norm,
        int stemType,
        boolean stemPool,
        int fcLayers,
        int fcDim) implements Architecture {

    public NetworkSpec {
        requireNonNull(genotype, "genotype");
        requireNonNull(norm, "norm");
        if (channels < 1) {
            throw new SpecException("C", channels + " is not positive, expected an integer >= 1");
        }
        if (cells < 1) {
            throw new SpecException("n_cells", cells + " is not positive, expected an integer >= 1");
        }
        if (stemKernel != 3 && stemKernel != 5 && stemKernel != 7) {
            throw new SpecException("ks", stemKernel + " is not allowed, expected 3, 5 or 7");
        }
        if (channelMultiplier != 1 && channelMultiplier != 2) {
            throw new SpecException("C_mult", channelMultiplier + " is not allowed, expected 1 or 2");
        }
        if (stemType != 0 && stemType != 1) {
            throw new SpecException("stem_type", stemType + " is not allowed, expected 0 (simple) or 1 (DARTS-ImageNet-style)");
        }
        if (stemPool && stemType != 0) {
            throw new SpecException("stem_pool", "true is only allowed with stem_type 0");
        }
        if (fcLayers != 1 && fcLayers != 2) {
            throw new SpecException("fc_layers", fcLayers + " is not allowed, expected 1 or 2");
        }
        if (fcLayers == 2 && fcDim < 1) {
            throw new SpecException("fc_dim", fcDim + " is not positive, expected an integer >= 1 with fc_layers 2");
        }
        if (fcDim < 0) {
            throw new SpecException("fc_dim", fcDim + " is negative, expected an integer >= 0");
        }
        // The reference's Network asserts this with "steps" = the number of concatenated normal nodes.
        if (!preproc && (genotype.normalConcat().size() > 1 || channelMultiplier > 1)) {
            throw new SpecException("preproc", "false is not allowed here, expected true when len(normal_concat) > 1"
                    + " or C_mult > 1 (was " + genotype.normalConcat().size() + " and " + channelMultiplier + ")");
        }
        boolean vit = genotype.isVit();
        if (vit && channels < 8) {
            throw new SpecException("C", channels + " is too small for msa, expected C >= 8 (8 heads of C/8 channels)");
        }
        if (stemType == 1 && channels / 2 < 1) {
            throw new SpecException("C", channels + " is too small for stem_type 1, expected C >= 2");
        }
        checkFactorizedReductions(genotype, channels, cells, channelMultiplier, preproc, stemType, vit);
        checkSqueezeExcitation(genotype, channels);
    }

    /** Walks the cells like the reference's Network and rejects odd widths where a FactorizedReduce halves them. */
    private static void checkFactorizedReductions(Genotype g, int c, int n, int mult, boolean preproc, int stemType,
                                                  boolean vit) {
        if (vit) {
            return; // transformer nets never reduce spatially
        }
        boolean reductionPrev = stemType == 1;
        int cCurr = c;
        for (int i = 0; i < n; i++) {
            boolean reduction = isReduction(i, n);
            if (reduction) {
                cCurr *= mult;
            }
            boolean fr = (preproc && reductionPrev) || (reduction && hasStridedSkip(g.reduce()));
            if (fr && cCurr % 2 != 0) {
                throw new SpecException("C", c + " gives an odd width " + cCurr + " at cell " + i
                        + " where a factorized reduction halves it, expected an even C");
            }
            reductionPrev = reduction;
        }
    }

    private static void checkSqueezeExcitation(Genotype g, int c) {
        if (g.contains(OpType.CSE) && c / 2 < 1) {
            throw new SpecException("C", c + " is too small for cse, expected C >= 2 (reduction ratio 2)");
        }
    }

    private static boolean hasStridedSkip(java.util.List<CellOp> ops) {
        for (CellOp op : ops) {
            if (op.op() == OpType.SKIP_CONNECT && op.input() < 2) {
                return true;
            }
        }
        return false;
    }

    /** True if cell {@code index} of a net with {@code cells} cells is a reduction cell. */
    public static boolean isReduction(int index, int cells) {
        return index > 0 && (index == cells / 3 || index == 2 * cells / 3);
    }

    /** True if cell {@code index} of this net is a reduction cell. */
    public boolean isReductionCell(int index) {
        return isReduction(index, cells);
    }

    /** True if any op is msa: the net then has a ViT stem and never reduces spatially. */
    public boolean isVit() {
        return genotype.isVit();
    }

    /** A copy with another base channel count, validated again. */
    public NetworkSpec withChannels(int c) {
        return new NetworkSpec(genotype, c, cells, stemKernel, channelMultiplier, preproc, globalAvg, norm, stemType,
                stemPool, fcLayers, fcDim);
    }

    /** A copy with another classifier hidden width. */
    public NetworkSpec withFcDim(int dim) {
        return new NetworkSpec(genotype, channels, cells, stemKernel, channelMultiplier, preproc, globalAvg, norm,
                stemType, stemPool, fcLayers, dim);
    }

    public static Builder builder(Genotype genotype) {
        return new Builder(genotype);
    }

    public Builder toBuilder() {
        return new Builder(genotype).channels(channels).cells(cells).stemKernel(stemKernel)
                .channelMultiplier(channelMultiplier).preproc(preproc).globalAvg(globalAvg).norm(norm)
                .stemType(stemType).stemPool(stemPool).fcLayers(fcLayers).fcDim(fcDim);
    }

    /** Builds specs with the reference {@code Network}'s defaults for every field not set. */
    public static final class Builder {
        private Genotype genotype;
        private int channels = 16;
        private int cells = 8;
        private int stemKernel = 3;
        private int channelMultiplier = 2;
        private boolean preproc = true;
        private boolean globalAvg = true;
        private Norm norm = Norm.BATCH_NORM;
        private int stemType = 0;
        private boolean stemPool = false;
        private int fcLayers = 1;
        private int fcDim = 256;

        private Builder(Genotype genotype) {
            this.genotype = requireNonNull(genotype, "genotype");
        }

        public Builder genotype(Genotype g) { this.genotype = requireNonNull(g, "genotype"); return this; }
        public Builder channels(int c) { this.channels = c; return this; }
        public Builder cells(int n) { this.cells = n; return this; }
        public Builder stemKernel(int ks) { this.stemKernel = ks; return this; }
        public Builder channelMultiplier(int m) { this.channelMultiplier = m; return this; }
        public Builder preproc(boolean p) { this.preproc = p; return this; }
        public Builder globalAvg(boolean g) { this.globalAvg = g; return this; }
        public Builder norm(Norm n) { this.norm = requireNonNull(n, "norm"); return this; }
        public Builder stemType(int t) { this.stemType = t; return this; }
        public Builder stemPool(boolean p) { this.stemPool = p; return this; }
        public Builder fcLayers(int n) { this.fcLayers = n; return this; }
        public Builder fcDim(int d) { this.fcDim = d; return this; }

        public NetworkSpec build() {
            return new NetworkSpec(genotype, channels, cells, stemKernel, channelMultiplier, preproc, globalAvg, norm,
                    stemType, stemPool, fcLayers, fcDim);
        }
    }
}
