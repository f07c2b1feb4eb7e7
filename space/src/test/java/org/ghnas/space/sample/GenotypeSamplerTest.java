package org.ghnas.space.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.OpType;
import org.junit.jupiter.api.Test;

class GenotypeSamplerTest {

    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of(DeepNets1MSampler.RANDOM_ALGORITHM).create(seed);
    }

    @Test
    void givenSameSeed_whenSampling_thenSameGenotype() {
        GenotypeSampler sampler = GenotypeSampler.of(4, false, true, true);

        Genotype a = sampler.sample(rng(3));
        Genotype b = sampler.sample(rng(3));

        assertThat(a).isEqualTo(b);
        assertThat(sampler.sample(rng(4))).isNotEqualTo(a);
    }

    @Test
    void givenSteps_whenSampling_thenTwoDistinctEarlierInputsPerNode() {
        RandomGenerator rng = rng(1);
        for (int steps = 1; steps <= 6; steps++) {
            for (int i = 0; i < 200; i++) {
                Genotype g = GenotypeSampler.of(steps, i % 2 == 0, true, true).sample(rng);

                assertThat(g.steps()).isEqualTo(steps);
                assertThat(g.reduceSteps()).isEqualTo(steps);
                for (List<CellOp> cell : List.of(g.normal(), g.reduce())) {
                    for (int node = 0; node < steps; node++) {
                        int a = cell.get(2 * node).input();
                        int b = cell.get(2 * node + 1).input();
                        assertThat(a).isNotEqualTo(b);
                        assertThat(Math.max(a, b)).isLessThan(node + 2);
                    }
                }
            }
        }
    }

    @Test
    void givenOnlyPool_whenSampling_thenReductionCellHasNoLearnableOp() {
        RandomGenerator rng = rng(2);
        for (int i = 0; i < 500; i++) {
            Genotype g = GenotypeSampler.of(1 + i % 4, true, i % 4 != 0, false).sample(rng);

            assertThat(g.reduce()).allSatisfy(c -> assertThat(c.op().isPoolOrSkip()).isTrue());
        }
    }

    @Test
    void givenNoneAndTransformerDisallowed_whenSampling_thenNeitherAppears() {
        RandomGenerator rng = rng(3);
        for (int i = 0; i < 500; i++) {
            Genotype g = new GenotypeSampler(3, i % 2 == 0, false, true, false).sample(rng);

            assertThat(g.contains(OpType.NONE)).isFalse();
            assertThat(g.contains(OpType.MSA)).isFalse();
        }
    }

    @Test
    void givenDropConcat_whenSampling_thenLastNodeAlwaysKeptAndOthersHalfTheTime() {
        RandomGenerator rng = rng(4);
        int n = 4000;
        int[] kept = new int[6];
        for (int i = 0; i < n; i++) {
            Genotype g = GenotypeSampler.of(4, false, true, true).sample(rng);

            assertThat(g.normalConcat()).isEqualTo(g.reduceConcat()).contains(5).isSorted();
            g.normalConcat().forEach(node -> kept[node]++);
        }
        assertThat(kept[5]).isEqualTo(n);
        for (int node = 2; node <= 4; node++) {
            assertThat(kept[node] / (double) n).isCloseTo(0.5, within(0.03));
        }
    }

    @Test
    void givenNoDropConcat_whenSampling_thenEveryNodeIsConcatenated() {
        Genotype g = GenotypeSampler.of(4, false, true, false).sample(rng(5));

        assertThat(g.normalConcat()).containsExactly(2, 3, 4, 5);
    }

    @Test
    void givenManySamples_whenCountingOps_thenUniformOverAllowedOpsAndPredecessorPairs() {
        // The parse of near-uniform softmax rows amounts to i.i.d. uniform op choices and a uniform pair of inputs.
        RandomGenerator rng = rng(6);
        int n = 6000;
        long[] normalOps = new long[15];
        long[] reduceOps = new long[15];
        Set<List<Integer>> pairs = new HashSet<>();
        long[] pairCount = new long[3];
        for (int i = 0; i < n; i++) {
            Genotype g = GenotypeSampler.of(2, true, true, false).sample(rng);
            g.normal().forEach(c -> normalOps[c.op().index()]++);
            g.reduce().forEach(c -> reduceOps[c.op().index()]++);
            int a = g.normal().get(2).input();
            int b = g.normal().get(3).input();
            pairs.add(List.of(a, b));
            pairCount[3 - a - b]++; // the predecessor of node 3 that was left out
        }
        for (int op = 0; op < 15; op++) {
            assertThat(normalOps[op] / (4.0 * n)).as("normal %s", OpType.ofIndex(op)).isCloseTo(1 / 15.0, within(0.01));
            assertThat(reduceOps[op] / (4.0 * n)).as("reduce %s", OpType.ofIndex(op))
                    .isCloseTo(op < 4 ? 0.25 : 0.0, within(0.015));
        }
        assertThat(pairs).hasSize(6); // both orders of the three pairs: the higher-scoring input comes first
        for (long c : pairCount) {
            assertThat(c / (double) n).isCloseTo(1 / 3.0, within(0.025));
        }
    }

    @Test
    void givenNoSteps_whenCreating_thenRejected() {
        assertThatThrownBy(() -> GenotypeSampler.of(0, false, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps must be >= 1, but was 0.");
    }

    @Test
    void rowsCountEveryNodePredecessorPair() {
        assertThat(GenotypeSampler.rows(1)).isEqualTo(2);
        assertThat(GenotypeSampler.rows(4)).isEqualTo(2 + 3 + 4 + 5);
        assertThat(GenotypeSampler.rows(10)).isEqualTo(65);
    }
}
