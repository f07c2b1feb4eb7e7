package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ghnas measure}: bad input ends in one line and exit 2 (the measurement itself is tested in surrogate). */
class MeasureCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void givenAConfigWithABadNestedValue_whenMeasure_thenExit2NamingFileAndFieldPath(@TempDir Path dir)
            throws IOException {
        Path yaml = dir.resolve("m.yaml");
        Files.writeString(yaml, "sgd:\n  steps: 0\n");

        assertThat(run("measure", "--config", yaml.toString(), "--out", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + yaml + ": sgd.steps: must be >= 1, but was 0.");
    }

    @Test
    void givenAnUnknownSplit_whenMeasure_thenExit2(@TempDir Path dir) {
        assertThat(run("measure", "--config", "measure.yaml", "--out", dir.toString(), "--split", "val"))
                .isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: --split: 'val' is not a split, expected train, test or all");
    }

    @Test
    void givenSpecsAndASplit_whenMeasure_thenExit2(@TempDir Path dir) {
        assertThat(run("measure", "--config", "measure.yaml", "--out", dir.toString(), "--split", "train",
                "--specs", "picks.json")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: --split and --specs exclude each other");
    }

    @Test
    void givenASpecFileWithResNet50_whenMeasure_thenExit2NamingTheNet(@TempDir Path dir) throws IOException {
        Path specs = dir.resolve("picks.json");
        Files.writeString(specs, "[{\"predefined\": \"resnet50\"}]");

        assertThat(run("measure", "--config", "measure.yaml", "--out", dir.toString(), "--specs", specs.toString()))
                .isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + specs + ": net 0: is a predefined net; ghnas measure "
                + "takes cell-based specs (genotype, C, n_cells, ...)");
    }
}
