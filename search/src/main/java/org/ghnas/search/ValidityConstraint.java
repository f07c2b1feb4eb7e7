package org.ghnas.search;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.engine.Constraint;
import io.jenetics.ext.moea.Vec;

/**
 * Keeps nets that may not be scored ({@link SpaceRules}) out of every population: such an individual is replaced by
 * a fresh random valid one before it reaches the evaluator, so nothing outside the space or over a budget is ever
 * scored. The replacements draw from Jenetics' {@code RandomRegistry}, i.e. from the generation's seeded stream.
 *
 * @implNote Not thread-safe (shares the rules' cache); the search runs on one thread.
 */
final class ValidityConstraint implements Constraint<IntegerGene, Vec<double[]>> {

    /** Random draws after which a repair gives up: the budgets then leave (almost) no net of the space. */
    static final int MAX_DRAWS = 5_000;

    private final ArchitectureCodec codec;
    private final SpaceRules rules;

    ValidityConstraint(ArchitectureCodec codec, SpaceRules rules) {
        this.codec = codec;
        this.rules = rules;
    }

    @Override
    public boolean test(Phenotype<IntegerGene, Vec<double[]>> individual) {
        return valid(individual.genotype());
    }

    boolean valid(Genotype<IntegerGene> genotype) {
        try {
            return rules.facts(codec.decode(genotype)).valid();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Phenotype<IntegerGene, Vec<double[]>> repair(Phenotype<IntegerGene, Vec<double[]>> individual,
                                                       long generation) {
        return Phenotype.of(randomValid(), generation);
    }

    /**
     * A random genotype of a valid net.
     *
     * @throws IllegalStateException if {@value #MAX_DRAWS} draws in a row are invalid
     */
    Genotype<IntegerGene> randomValid() {
        for (int i = 0; i < MAX_DRAWS; i++) {
            Genotype<IntegerGene> g = codec.encoding().newInstance();
            if (valid(g)) {
                return g;
            }
        }
        throw new IllegalStateException("no valid net in " + MAX_DRAWS
                + " random draws: the constraints (maxParams, maxFlops) leave almost nothing of the space");
    }
}
