package org.ghnas.space.sample;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.OpType;

/**
 * Why the generator discarded a candidate net and drew a new one. The first four are the reference's genotype rules
 * (facts §1.3, rule 6a–6d), checked before any network-level draw; the others come after the whole net is drawn.
 */
public enum Rejection {
    /** Rule 6a: a {@code cse} op but no convolution anywhere (squeeze-excitation of nothing learnable). */
    CSE_WITHOUT_CONV,
    /** Rule 6b: more than one {@code cse} in the normal cell or in the reduction cell (NaN-prone GHN training). */
    MULTIPLE_CSE,
    /** Rule 6c: more than one of {@code conv_5x5}/{@code conv_7x7} in the normal or the reduction cell (memory). */
    MULTIPLE_LARGE_CONV,
    /** Rule 6d: no learnable op ({@code cse}, {@code msa} or any convolution) at all. */
    NO_LEARNABLE_OP,
    /** Rule 12: more parameters at C=32 than the family allows. */
    TOO_MANY_PARAMS,
    /** Rule 12: the parameter counter could not build the net (e.g. its output is undefined because of none ops). */
    UNBUILDABLE,
    /** Our own rule: the drawn net breaks a rule of {@code NetworkSpec} at the sampler's channel count. */
    INVALID_SPEC;

    /**
     * The first of rules 6a–6d, in that order, that {@code genotype} breaks, or empty if it passes them all.
     * The reference tests 6a–6c together, so a genotype breaking several of them is attributed to the first.
     *
     * @throws NullPointerException if {@code genotype} is null
     */
    public static Optional<Rejection> ofGenotype(Genotype genotype) {
        requireNonNull(genotype, "genotype");
        boolean cse = genotype.contains(OpType.CSE);
        boolean conv = anyConv(genotype.normal()) || anyConv(genotype.reduce());
        if (cse && !conv) {
            return Optional.of(CSE_WITHOUT_CONV);
        }
        if (count(genotype.normal(), OpType.CSE) > 1 || count(genotype.reduce(), OpType.CSE) > 1) {
            return Optional.of(MULTIPLE_CSE);
        }
        if (largeConvs(genotype.normal()) > 1 || largeConvs(genotype.reduce()) > 1) {
            return Optional.of(MULTIPLE_LARGE_CONV);
        }
        if (!(cse || conv || genotype.isVit())) {
            return Optional.of(NO_LEARNABLE_OP);
        }
        return Optional.empty();
    }

    private static boolean anyConv(List<CellOp> ops) {
        return ops.stream().anyMatch(c -> c.op().isConv());
    }

    private static long count(List<CellOp> ops, OpType op) {
        return ops.stream().filter(c -> c.op() == op).count();
    }

    private static long largeConvs(List<CellOp> ops) {
        return count(ops, OpType.CONV_5X5) + count(ops, OpType.CONV_7X7);
    }
}
