package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.experiments.export.ModelExporter;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ghnas export}: the files of an export from a run directory, and one-line errors for bad input. */
class ExportCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void givenRunDirectory_whenExportTop1_thenOneDirectoryWithEveryFileAndTheSearchPredictions(@TempDir Path run)
            throws IOException {
        NetworkSpec best = DeepNets1MSampler.builder(5).channels(8).build().sample().toBuilder().cells(4).build();
        NetworkSpec second = DeepNets1MSampler.builder(6).channels(8).build().sample();
        Files.writeString(run.resolve("population.json"), "[{\"spec\": " + ArchitectureJson.toCompactJson(best)
                + ", \"predictions\": {\"accuracy\": 0.91}}, {\"spec\": " + ArchitectureJson.toCompactJson(second) + "}]");

        int code = run("export", run.toString(), "--top", "1", "--calibration-images", "64", "--test-images", "64");

        assertThat(code).as(err.toString()).isEqualTo(0);
        Path dir = run.resolve("export").resolve(ModelExporter.directoryName(0, best));
        assertThat(run.resolve("export")).isDirectoryContaining(p -> p.equals(dir));
        try (var files = Files.list(run.resolve("export"))) {
            assertThat(files.toList()).containsExactly(dir);
        }
        for (String f : List.of("spec.json", "parameters.ghnp", "model.sdz", "model.onnx", "manifest.json", "README.md")) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        assertThat(ArchitectureJson.read(dir.resolve("spec.json"))).containsExactly(best);
        JsonNode manifest = ArchitectureJson.mapper().readTree(Files.readString(dir.resolve("manifest.json")));
        assertThat(manifest.path("search").path("predictions").path("accuracy").asDouble()).isEqualTo(0.91);
        assertThat(manifest.path("batchnorm_calibration").path("images").asInt()).isEqualTo(64);
        assertThat(manifest.path("test").path("images").asInt()).isEqualTo(64);
        assertThat(manifest.path("verification").path("max_abs_logit_difference_samediff_vs_ghnas").asDouble())
                .isLessThanOrEqualTo(1e-4);
        assertThat(out.toString()).startsWith(dir + ": test accuracy ");
    }

    @Test
    void givenInvalidSpecFile_whenExport_thenExit2WithOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("bad.json"), "{\"genotype\": 3}");
        assertThat(run("export", "--spec", spec.toString(), "--out", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + spec).doesNotContain("\n");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void givenMissingSpecFile_whenExport_thenExit2WithOneLine(@TempDir Path dir) {
        Path spec = dir.resolve("missing.json");
        assertThat(run("export", "--spec", spec.toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + spec).doesNotContain("\n");
    }

    @Test
    void givenRunDirectoryWithoutPopulation_whenExport_thenExit2NamingTheFile(@TempDir Path run) {
        assertThat(run("export", run.toString(), "--top", "3")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + run.resolve("population.json")
                + ": no such file, expected the population a search run writes");
    }

    @Test
    void givenNeitherRunDirectoryNorSpec_whenExport_thenExit2WithUsageHint() {
        assertThat(run("export")).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("ghnas: export: give either RUN_DIR (with --top K) or --spec SPEC.json --out DIR");
    }

    @Test
    void givenSpecWithoutOut_whenExport_thenExit2NamingTheOption(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("s.json"), ArchitectureJson.toJson(
                DeepNets1MSampler.builder(0).channels(8).build().sample()));
        assertThat(run("export", "--spec", spec.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: --out: required with --spec");
    }

    @Test
    void givenCalibrationImagesNotAMultipleOf64_whenExport_thenExit2NamingTheValue(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("s.json"), ArchitectureJson.toJson(
                DeepNets1MSampler.builder(0).channels(8).build().sample()));
        assertThat(run("export", "--spec", spec.toString(), "--out", dir.resolve("o").toString(),
                "--calibration-images", "100")).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("ghnas: calibration images must be a positive multiple of 64, but was 100");
    }
}
