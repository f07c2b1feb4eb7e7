package org.ghnas.surrogate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;

class FeaturesTest {

    @Test
    void rowsAreComputedInParallelButComeBackInInputOrder() {
        GraphHyperNetwork ghn = GraphHyperNetwork.pretrained();
        List<NetworkSpec> specs = DeepNets1MSampler.builder(5).channels(8).build().stream().limit(12).toList();

        double[][] batch = Features.of(ghn, specs, true);

        assertThat(batch).hasNumberOfRows(12);
        for (int i = 0; i < specs.size(); i++) {
            assertThat(batch[i]).as("row %d", i).containsExactly(Features.of(ghn, List.of(specs.get(i)), true)[0]);
            assertThat(batch[i]).hasSize(ghn.config().hidden() + 3);
        }
    }
}
