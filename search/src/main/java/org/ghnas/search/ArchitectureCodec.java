package org.ghnas.search;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import io.jenetics.Chromosome;
import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.engine.Codec;
import io.jenetics.util.Factory;
import io.jenetics.util.ISeq;
import io.jenetics.util.IntRange;
import org.ghnas.space.CellOp;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.OpType;

/**
 * Encodes the in-distribution DeepNets-1M space ({@code DeepNets1MSampler} with {@code Family.ID}) as integer
 * genes, so that Jenetics' crossover and mutation move between architectures of the space the GHN and the surrogates
 * were fitted on.
 *
 * <pre>{@code
 * ArchitectureCodec codec = ArchitectureCodec.of(8, 64);
 * Engine<IntegerGene, Vec<double[]>> engine = new Engine.Builder<>(evaluator, codec.encoding()) ... ;
 * NetworkSpec spec = codec.decode(genotype);
 * }</pre>
 *
 * <p>Layout (Jenetics ranges exclude their maximum): one chromosome per network-level choice ({@code n_cells} 4..18, steps 1..4, stem kernel, C_mult,
 * preproc, global pooling, norm, stem type, stem pool, classifier layers), then the normal cell's 8 ops and 8 inputs,
 * the reduction cell's 8 ops and 8 inputs, and 3 concat bits. Cells always carry genes for 4 steps; the genes of
 * unused steps are neutral. An input gene {@code g} in 0..59 selects predecessor {@code g mod k} of a node with
 * {@code k} possible predecessors (60 is divisible by every k in 1..5, so all are equally likely); a node's second
 * input is drawn among the predecessors other than its first, as the sampler keeps two distinct ones.
 *
 * <p>Decoding repairs what the sampler's draw order makes impossible instead of rejecting it: steps are capped at
 * 2 for nets deeper than 10 cells, a stem pool needs the simple stem, preprocessing is kept wherever the sampler
 * always draws it, flatten only for non-transformer nets of at most 10 cells, and normalisation-free only for nets
 * of at most 5 cells and 2 steps. What remains (genotype rules 6a-6d, {@code none} with one step, the size rule,
 * the experiment's budgets) is checked by {@link SpaceRules} and rejected by {@link ValidityConstraint}.
 *
 * @implNote Immutable and thread-safe.
 */
public final class ArchitectureCodec implements Codec<NetworkSpec, IntegerGene> {

    /** Largest number of intermediate nodes per cell in the ID space. */
    static final int MAX_STEPS = 4;
    /** Largest number of steps of nets with more than {@link #DEEP_CELLS} cells. */
    static final int DEEP_STEPS = 2;
    /** The largest deep-net threshold of the ID family: deeper nets always have at most 2 steps and global pooling. */
    static final int DEEP_CELLS = 10;
    /** Largest cell count at which the sampler may draw a normalisation-free net. */
    static final int NORM_CELLS = 5;
    static final int MIN_CELLS = 4;
    static final int MAX_CELLS = 18;
    private static final int INPUT_GENE_RANGE = 60;
    private static final List<Integer> STEM_KERNELS = List.of(3, 5, 7);

    private static final int CELLS = 0;
    private static final int STEPS = 1;
    private static final int STEM_KERNEL = 2;
    private static final int MULT = 3;
    private static final int PREPROC = 4;
    private static final int GLOBAL_AVG = 5;
    private static final int NORM = 6;
    private static final int STEM_TYPE = 7;
    private static final int STEM_POOL = 8;
    private static final int FC_LAYERS = 9;
    private static final int NORMAL_OPS = 10;
    private static final int NORMAL_INPUTS = 11;
    private static final int REDUCE_OPS = 12;
    private static final int REDUCE_INPUTS = 13;
    private static final int CONCAT = 14;

    private final int channels;
    private final int fcDim;
    private final Genotype<IntegerGene> template;

    private ArchitectureCodec(int channels, int fcDim) {
        if (channels < 8 || channels % 2 != 0) {
            throw new IllegalArgumentException("channels: " + channels + " is not allowed, expected an even integer >= 8");
        }
        if (fcDim < 1) {
            throw new IllegalArgumentException("fcDim: " + fcDim + " is not allowed, expected an integer >= 1");
        }
        this.channels = channels;
        this.fcDim = fcDim;
        int pairs = 2 * MAX_STEPS;
        this.template = Genotype.of(
                IntegerChromosome.of(MIN_CELLS, MAX_CELLS + 1),
                IntegerChromosome.of(1, MAX_STEPS + 1),
                IntegerChromosome.of(0, STEM_KERNELS.size()),
                IntegerChromosome.of(1, 3),
                IntegerChromosome.of(0, 2),
                IntegerChromosome.of(0, 2),
                IntegerChromosome.of(0, 2),
                IntegerChromosome.of(0, 2),
                IntegerChromosome.of(0, 2),
                IntegerChromosome.of(1, 3),
                IntegerChromosome.of(IntRange.of(0, OpType.all().size()), pairs),
                IntegerChromosome.of(IntRange.of(0, INPUT_GENE_RANGE), pairs),
                IntegerChromosome.of(IntRange.of(0, OpType.all().size()), pairs),
                IntegerChromosome.of(IntRange.of(0, INPUT_GENE_RANGE), pairs),
                IntegerChromosome.of(IntRange.of(0, 2), MAX_STEPS - 1));
    }

    /**
     * A codec for nets with base channel count {@code channels} and classifier hidden width {@code fcDim}.
     *
     * @throws IllegalArgumentException if {@code channels} is not an even integer &ge; 8 (every ID net is then a valid
     *     spec) or {@code fcDim < 1}
     */
    public static ArchitectureCodec of(int channels, int fcDim) {
        return new ArchitectureCodec(channels, fcDim);
    }

    /** Base channel count C of every decoded net. */
    public int channels() {
        return channels;
    }

    /** Classifier hidden width of every decoded net. */
    public int fcDim() {
        return fcDim;
    }

    @Override
    public Factory<Genotype<IntegerGene>> encoding() {
        return template;
    }

    @Override
    public Function<Genotype<IntegerGene>, NetworkSpec> decoder() {
        return this::decode;
    }

    /**
     * The net a genotype stands for, with the repairs described in the class comment.
     *
     * @throws org.ghnas.space.SpecException if the repaired net still breaks a rule of {@code NetworkSpec} (not
     *     expected for the ID space at an even C &ge; 8)
     */
    @Override
    public NetworkSpec decode(Genotype<IntegerGene> gt) {
        int cells = gene(gt, CELLS, 0);
        int steps = Math.min(gene(gt, STEPS, 0), cells > DEEP_CELLS ? DEEP_STEPS : MAX_STEPS);
        List<CellOp> normal = cell(gt, NORMAL_OPS, NORMAL_INPUTS, steps);
        List<CellOp> reduce = cell(gt, REDUCE_OPS, REDUCE_INPUTS, steps);
        List<Integer> concat = new ArrayList<>(steps);
        for (int node = 2; node <= steps + 1; node++) {
            if (node == steps + 1 || gene(gt, CONCAT, node - 2) == 1) {
                concat.add(node);
            }
        }
        org.ghnas.space.Genotype genotype = new org.ghnas.space.Genotype(normal, concat, reduce, concat);
        boolean vit = genotype.isVit();
        int mult = gene(gt, MULT, 0);
        boolean preproc = gene(gt, PREPROC, 0) == 1 || !preprocOptional(steps, mult, vit);
        boolean globalAvg = gene(gt, GLOBAL_AVG, 0) == 1 || vit || cells > DEEP_CELLS;
        Norm norm = gene(gt, NORM, 0) == 1 && cells <= NORM_CELLS && steps <= DEEP_STEPS ? Norm.NONE : Norm.BATCH_NORM;
        int stemType = gene(gt, STEM_TYPE, 0);
        boolean stemPool = stemType == 0 && gene(gt, STEM_POOL, 0) == 1;
        return new NetworkSpec(genotype, channels, cells, STEM_KERNELS.get(gene(gt, STEM_KERNEL, 0)), mult, preproc,
                globalAvg, norm, stemType, stemPool, gene(gt, FC_LAYERS, 0), fcDim);
    }

    /**
     * The genotype of a net of the ID space at this codec's C and fc width; the genes of unused steps are 0, so
     * {@code decode(encode(spec)).equals(spec)}.
     *
     * @throws IllegalArgumentException naming the field if the net lies outside the space this codec covers
     */
    public Genotype<IntegerGene> encode(NetworkSpec spec) {
        org.ghnas.space.Genotype g = spec.genotype();
        int steps = g.steps();
        require(spec.channels() == channels, "C", spec.channels() + " differs from the codec's " + channels);
        require(spec.fcDim() == fcDim, "fc_dim", spec.fcDim() + " differs from the codec's " + fcDim);
        require(spec.cells() >= MIN_CELLS && spec.cells() <= MAX_CELLS, "n_cells", spec.cells() + " is outside 4..18");
        require(steps <= (spec.cells() > DEEP_CELLS ? DEEP_STEPS : MAX_STEPS), "steps", steps + " is too many for "
                + spec.cells() + " cells");
        require(g.reduceSteps() == steps, "genotype.reduce", "has " + g.reduceSteps() + " steps, expected " + steps);
        require(g.normalConcat().equals(g.reduceConcat()), "genotype.reduce_concat", "differs from normal_concat");
        require(g.normalConcat().contains(steps + 1), "genotype.normal_concat", "lacks the last node " + (steps + 1));
        require(STEM_KERNELS.contains(spec.stemKernel()), "ks", spec.stemKernel() + " is not 3, 5 or 7");
        boolean vit = g.isVit();
        require(spec.preproc() || preprocOptional(steps, spec.channelMultiplier(), vit), "preproc",
                "false is outside the ID space here");
        require(spec.globalAvg() || !(vit || spec.cells() > DEEP_CELLS), "glob_avg", "false is outside the ID space here");
        require(spec.norm() == Norm.BATCH_NORM || spec.cells() <= NORM_CELLS && steps <= DEEP_STEPS, "norm",
                "null is outside the ID space here");
        List<Chromosome<IntegerGene>> chromosomes = new ArrayList<>();
        int[] scalars = {spec.cells(), steps, STEM_KERNELS.indexOf(spec.stemKernel()), spec.channelMultiplier(),
                spec.preproc() ? 1 : 0, spec.globalAvg() ? 1 : 0, spec.norm() == Norm.NONE ? 1 : 0, spec.stemType(),
                spec.stemPool() ? 1 : 0, spec.fcLayers()};
        for (int i = 0; i < scalars.length; i++) {
            chromosomes.add(with(template.get(i), new int[]{scalars[i]}));
        }
        addCell(chromosomes, g.normal(), NORMAL_OPS);
        addCell(chromosomes, g.reduce(), REDUCE_OPS);
        int[] bits = new int[MAX_STEPS - 1];
        for (int node = 2; node <= steps; node++) {
            bits[node - 2] = g.normalConcat().contains(node) ? 1 : 0;
        }
        chromosomes.add(with(template.get(CONCAT), bits));
        return Genotype.of(chromosomes);
    }

    private void addCell(List<Chromosome<IntegerGene>> out, List<CellOp> ops, int opsIndex) {
        int[] opGenes = new int[2 * MAX_STEPS];
        int[] inputGenes = new int[2 * MAX_STEPS];
        for (int i = 0; i < ops.size(); i += 2) {
            int node = 2 + i / 2;
            int first = ops.get(i).input();
            int second = ops.get(i + 1).input();
            require(first != second, "genotype", "node " + node + " reads state " + first + " twice");
            opGenes[i] = ops.get(i).op().index();
            opGenes[i + 1] = ops.get(i + 1).op().index();
            inputGenes[i] = first;
            inputGenes[i + 1] = Math.floorMod(second - first - 1, node);
        }
        out.add(with(template.get(opsIndex), opGenes));
        out.add(with(template.get(opsIndex + 1), inputGenes));
    }

    private static Chromosome<IntegerGene> with(Chromosome<IntegerGene> like, int[] values) {
        IntegerChromosome c = (IntegerChromosome) like;
        IntegerGene[] genes = new IntegerGene[values.length];
        for (int i = 0; i < values.length; i++) {
            genes[i] = IntegerGene.of(values[i], c.min(), c.max()); // max is exclusive
        }
        return IntegerChromosome.of(genes);
    }

    /** Whether the sampler may draw preproc=false: only for one-step transformer cells without channel growth. */
    private static boolean preprocOptional(int steps, int mult, boolean vit) {
        return steps == 1 && mult == 1 && vit;
    }

    private static List<CellOp> cell(Genotype<IntegerGene> gt, int opsIndex, int inputsIndex, int steps) {
        List<CellOp> ops = new ArrayList<>(2 * steps);
        for (int i = 0; i < 2 * steps; i += 2) {
            int node = 2 + i / 2;
            int first = gene(gt, inputsIndex, i) % node;
            int second = (first + 1 + gene(gt, inputsIndex, i + 1) % (node - 1)) % node;
            ops.add(new CellOp(OpType.ofIndex(gene(gt, opsIndex, i)), first));
            ops.add(new CellOp(OpType.ofIndex(gene(gt, opsIndex, i + 1)), second));
        }
        return ops;
    }

    private static int gene(Genotype<IntegerGene> gt, int chromosome, int index) {
        return gt.get(chromosome).get(index).intValue();
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + message + " (outside the ID search space)");
        }
    }

    /** Number of chromosomes; for tests. */
    static int chromosomeCount() {
        return CONCAT + 1;
    }

    /** The genes of a genotype as one int array per chromosome, for checkpoints. */
    static int[][] genes(Genotype<IntegerGene> gt) {
        int[][] out = new int[gt.length()][];
        for (int c = 0; c < gt.length(); c++) {
            out[c] = new int[gt.get(c).length()];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = gt.get(c).get(i).intValue();
            }
        }
        return out;
    }

    /**
     * The genotype with these genes, as written by {@link #genes}.
     *
     * @throws IllegalArgumentException if the shape or a value does not fit this codec's layout
     */
    Genotype<IntegerGene> genotype(int[][] genes) {
        if (genes.length != template.length()) {
            throw new IllegalArgumentException("genes: " + genes.length + " chromosomes, expected " + template.length());
        }
        List<Chromosome<IntegerGene>> cs = new ArrayList<>();
        for (int c = 0; c < genes.length; c++) {
            IntegerChromosome like = (IntegerChromosome) template.get(c);
            if (genes[c].length != like.length()) {
                throw new IllegalArgumentException("genes[" + c + "]: " + genes[c].length + " genes, expected "
                        + like.length());
            }
            for (int v : genes[c]) {
                if (v < like.min() || v >= like.max()) {
                    throw new IllegalArgumentException("genes[" + c + "]: " + v + " is outside " + like.min() + ".."
                            + (like.max() - 1));
                }
            }
            cs.add(with(like, genes[c]));
        }
        return Genotype.of(ISeq.of(cs));
    }
}
