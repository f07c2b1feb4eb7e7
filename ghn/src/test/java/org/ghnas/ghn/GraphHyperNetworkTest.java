package org.ghnas.ghn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ghnas.ghn.io.MalformedArchiveException;
import org.ghnas.ghn.io.TensorArchive;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public GHN API: predict, embed, save/load, file round trips. */
class GraphHyperNetworkTest {

    private static final GhnConfig SMALL = new GhnConfig(8, 50, true, 11, 10);

    private static List<NetworkSpec> nets(int n) {
        return DeepNets1MSampler.builder(0).channels(8).fcDim(16).build().sample(n);
    }

    @Test
    void givenSameSeed_whenInitialised_thenSameChecksumAndEmbeddings() {
        GraphHyperNetwork a = GraphHyperNetwork.initialize(SMALL, 4);
        GraphHyperNetwork b = GraphHyperNetwork.initialize(SMALL, 4);
        assertThat(a.checksum()).isEqualTo(b.checksum()).hasSize(64);
        assertThat(GraphHyperNetwork.initialize(SMALL, 5).checksum()).isNotEqualTo(a.checksum());
        List<NetworkSpec> specs = nets(3);
        assertThat(a.embed(specs)).isEqualTo(b.embed(specs));
        assertThat(a.embed(specs.get(0)).dimension()).isEqualTo(8);
        assertThat(a.embed(specs.get(0))).isNotEqualTo(a.embed(specs.get(1)));
    }

    @Test
    void givenABatch_whenEmbedded_thenTheSameEmbeddingsInInputOrderAsOneByOne() {
        GraphHyperNetwork ghn = GraphHyperNetwork.initialize(SMALL, 4);
        List<NetworkSpec> specs = nets(9);
        List<GraphEmbedding> batch = ghn.embed(specs);
        assertThat(batch).hasSize(9);
        for (int i = 0; i < specs.size(); i++) {
            assertThat(batch.get(i)).as("net %d", i).isEqualTo(ghn.embed(specs.get(i)));
        }
        // a caller that needs the plan anyway builds it once and embeds it
        assertThat(ghn.embed(ghn.plan(specs.get(0)))).isEqualTo(batch.get(0));
        InputShape other = ghn.input().equals(InputShape.CIFAR10) ? InputShape.FASHION_MNIST : InputShape.CIFAR10;
        assertThatThrownBy(() -> ghn.embed(NetworkPlan.of(specs.get(0), other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("plan: built for");
    }

    @Test
    void givenPrediction_thenEveryTensorHoldsTheModelsOutputInItsShape() {
        // predict() copies the model's tensors out of ND4J, straight from the buffer where it holds exactly them
        GraphHyperNetwork ghn = GraphHyperNetwork.initialize(SMALL, 7);
        for (NetworkSpec spec : nets(3)) {
            NetworkPlan plan = ghn.plan(spec);
            NetworkParameters model = new Ghn2(SMALL, 7).forward(plan).parameters();
            NetworkParameters predicted = ghn.predict(spec).toNetworkParameters();
            for (int i = 0; i < model.size(); i++) {
                assertThat(predicted.tensor(i).shape()).as("tensor %d", i).isEqualTo(model.tensor(i).shape());
                assertThat(predicted.tensor(i).dup('c').data().asFloat()).as("tensor %d", i)
                        .containsExactly(model.tensor(i).dup('c').data().asFloat());
            }
        }
    }

    @Test
    void givenNetworkParameters_whenChanged_thenThePredictionIsNot() {
        PredictedParameters p = GraphHyperNetwork.initialize(SMALL, 7).predict(nets(1).get(0));
        float[] before = p.tensor(0);
        NetworkParameters np = p.toNetworkParameters();
        np.tensor(0).addi(1);
        assertThat(p.tensor(0)).containsExactly(before);
        assertThat(p.toNetworkParameters().tensor(0).getFloat(0)).isEqualTo(before[0]);
    }

    @Test
    void givenSavedGhn_whenLoaded_thenSameChecksumAndPredictions(@TempDir Path dir) {
        GraphHyperNetwork ghn = GraphHyperNetwork.initialize(SMALL, 7);
        Path file = dir.resolve("ghn.bin");
        ghn.save(file);
        GraphHyperNetwork back = GraphHyperNetwork.load(file);
        assertThat(back.checksum()).isEqualTo(ghn.checksum());
        NetworkSpec spec = nets(1).get(0);
        assertThat(back.predict(spec).tensor(0)).containsExactly(ghn.predict(spec).tensor(0));
    }

    @Test
    void givenPrediction_whenWrittenAndRead_thenEveryTensorIsEqual(@TempDir Path dir) throws IOException {
        // Given
        GraphHyperNetwork ghn = GraphHyperNetwork.initialize(SMALL, 7);
        PredictedParameters p = ghn.predict(nets(2).get(1));
        Path file = dir.resolve("net.params");

        // When
        p.write(file);
        PredictedParameters back = PredictedParameters.read(file);

        // Then
        assertThat(back.architecture()).isEqualTo(p.architecture());
        assertThat(back.parameterCount()).isEqualTo(p.parameterCount()).isPositive();
        for (int i = 0; i < p.tensorCount(); i++) {
            assertThat(back.tensor(i)).containsExactly(p.tensor(i));
        }
        NetworkParameters np = back.toNetworkParameters();
        assertThat(np.scalarCount()).isEqualTo(p.parameterCount());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 40] ^= 4;
        Files.write(file, bytes);
        assertThatThrownBy(() -> PredictedParameters.read(file)).isInstanceOf(MalformedArchiveException.class)
                .hasMessageStartingWith(file.toString());
    }

    @Test
    void givenEmbedding_whenCopied_thenImmutableAndComparedByContent() {
        float[] v = {1f, 2f};
        GraphEmbedding e = new GraphEmbedding(v);
        v[0] = 9f;
        e.values()[1] = 9f;
        assertThat(e).isEqualTo(new GraphEmbedding(new float[] {1f, 2f}));
        assertThat(e.hashCode()).isEqualTo(new GraphEmbedding(new float[] {1f, 2f}).hashCode());
        assertThatThrownBy(() -> new GraphEmbedding(new float[] {Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("values[0]");
    }

    @Test
    void givenMissingFile_whenLoaded_thenOneLineErrorNamesIt(@TempDir Path dir) {
        Path missing = dir.resolve("none.ghn");
        assertThatThrownBy(() -> GraphHyperNetwork.load(missing)).hasMessage(missing + ": no such file");
    }

    @Test
    void givenShippedCheckpoint_whenLoaded_thenItIsAGhn2ThatEmbeds() {
        GraphHyperNetwork ghn = GraphHyperNetwork.pretrained();
        assertThat(ghn.config()).isEqualTo(GhnConfig.ghn2());
        assertThat(ghn.parameterCount()).isEqualTo(1_620_764L);
        assertThat(ghn.embed(nets(1).get(0)).dimension()).isEqualTo(32);
    }

    @Test
    void givenTwoGhns_whenAveraged_thenEveryWeightIsTheirMean(@TempDir Path dir) {
        // Given two GHNs of one config, saved
        GraphHyperNetwork a = GraphHyperNetwork.initialize(SMALL, 1);
        GraphHyperNetwork b = GraphHyperNetwork.initialize(SMALL, 2);
        a.save(dir.resolve("a.ghn"));
        b.save(dir.resolve("b.ghn"));

        // When
        GraphHyperNetwork mean = GraphHyperNetwork.average(List.of(a, b));
        mean.save(dir.resolve("mean.ghn"));

        // Then every tensor of the file is the element-wise mean of theirs
        Map<String, TensorArchive.Tensor> ta = weights(dir.resolve("a.ghn"));
        Map<String, TensorArchive.Tensor> tb = weights(dir.resolve("b.ghn"));
        Map<String, TensorArchive.Tensor> tm = weights(dir.resolve("mean.ghn"));
        assertThat(tm.keySet()).isEqualTo(ta.keySet()).isNotEmpty();
        for (String name : tm.keySet()) {
            assertThat(tm.get(name).shape()).as(name).isEqualTo(ta.get(name).shape());
            float[] va = ta.get(name).values();
            float[] vb = tb.get(name).values();
            float[] vm = tm.get(name).values();
            for (int j = 0; j < vm.length; j++) {
                assertThat(vm[j]).as("%s[%d]", name, j).isCloseTo((va[j] + vb[j]) / 2, within(1e-7f));
            }
        }
        assertThat(mean.checksum()).isNotIn(a.checksum(), b.checksum())
                .isEqualTo(GraphHyperNetwork.average(List.of(b, a)).checksum());
        assertThat(GraphHyperNetwork.load(dir.resolve("mean.ghn")).checksum()).isEqualTo(mean.checksum());
        // a GHN averaged with itself is itself
        assertThat(GraphHyperNetwork.average(List.of(a, a, a)).checksum()).isEqualTo(a.checksum());
    }

    @Test
    void givenGhnsOfDifferentConfigs_whenAveraged_thenOneLineErrorNamesBoth() {
        GraphHyperNetwork small = GraphHyperNetwork.initialize(SMALL, 1);
        GraphHyperNetwork wider = GraphHyperNetwork.initialize(new GhnConfig(16, 50, true, 11, 10), 1);
        assertThatThrownBy(() -> GraphHyperNetwork.average(List.of(small, wider)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("average: GHN 1 has config GhnConfig[hidden=16").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> GraphHyperNetwork.average(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("average: at least one GHN is needed");
    }

    private static Map<String, TensorArchive.Tensor> weights(Path file) {
        return TensorArchive.read(file, GraphHyperNetwork.WEIGHTS_KIND, 1).tensors();
    }
}
