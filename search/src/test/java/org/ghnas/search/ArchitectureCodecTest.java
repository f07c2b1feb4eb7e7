package org.ghnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.util.RandomRegistry;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;

/** The codec covers the sampler's space: every sampled net round-trips, every genotype decodes to a valid spec. */
class ArchitectureCodecTest {

    private final ArchitectureCodec codec = ArchitectureCodec.of(8, 64);

    @Test
    void givenSampledIdNets_whenEncodedAndDecoded_thenSameNetAndAllowedByTheRules() {
        List<NetworkSpec> nets = DeepNets1MSampler.builder(11).channels(8).fcDim(64).build().sample(60);
        SpaceRules rules = new SpaceRules(InputShape.FASHION_MNIST, Constraints.none());
        for (NetworkSpec spec : nets) {
            assertThat(codec.decode(codec.encode(spec))).isEqualTo(spec);
            assertThat(rules.facts(spec).violation()).isNull();
        }
    }

    @Test
    void givenRandomGenotypes_whenDecoded_thenEveryOneIsAValidSpecWithinTheIdRanges() {
        RandomRegistry.using(new Random(3), r -> {
            for (int i = 0; i < 2000; i++) {
                Genotype<IntegerGene> g = codec.encoding().newInstance();
                NetworkSpec spec = codec.decode(g); // the NetworkSpec constructor validates
                assertThat(spec.cells()).isBetween(4, 18);
                assertThat(spec.genotype().steps()).isBetween(1, spec.cells() > 10 ? 2 : 4);
                assertThat(spec.channels()).isEqualTo(8);
                assertThat(codec.decode(codec.encode(spec))).isEqualTo(spec);
            }
        });
    }

    @Test
    void givenGenes_whenWrittenAndReadBack_thenSameGenotype() {
        Genotype<IntegerGene> g = RandomRegistry.with(new Random(5), r -> codec.encoding().newInstance());
        assertThat(codec.genotype(ArchitectureCodec.genes(g))).isEqualTo(g);
        int[][] bad = ArchitectureCodec.genes(g);
        bad[0][0] = 19;
        assertThatThrownBy(() -> codec.genotype(bad)).hasMessage("genes[0]: 19 is outside 4..18");
    }

    @Test
    void givenOddChannels_whenCodecCreated_thenOneLineErrorNamingTheField() {
        assertThatThrownBy(() -> ArchitectureCodec.of(9, 64))
                .hasMessage("channels: 9 is not allowed, expected an even integer >= 8");
    }

    @Test
    void givenNetOutsideTheCodecsChannels_whenEncoded_thenRejected() {
        NetworkSpec spec = DeepNets1MSampler.builder(1).channels(16).fcDim(64).build().sample();
        assertThatThrownBy(() -> codec.encode(spec)).hasMessageStartingWith("C: 16 differs from the codec's 8");
    }
}
