package org.ghnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.util.RandomRegistry;
import org.ghnas.space.plan.InputShape;
import org.junit.jupiter.api.Test;

/** Nets outside the space or over the exact budgets are replaced before scoring. */
class ValidityConstraintTest {

    private final ArchitectureCodec codec = ArchitectureCodec.of(8, 64);

    @Test
    void givenParamsAndFlopsBudgets_whenRepairing_thenEveryNetIsValidAndWithinThem() {
        SpaceRules rules = new SpaceRules(InputShape.FASHION_MNIST, new Constraints(20_000, 3_000_000, 1));
        ValidityConstraint constraint = new ValidityConstraint(codec, rules);
        RandomRegistry.using(new Random(8), r -> {
            for (int i = 0; i < 30; i++) {
                Genotype<IntegerGene> g = constraint.randomValid();
                NetworkFacts facts = rules.facts(codec.decode(g));
                assertThat(facts.valid()).isTrue();
                assertThat(facts.params()).isLessThanOrEqualTo(20_000);
                assertThat(facts.flops()).isLessThanOrEqualTo(3_000_000);
            }
        });
    }

    @Test
    void givenRandomGenotypes_whenTested_thenSomeAreRejectedWithAReason() {
        SpaceRules rules = new SpaceRules(InputShape.FASHION_MNIST, new Constraints(20_000, Long.MAX_VALUE, 1));
        ValidityConstraint constraint = new ValidityConstraint(codec, rules);
        int rejected = RandomRegistry.with(new Random(9), r -> {
            int n = 0;
            for (int i = 0; i < 200; i++) {
                Genotype<IntegerGene> g = codec.encoding().newInstance();
                if (!constraint.valid(g)) {
                    n++;
                    assertThat(rules.facts(codec.decode(g)).violation()).isNotBlank();
                }
            }
            return n;
        });
        assertThat(rejected).isBetween(1, 199);
    }

    @Test
    void givenImpossibleBudget_whenRepairing_thenClearError() {
        ValidityConstraint constraint = new ValidityConstraint(codec,
                new SpaceRules(InputShape.FASHION_MNIST, new Constraints(10, Long.MAX_VALUE, 1)));
        assertThatThrownBy(() -> RandomRegistry.with(new Random(1), r -> constraint.randomValid()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("constraints");
    }
}
