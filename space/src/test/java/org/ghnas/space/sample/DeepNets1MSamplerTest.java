package org.ghnas.space.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.OpType;
import org.ghnas.space.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeepNets1MSamplerTest {

    private static final int N = 1000;

    @Test
    void givenSameSeed_whenSampling_thenSameNets() {
        List<NetworkSpec> a = DeepNets1MSampler.builder(11).build().sample(200);
        List<NetworkSpec> b = DeepNets1MSampler.builder(11).build().sample(200);

        assertThat(a).isEqualTo(b);
    }

    @Test
    void givenDifferentSeeds_whenSampling_thenDifferentNets() {
        List<NetworkSpec> a = DeepNets1MSampler.builder(11).build().sample(50);
        List<NetworkSpec> b = DeepNets1MSampler.builder(12).build().sample(50);

        assertThat(a).isNotEqualTo(b);
        assertThat(a.stream().filter(b::contains)).isEmpty();
    }

    @Test
    void givenSameSeed_whenStreaming_thenSameNetsAsSampling() {
        List<NetworkSpec> listed = DeepNets1MSampler.builder(5).build().sample(30);

        List<NetworkSpec> streamed = DeepNets1MSampler.builder(5).build().stream().limit(30)
                .collect(Collectors.toList());

        assertThat(streamed).isEqualTo(listed);
    }

    @Test
    void givenBuiltSampler_whenRebuiltFromToBuilder_thenStreamStartsAfresh() {
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(5).family(Family.DENSE).channels(48).build();
        List<NetworkSpec> first = sampler.sample(10);

        DeepNets1MSampler copy = sampler.toBuilder().build();

        assertThat(copy.sample(10)).isEqualTo(first);
        assertThat(copy.family()).isEqualTo(Family.DENSE);
        assertThat(copy.channels()).isEqualTo(48);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void givenFamily_whenSampling_thenNetsFollowItsRanges(Family family) {
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(family.ordinal()).family(family).build();

        List<NetworkSpec> nets = sampler.sample(N);

        assertThat(nets).allSatisfy(net -> {
            int steps = net.genotype().steps();
            assertThat(net.cells()).isBetween(family.minCells(), family.maxCells());
            assertThat(steps).isBetween(family.minSteps(), family.maxSteps());
            // the largest threshold bounds the steps of deep nets
            int threshold = family.deepThresholds().get(family.deepThresholds().size() - 1);
            if (net.cells() > threshold) {
                assertThat(steps).isLessThanOrEqualTo(family.mediumSteps());
            }
            if (net.norm() == Norm.NONE && !family.bnFree()) {
                assertThat(net.cells()).isLessThanOrEqualTo(family.minCells() + 1);
                assertThat(steps).isLessThanOrEqualTo(family.mediumSteps());
            }
            assertThat(net.channels()).isEqualTo(32 * family.channelFactor());
            assertThat(net.fcDim()).isEqualTo(256);
            assertThat(net.genotype().reduceSteps()).isEqualTo(steps);
            assertThat(net.genotype().normalConcat()).contains(steps + 1);
            assertThat(Rejection.ofGenotype(net.genotype())).isEmpty();
            // a NetworkSpec is validated on construction; rebuilding it must not throw
            assertThat(net.toBuilder().build()).isEqualTo(net);
        });
        // every cell count of the family occurs
        assertThat(nets.stream().map(NetworkSpec::cells).distinct().count())
                .isEqualTo(family.maxCells() - family.minCells() + 1L);
        assertThat(sampler.stats().accepted()).isEqualTo(N);
        assertThat(sampler.stats().rejected(Rejection.INVALID_SPEC)).isZero();
    }

    @Test
    void givenDeepFamily_whenSampling_thenTenToThirtySixCellsAndFewStepsBeyondEighteen() {
        List<NetworkSpec> nets = DeepNets1MSampler.builder(1).family(Family.DEEP).build().sample(N);

        assertThat(nets).extracting(NetworkSpec::cells).allSatisfy(c -> assertThat(c).isBetween(10, 36))
                .contains(10, 36);
        assertThat(nets).filteredOn(n -> n.cells() > 18)
                .allSatisfy(n -> assertThat(n.genotype().steps()).isBetween(1, 2));
        assertThat(nets).filteredOn(n -> n.cells() <= 18).extracting(n -> n.genotype().steps()).contains(3, 4);
        // shallow DEEP nets (<= 11 cells, <= 2 steps) may drop BN, so some do
        assertThat(nets).filteredOn(n -> n.norm() == Norm.NONE).isNotEmpty()
                .allSatisfy(n -> assertThat(n.cells()).isLessThanOrEqualTo(11));
    }

    @Test
    void givenDenseFamily_whenSampling_thenTwoToTenSteps() {
        List<NetworkSpec> nets = DeepNets1MSampler.builder(2).family(Family.DENSE).build().sample(N);

        assertThat(nets).extracting(n -> n.genotype().steps()).contains(2, 6, 10)
                .allSatisfy(s -> assertThat(s).isBetween(2, 10));
        assertThat(nets).filteredOn(n -> n.cells() > 10)
                .allSatisfy(n -> assertThat(n.genotype().steps()).isLessThanOrEqualTo(6));
        // steps > 1 always allows none and always preprocesses
        assertThat(nets).allSatisfy(n -> assertThat(n.preproc()).isTrue());
        assertThat(nets).anySatisfy(n -> assertThat(n.genotype().contains(OpType.NONE)).isTrue());
    }

    @Test
    void givenBnFreeFamily_whenSampling_thenNoNetHasNorm() {
        List<NetworkSpec> nets = DeepNets1MSampler.builder(3).family(Family.BNFREE).build().sample(N);

        assertThat(nets).allSatisfy(n -> assertThat(n.norm()).isEqualTo(Norm.NONE));
    }

    @Test
    void givenWideFamily_whenSamplingWithSameSeed_thenIdNetsWithFourTimesTheChannels() {
        List<NetworkSpec> id = DeepNets1MSampler.builder(4).build().sample(100);

        List<NetworkSpec> wide = DeepNets1MSampler.builder(4).family(Family.WIDE).build().sample(100);

        assertThat(wide).isEqualTo(id.stream().map(n -> n.withChannels(128)).collect(Collectors.toList()));
    }

    @Test
    void givenParameterCounter_whenSampling_thenItSeesC32AndRejectsLargeNets() {
        List<NetworkSpec> counted = new ArrayList<>();
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(6).family(Family.WIDE).fcDim(512)
                .maxParams(10_000_000L)
                .parameterCounter(spec -> {
                    counted.add(spec);
                    return spec.cells() * 1_000_000L; // a stand-in: "10 M parameters" for nets of 10 cells
                })
                .build();

        List<NetworkSpec> nets = sampler.sample(300);

        assertThat(nets).allSatisfy(n -> assertThat(n.cells()).isLessThanOrEqualTo(10));
        assertThat(nets).allSatisfy(n -> assertThat(n.channels()).isEqualTo(128));
        assertThat(nets).allSatisfy(n -> assertThat(n.fcDim()).isEqualTo(512));
        assertThat(counted).allSatisfy(n -> {
            assertThat(n.channels()).isEqualTo(32);
            assertThat(n.fcDim()).isEqualTo(256);
        });
        SamplerStats stats = sampler.stats();
        assertThat(stats.rejected(Rejection.TOO_MANY_PARAMS)).isEqualTo(counted.size() - 300L).isPositive();
        assertThat(stats.candidates()).isEqualTo(stats.accepted() + stats.totalRejected());
    }

    @Test
    void givenCounterThatCannotBuildSomeNets_whenSampling_thenThoseAreRejectedAsUnbuildable() {
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(7)
                .parameterCounter(spec -> {
                    if (spec.genotype().contains(OpType.NONE)) {
                        throw new SpecException("genotype", "none ops leave the output undefined");
                    }
                    return 1;
                })
                .build();

        List<NetworkSpec> nets = sampler.sample(200);

        assertThat(nets).noneSatisfy(n -> assertThat(n.genotype().contains(OpType.NONE)).isTrue());
        assertThat(sampler.stats().rejected(Rejection.UNBUILDABLE)).isPositive();
        assertThat(sampler.stats().rejected(Rejection.TOO_MANY_PARAMS)).isZero();
    }

    @Test
    void givenCounterRejectingEverything_whenSampling_thenGivesUpWithAHint() {
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(10).maxParams(1).parameterCounter(spec -> 2).build();

        assertThatThrownBy(sampler::sample).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("check maxParams (1)");
        assertThat(sampler.stats().rejected(Rejection.TOO_MANY_PARAMS)).isPositive();
        assertThat(sampler.stats().candidates()).isGreaterThanOrEqualTo(DeepNets1MSampler.MAX_CANDIDATES);
    }

    @Test
    void givenOddChannels_whenSampling_thenInvalidNetsAreRejectedAndCounted() {
        // C=5: msa needs C >= 8 and a type-1 stem feeds a FactorizedReduce with an odd width
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(8).channels(5).build();

        List<NetworkSpec> nets = sampler.sample(300);

        assertThat(nets).allSatisfy(n -> {
            assertThat(n.channels()).isEqualTo(5);
            assertThat(n.isVit()).isFalse();
            assertThat(n.stemType() == 1 && n.preproc()).isFalse();
        });
        assertThat(sampler.stats().rejected(Rejection.INVALID_SPEC)).isPositive();
    }

    @Test
    void givenRuleBreakingGenotypes_whenChecked_thenFirstBrokenRuleIsNamed() {
        assertThat(Rejection.ofGenotype(genotype("cse", "max_pool_3x3", "skip_connect", "avg_pool_3x3")))
                .contains(Rejection.CSE_WITHOUT_CONV);
        assertThat(Rejection.ofGenotype(genotype("cse", "cse", "conv_1x1", "avg_pool_3x3")))
                .contains(Rejection.MULTIPLE_CSE);
        assertThat(Rejection.ofGenotype(genotype("cse", "conv_1x1", "cse", "avg_pool_3x3")))
                .isEmpty();
        assertThat(Rejection.ofGenotype(genotype("conv_5x5", "conv_7x7", "conv_1x1", "avg_pool_3x3")))
                .contains(Rejection.MULTIPLE_LARGE_CONV);
        assertThat(Rejection.ofGenotype(genotype("conv_5x5", "conv_1x1", "conv_7x7", "avg_pool_3x3")))
                .isEmpty();
        assertThat(Rejection.ofGenotype(genotype("none", "skip_connect", "max_pool_3x3", "avg_pool_3x3")))
                .contains(Rejection.NO_LEARNABLE_OP);
        assertThat(Rejection.ofGenotype(genotype("none", "msa", "max_pool_3x3", "avg_pool_3x3")))
                .isEmpty();
    }

    @Test
    void givenBadSettings_whenBuilding_thenRejectedWithFieldAndValue() {
        assertThatThrownBy(() -> DeepNets1MSampler.builder(1).channels(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channels must be >= 1, but was 0.");
        assertThatThrownBy(() -> DeepNets1MSampler.builder(1).fcDim(-3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("fcDim must be >= 1, but was -3.");
        assertThatThrownBy(() -> DeepNets1MSampler.builder(1).maxParams(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxParams must be >= 1, but was 0.");
        assertThatThrownBy(() -> DeepNets1MSampler.builder(1).build().sample(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("n must be >= 0, but was -1.");
        assertThatThrownBy(() -> DeepNets1MSampler.builder(1).family(null))
                .isInstanceOf(NullPointerException.class).hasMessage("family");
    }

    @Test
    void givenDefaults_whenBuilt_thenIdFamilyAtC32WithFamilyMaxParams() {
        DeepNets1MSampler sampler = DeepNets1MSampler.builder(9).build();

        assertThat(sampler.family()).isEqualTo(Family.ID);
        assertThat(sampler.channels()).isEqualTo(32);
        assertThat(sampler.fcDim()).isEqualTo(256);
        assertThat(sampler.maxParams()).isEqualTo(10_000_000L);
        assertThat(DeepNets1MSampler.builder(9).family(Family.DEEP).build().maxParams()).isEqualTo(100_000_000L);
        assertThat(sampler.stats().candidates()).isZero();
    }

    /** A one-step genotype: normal ops a, b on inputs 0, 1; reduce ops c, d on inputs 0, 1. */
    private static Genotype genotype(String a, String b, String c, String d) {
        return new Genotype(
                List.of(CellOp.of(a, 0), CellOp.of(b, 1)), List.of(2),
                List.of(CellOp.of(c, 0), CellOp.of(d, 1)), List.of(2));
    }
}
