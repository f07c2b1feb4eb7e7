package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ghnas finetune DIR}: the two curves, the files it writes, one-line errors. */
class FinetuneCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    /** An export directory as {@code ghnas export} writes it, from an untrained GHN. */
    private static Path export(Path dir) {
        NetworkSpec net = DeepNets1MSampler.builder(0).channels(8).fcDim(16).build().sample();
        GraphHyperNetwork ghn = GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 3);
        ghn.predict(net).write(dir.resolve(FinetuneCommand.PARAMETERS));
        try {
            Files.writeString(dir.resolve(FinetuneCommand.SPEC), ArchitectureJson.toJson(net));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return dir;
    }

    @Test
    void givenAnExportedNet_whenFinetuned_thenBothCurvesAtEveryEvaluationStepInJsonAndMarkdown(@TempDir Path dir)
            throws IOException {
        export(dir);

        int code = run("finetune", dir.toString(), "--steps", "4", "--eval-every", "3", "--test-images", "64");

        assertThat(code).as(err.toString()).isEqualTo(0);
        JsonNode json = ArchitectureJson.mapper().readTree(dir.resolve("finetune.json").toFile());
        assertThat(json.path("settings").path("steps").asInt()).isEqualTo(4);
        JsonNode points = json.path("points");
        assertThat(points).hasSize(3);
        int[] expectedSteps = {0, 3, 4};
        for (int i = 0; i < 3; i++) {
            JsonNode p = points.get(i);
            assertThat(p.path("step").asInt()).isEqualTo(expectedSteps[i]);
            // 64 test images: accuracies are multiples of 1/64
            double a = p.path("predictedAccuracy").asDouble() * 64;
            double b = p.path("heInitAccuracy").asDouble() * 64;
            assertThat(a).isBetween(0.0, 64.0).isEqualTo(Math.rint(a));
            assertThat(b).isBetween(0.0, 64.0).isEqualTo(Math.rint(b));
        }
        assertThat(points.get(0).path("predictedLoss").isNull()).isTrue();
        assertThat(points.get(1).path("heInitLoss").asDouble()).isPositive();
        String md = Files.readString(dir.resolve("finetune.md"));
        assertThat(md).contains("| step | predicted init acc % | He init acc %").contains("\n| 4 | ");
        assertThat(out.toString()).isEqualTo(md);
    }

    @Test
    void givenTheSameSeed_whenFinetunedTwice_thenTheSameCurves(@TempDir Path dir) throws IOException {
        export(dir);
        assertThat(run("finetune", dir.toString(), "--steps", "1", "--test-images", "64")).isEqualTo(0);
        JsonNode first = ArchitectureJson.mapper().readTree(dir.resolve("finetune.json").toFile()).path("points");

        assertThat(run("finetune", dir.toString(), "--steps", "1", "--test-images", "64")).isEqualTo(0);

        assertThat(ArchitectureJson.mapper().readTree(dir.resolve("finetune.json").toFile()).path("points"))
                .isEqualTo(first);
    }

    @Test
    void givenADirectoryWithoutParameters_whenFinetuned_thenExit2NamingTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(FinetuneCommand.SPEC),
                ArchitectureJson.toJson(DeepNets1MSampler.builder(0).channels(8).build().sample()));

        assertThat(run("finetune", dir.toString(), "--steps", "2")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + dir.resolve(FinetuneCommand.PARAMETERS));
    }

    @Test
    void givenZeroSteps_whenFinetuned_thenExit2NamingTheOption(@TempDir Path dir) {
        assertThat(run("finetune", dir.toString(), "--steps", "0")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: --steps must be >= 1, but was 0.");
    }
}
