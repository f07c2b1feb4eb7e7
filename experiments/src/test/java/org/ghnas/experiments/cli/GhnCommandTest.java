package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.ghn.train.GhnTrainer;
import org.ghnas.ghn.train.GhnTrainingConfig;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ghnas ghn ...}: exit codes, one-line errors, predict/embed outputs. */
class GhnCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void givenConfigWithUnknownKey_whenTrain_thenExit2WithFileAndField(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "steps: 10\nmetaBatchSize: 4\n");
        assertThat(run("ghn", "train", "--config", yaml.toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + yaml + ": metaBatchSize: unknown key").doesNotContain("\n");
    }

    @Test
    void givenConfigWithWrongType_whenTrain_thenExit2WithFileAndField(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "steps: many\n");
        assertThat(run("ghn", "train", "--config", yaml.toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + yaml + ": steps: must be an integer, but was \"many\".");
    }

    @Test
    void givenInvalidValue_whenTrain_thenExit2NamingTheField(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "channels: 7\n");
        assertThat(run("ghn", "train", "--config", yaml.toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + yaml + ": channels: channels must be an even");
    }

    @Test
    void givenSpecs_whenEmbedAsCsvAndPredictWithOut_thenOneRowPerSpecAndReadableFiles(@TempDir Path dir)
            throws IOException {
        // Given a small saved GHN and two specs
        Path ghnFile = dir.resolve("small.ghn");
        GraphHyperNetwork ghn = GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 3);
        ghn.save(ghnFile);
        Path specs = dir.resolve("specs.json");
        var nets = DeepNets1MSampler.builder(0).channels(8).fcDim(16).build().sample(2);
        Files.writeString(specs, ArchitectureJson.toJson(nets));

        // When / Then: embed
        assertThat(run("ghn", "embed", specs.toString(), "--format", "csv", "--checkpoint", ghnFile.toString()))
                .isEqualTo(0);
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("index,e0,e1");
        assertThat(lines[1].split(",")).hasSize(9);

        // When / Then: predict
        Path outDir = dir.resolve("pred");
        assertThat(run("ghn", "predict", specs.toString(), "--checkpoint", ghnFile.toString(), "--out",
                outDir.toString())).isEqualTo(0);
        PredictedParameters p = PredictedParameters.read(outDir.resolve("net-1.params"));
        assertThat(p.architecture()).isEqualTo(nets.get(1));
        assertThat(out.toString()).contains(ghn.checksum());
    }

    @Test
    void givenCorruptedCheckpoint_whenEmbed_thenExit2NamingTheFile(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.ghn");
        Files.writeString(bad, "not a checkpoint at all, just some text that is long enough");
        Path specs = dir.resolve("specs.json");
        Files.writeString(specs, ArchitectureJson.toJson(DeepNets1MSampler.builder(0).build().sample(1)));
        assertThat(run("ghn", "embed", specs.toString(), "--checkpoint", bad.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + bad + ": not a ghnas tensor file");
    }

    @Test
    void givenResumeWithoutCheckpoint_whenTrain_thenExit2NamingTheMissingFile(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "steps: 10\n");
        assertThat(run("ghn", "train", "--config", yaml.toString(), "--out", dir.toString(), "--resume")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + dir.resolve("checkpoint.ghn") + ": no such file");
    }

    @Test
    void givenTrainingCheckpoint_whenWeights_thenASmallerFileWithTheSameGhn(@TempDir Path dir) {
        // Given a checkpoint after one step of a tiny run on 16 random images
        byte[] pixels = new byte[16 * 1024];
        new java.util.Random(1).nextBytes(pixels);
        byte[] labels = new byte[16];
        for (int i = 0; i < 16; i++) {
            labels[i] = (byte) (i % 10);
        }
        ImageDataset images = ImageDataset.of("random", pixels, labels, 1, 32, 32, 10, new double[] {0.5},
                new double[] {0.3});
        Path ckpt = dir.resolve("checkpoint.ghn");
        try (GhnTrainer t = GhnTrainer.start(new GhnTrainingConfig(3, 10, 1, 8, 16, 8, 1e-2, 0, 5, 10, 8, 50), images, 1)) {
            t.step();
            t.save(ckpt);
        }

        // When
        Path weights = dir.resolve("shipped.ghn");
        assertThat(run("ghn", "weights", ckpt.toString(), "--out", weights.toString())).isEqualTo(0);

        // Then
        String checksum = GraphHyperNetwork.load(ckpt).checksum();
        assertThat(GraphHyperNetwork.load(weights).checksum()).isEqualTo(checksum);
        assertThat(weights.toFile().length()).isLessThan(ckpt.toFile().length() / 2);
        assertThat(out.toString().strip()).isEqualTo(weights + " " + checksum);
    }

    @Test
    void givenMissingCheckpoint_whenWeights_thenExit2AndNothingWritten(@TempDir Path dir) {
        Path weights = dir.resolve("shipped.ghn");
        assertThat(run("ghn", "weights", dir.resolve("none.ghn").toString(), "--out", weights.toString()))
                .isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + dir.resolve("none.ghn")).doesNotContain("\n");
        assertThat(weights).doesNotExist();
    }

    @Test
    void givenBaselinesFileOfOtherSettings_whenBench_thenExit2NamingThatFile(@TempDir Path dir) throws IOException {
        Path baselines = dir.resolve("shared-baselines.jsonl");
        Files.writeString(baselines, "{\"test_images\":10000}\n");
        assertThat(run("ghn", "bench", "--id", "1", "--ood", "0", "--skip-predefined", "--test-images", "16",
                "--skip-training-throughput", "--out", dir.resolve("out").toString(), "--baselines",
                baselines.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + baselines + ": holds a run with other settings")
                .doesNotContain("\n");
        assertThat(dir.resolve("out").resolve("accuracy-predicted.jsonl")).doesNotExist();
    }

    @Test
    void givenNegativeSeed_whenBench_thenExit2NamingTheSeed(@TempDir Path dir) {
        assertThat(run("ghn", "bench", "--seed", "-1", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: seed must be >= 0, but was -1.");
    }

    @Test
    void givenUnknownFamily_whenBench_thenExit2NamingTheOptionAndWhatItTakes(@TempDir Path dir) {
        assertThat(run("ghn", "bench", "--families", "bnfree,vit", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: --families: unknown family 'vit', expected a "
                + "comma-separated list of wide, deep, dense, bnfree");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void givenTwoWeightsFiles_whenAverage_thenTheirMeanIsWrittenAndPrinted(@TempDir Path dir) {
        // Given
        GraphHyperNetwork a = GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 1);
        GraphHyperNetwork b = GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 2);
        a.save(dir.resolve("a.ghn"));
        b.save(dir.resolve("b.ghn"));
        Path mean = dir.resolve("mean.ghn");

        // When
        int code = run("ghn", "average", dir.resolve("a.ghn").toString(), dir.resolve("b.ghn").toString(),
                "--out", mean.toString());

        // Then
        assertThat(code).isEqualTo(0);
        String checksum = GraphHyperNetwork.average(java.util.List.of(a, b)).checksum();
        assertThat(GraphHyperNetwork.load(mean).checksum()).isEqualTo(checksum);
        assertThat(out.toString().strip()).isEqualTo(mean + " " + checksum + " (mean of 2)");
    }

    @Test
    void givenWeightsOfAnotherConfig_whenAverage_thenExit2NamingThatFileAndNothingWritten(@TempDir Path dir) {
        GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 1).save(dir.resolve("a.ghn"));
        GraphHyperNetwork.initialize(new GhnConfig(16, 50, true, 11, 10), 1).save(dir.resolve("wide.ghn"));
        Path mean = dir.resolve("mean.ghn");
        assertThat(run("ghn", "average", dir.resolve("a.ghn").toString(), dir.resolve("wide.ghn").toString(),
                "--out", mean.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + dir.resolve("wide.ghn") + ": GHN config")
                .doesNotContain("\n");
        assertThat(mean).doesNotExist();
    }

    @Test
    void givenOneFile_whenAverage_thenExit2AndNothingWritten(@TempDir Path dir) {
        GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 1).save(dir.resolve("a.ghn"));
        Path mean = dir.resolve("mean.ghn");
        assertThat(run("ghn", "average", dir.resolve("a.ghn").toString(), "--out", mean.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("CHECKPOINT");
        assertThat(mean).doesNotExist();
    }
}
