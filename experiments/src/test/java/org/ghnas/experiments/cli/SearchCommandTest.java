package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ghnas.search.AnalyticPredictor;
import org.ghnas.search.PropertyPredictorSource;
import org.ghnas.search.SearchExperiment;
import org.ghnas.space.plan.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ghnas search} and {@code ghnas report}: exit codes, one-line errors, outputs. Scores come from the analytic
 * test double of ghnas-search, injected through the command's predictor source.
 */
class SearchCommandTest {

    private static final String TINY = """
            name: tiny
            seed: 2
            search: {algorithm: ga, population: 6, generations: 2}
            objectives: [{property: accuracy}]
            constraints: {maxParams: 60000}
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final PropertyPredictorSource testSource =
            path -> new PropertyPredictorSource.Loaded(new AnalyticPredictor(InputShape.FASHION_MNIST),
                    Map.of("test-double", "analytic"));

    private int search(String... args) {
        CommandLine cl = new CommandLine(new SearchCommand(testSource));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new OneLineErrors());
        return cl.execute(args);
    }

    private int ghnas(String... args) {
        return GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void givenExperiment_whenSearchWithBaselineThenReport_thenRunFilesAndExit0(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TINY);
        Path run = dir.resolve("run");
        assertThat(search(yaml.toString(), "--out", run.toString(), "--baseline", "random")).isEqualTo(0);
        assertThat(out.toString()).contains("tiny: best score").contains("random search:");
        assertThat(Files.readString(run.resolve("manifest.json"))).contains("\"command\" : \"ghnas search " + yaml)
                .contains("test-double");
        Files.delete(run.resolve("report.md"));
        assertThat(ghnas("report", run.toString())).isEqualTo(0);
        assertThat(run.resolve("report.md")).isNotEmptyFile();
        // a second start without --resume is refused; with --resume the finished run is left as it is
        assertThat(search(yaml.toString(), "--out", run.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("already holds a run");
        assertThat(search(yaml.toString(), "--out", run.toString(), "--resume", "--baseline", "random")).isEqualTo(0);
    }

    @Test
    void givenSeeds_whenSearch_thenComparisonOverSeeds(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TINY);
        assertThat(search(yaml.toString(), "--out", dir.resolve("cmp").toString(), "--seeds", "2")).isEqualTo(0);
        assertThat(Files.readAllLines(dir.resolve("cmp/comparison.csv"))).hasSize(3);
        assertThat(dir.resolve("cmp/seed-3/report.md")).isNotEmptyFile();
        assertThat(out.toString()).contains("of 2 seeds");
    }

    @Test
    void givenBadYaml_whenSearch_thenExit2OneLineNamingFileAndField(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, TINY.replace("population: 6", "populaton: 6"));
        assertThat(search(yaml.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + yaml + ": search.populaton: unknown key")
                .doesNotContain("\n");
    }

    @Test
    void givenMissingFileOrBadOption_whenSearch_thenExit2OneLine(@TempDir Path dir) {
        assertThat(search(dir.resolve("none.yaml").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + dir.resolve("none.yaml") + ": no such file");
        assertThat(ghnas("report", dir.resolve("none").toString())).isEqualTo(2);
    }

    @Test
    void givenNoFittedSurrogates_whenSearchFromTheCli_thenExit2NamingThePath(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TINY + "surrogates: " + dir.resolve("sur") + "\n");
        assertThat(ghnas("search", yaml.toString(), "--out", dir.resolve("r").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: surrogates: no fitted surrogates at " + dir.resolve("sur"));
    }

    @Test
    void givenShippedExperiments_whenRead_thenAllValid() throws IOException {
        Path root = Path.of(System.getProperty("user.dir"));
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Stream.of(root.resolve("quickstart.yaml")),
                Files.list(root.resolve("examples")))) {
            files = s.toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        for (Path f : files) {
            assertThat(SearchExperiment.read(f).name()).isNotBlank();
        }
    }
}
