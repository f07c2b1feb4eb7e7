package org.ghnas.space.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.ghnas.space.CellOp;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.OpType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks that seeded ID samples reproduce the reference generator's statistics, measured on 2000 accepted 'train'
 * nets (facts §1.3 [measured]), within 3 percentage points.
 *
 * <p>The reference figures come from 2000 nets, so each carries a sampling error of about 1 point (28.5% ± 1.0);
 * we draw 20000 nets so that our own error (± 0.3) is small against it. Two figures sit above the reference's
 * 1-sigma band although they are not biased: the generator, simulated independently with direct uniform draws,
 * gives ViT 30.1% (reference 28.5%) and has-none 35.8% (reference 34%) in 100k nets; this sampler gives 30.0% and
 * 35.9%. The differences are 1.5 and 1.8 standard errors of the reference's 2000-net estimate.
 *
 * <p>"Op frequency per slot" is the share of an op among all [op, input] pairs of both cells of all accepted nets
 * (nets with more steps weigh more). That definition gives none 8.9% against the reference's 8.7%; the per-net
 * average of op shares would give 6.5%, so the pooled definition is the one the reference used.
 */
class DeepNets1MStatisticsTest {

    private static final int N = 20_000;
    private static final double POINTS = 3.0;

    private static List<NetworkSpec> nets;
    private static SamplerStats stats;

    @BeforeAll
    static void sample() {
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(2024).build();
        nets = sampler.sample(N);
        stats = sampler.stats();
    }

    private static double percent(Predicate<NetworkSpec> p) {
        return 100.0 * nets.stream().filter(p).count() / N;
    }

    @Test
    void givenIdSamples_whenCountingNetKinds_thenReferenceSharesWithinThreePoints() {
        assertThat(percent(NetworkSpec::isVit)).as("ViT").isCloseTo(28.5, within(POINTS));
        assertThat(percent(n -> n.genotype().contains(OpType.CSE))).as("has cse").isCloseTo(26.7, within(POINTS));
        assertThat(percent(n -> n.genotype().contains(OpType.NONE))).as("has none").isCloseTo(34.0, within(POINTS));
        assertThat(percent(n -> n.norm() == Norm.NONE)).as("BN-free").isCloseTo(3.7, within(POINTS));
        assertThat(percent(n -> !n.globalAvg())).as("no global pooling").isCloseTo(1.8, within(POINTS));
        assertThat(percent(n -> !n.preproc())).as("no preproc").isCloseTo(4.0, within(POINTS));
    }

    @Test
    void givenIdSamples_whenCountingNetworkLevelChoices_thenReferenceSharesWithinThreePoints() {
        assertThat(percent(n -> n.channelMultiplier() == 2)).as("C_mult 2").isCloseTo(49.8, within(POINTS));
        assertThat(percent(n -> n.fcLayers() == 2)).as("fc_layers 2").isCloseTo(48.7, within(POINTS));
        assertThat(percent(n -> n.stemType() == 1)).as("stem_type 1").isCloseTo(49.8, within(POINTS));
        assertThat(percent(NetworkSpec::stemPool)).as("stem_pool").isCloseTo(25.0, within(POINTS));
    }

    @Test
    void givenIdSamples_whenCountingSteps_thenReferenceSharesWithinThreePoints() {
        double[] reference = {47, 40, 8, 6};
        for (int steps = 1; steps <= 4; steps++) {
            int s = steps;
            assertThat(percent(n -> n.genotype().steps() == s)).as("steps %d", s)
                    .isCloseTo(reference[s - 1], within(POINTS));
        }
    }

    @Test
    void givenIdSamples_whenCountingCells_thenUniformFourToEighteen() {
        for (int cells = 4; cells <= 18; cells++) {
            int c = cells;
            assertThat(percent(n -> n.cells() == c)).as("%d cells", c).isCloseTo(100.0 / 15, within(POINTS));
        }
    }

    @Test
    void givenIdSamples_whenCountingOpsPerSlot_thenReferenceFrequencies() {
        Map<OpType, Long> count = new EnumMap<>(OpType.class);
        long slots = 0;
        for (NetworkSpec n : nets) {
            for (List<CellOp> cell : List.of(n.genotype().normal(), n.genotype().reduce())) {
                for (CellOp op : cell) {
                    count.merge(op.op(), 1L, Long::sum);
                    slots++;
                }
            }
        }
        Map<OpType, Double> reference = new EnumMap<>(OpType.class);
        for (OpType op : OpType.all()) {
            reference.put(op, 5.0); // "each conv type ~5%", msa 5%
        }
        reference.put(OpType.NONE, 8.7);
        reference.put(OpType.MAX_POOL_3X3, 12.5);
        reference.put(OpType.AVG_POOL_3X3, 12.5);
        reference.put(OpType.SKIP_CONNECT, 12.5);
        reference.put(OpType.CSE, 4.2);
        reference.put(OpType.CONV_5X5, 3.8);
        reference.put(OpType.CONV_7X7, 3.8);
        for (OpType op : OpType.all()) {
            // these shares are small, so hold them to 1 point rather than 3
            assertThat(100.0 * count.getOrDefault(op, 0L) / slots).as("slot share of %s", op)
                    .isCloseTo(reference.get(op), within(1.0));
        }
    }

    @Test
    void givenIdSamples_whenCountingRejections_thenReferenceRates() {
        // reference: 387 of ~2420 candidates rejected by rules 6a-c (16%), 28 (1.2%) for having no learnable op
        double candidates = stats.candidates();
        long rules6abc = stats.rejected(Rejection.CSE_WITHOUT_CONV) + stats.rejected(Rejection.MULTIPLE_CSE)
                + stats.rejected(Rejection.MULTIPLE_LARGE_CONV);
        assertThat(100.0 * rules6abc / candidates).as("rules 6a-c").isCloseTo(16.0, within(POINTS));
        assertThat(100.0 * stats.rejected(Rejection.NO_LEARNABLE_OP) / candidates).as("rule 6d")
                .isCloseTo(1.2, within(POINTS));
        // reference: 4 of ~2420 candidates (0.17%) rejected after building (1 too large, 3 disconnected)
        assertThat(100.0 * (stats.rejected(Rejection.TOO_MANY_PARAMS) + stats.rejected(Rejection.UNBUILDABLE))
                / candidates).as("size and build rejections").isLessThan(1.0);
        assertThat(stats.rejected(Rejection.INVALID_SPEC)).isZero();
        assertThat(stats.accepted()).isEqualTo(N);
    }
}
