package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.space.json.ArchitectureJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From a measurement table to property predictions, as a user runs it: {@code ghnas surrogate fit} on a table of
 * measured nets (a slice of the real one), then {@code ghnas predict} on freshly sampled specs.
 */
class PredictCommandTest {

    @TempDir
    static Path shared;
    private static Path table;
    private static Path surrogates;
    private static Path report;
    private static Path specs;
    private static String fitOutput;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void fitOnASmallMeasuredTable() throws IOException {
        table = shared.resolve("table");
        Files.createDirectories(table);
        for (String f : new String[] {"train.jsonl", "test.jsonl", "config.yaml"}) {
            try (InputStream in = PredictCommandTest.class.getResourceAsStream("/measured-sample/" + f)) {
                Files.copy(in, table.resolve(f));
            }
        }
        surrogates = shared.resolve("s.ghns");
        report = shared.resolve("report");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int rc = GhnasCommand.commandLine(new PrintWriter(o, true), new PrintWriter(e, true)).execute("surrogate",
                "fit", "--table", table.toString(), "--out", surrogates.toString(), "--report", report.toString(),
                "--seeds", "1");
        assertThat(rc).as("surrogate fit: %s", e).isEqualTo(0);
        fitOutput = o.toString();

        specs = shared.resolve("nets.json");
        StringWriter sampled = new StringWriter();
        GhnasCommand.commandLine(new PrintWriter(sampled, true), new PrintWriter(e, true))
                .execute("space", "sample", "--family", "id", "--n", "3", "--seed", "42", "--channels", "8");
        Files.writeString(specs, sampled.toString());
    }

    private int ghnas(String... args) {
        return GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void givenAMeasuredTable_whenFit_thenSurrogatesAndAReportAgainstTheBaselines() throws IOException {
        assertThat(fitOutput).contains("fitting on 12 train nets").contains("saved " + surrogates);
        assertThat(surrogates).isRegularFile();
        JsonNode r = ArchitectureJson.mapper().readTree(report.resolve("report.json").toFile());
        assertThat(r.toString()).contains("baseline:params").contains("baseline:macs").contains("ghn_accuracy");
        assertThat(Files.readString(report.resolve("report.md"))).contains("Kendall").contains("| **surrogate");
        // the GHN-accuracy baseline is cached per GHN checksum beside the table, so a refit does not re-evaluate
        Path cache;
        try (var files = Files.list(table)) {
            cache = files.filter(p -> p.getFileName().toString().startsWith("ghn-accuracy-")).findFirst().orElseThrow();
        }
        // one accuracy per test net, each evaluated on its own thread, in the table's order
        List<String> rows = Files.readAllLines(cache);
        assertThat(rows.get(0)).isEqualTo("index,ghn_accuracy");
        assertThat(rows.subList(1, rows.size())).hasSize(r.path("test_size").asInt())
                .allSatisfy(row -> assertThat(Double.parseDouble(row.split(",")[1])).isBetween(0.0, 1.0));
    }

    @Test
    void givenSampledSpecs_whenPredict_thenFourPropertiesAndAnOodScoreEach() throws IOException {
        assertThat(ghnas("predict", specs.toString(), "--surrogates", surrogates.toString())).isEqualTo(0);
        JsonNode root = ArchitectureJson.mapper().readTree(out.toString());
        assertThat(root.path("ghn_sha256").asText()).isEqualTo(GraphHyperNetwork.pretrained().checksum());
        assertThat(root.path("surrogates_sha256").asText()).hasSize(64);
        assertThat(root.path("predictions")).hasSize(3);
        for (JsonNode p : root.path("predictions")) {
            for (String key : new String[] {"accuracy", "robustness", "latency_ms", "convergence"}) {
                JsonNode v = p.path(key).isObject() ? p.path(key).path("mean") : p.path(key);
                assertThat(v.isNumber()).as("%s in %s", key, p).isTrue();
            }
            assertThat(p.path("latency_ms").isObject() ? p.path("latency_ms").path("mean").asDouble()
                    : p.path("latency_ms").asDouble()).isPositive();
            assertThat(p.path("ood_score").asDouble()).isPositive();
        }
    }

    @Test
    void givenCsvFormat_whenPredict_thenHeaderAndOneRowPerSpec() {
        assertThat(ghnas("predict", specs.toString(), "--surrogates", surrogates.toString(), "--format", "csv"))
                .isEqualTo(0);
        var lines = out.toString().strip().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("index,accuracy,accuracy_sd,robustness,robustness_sd,latency_ms,"
                + "latency_ms_sd,convergence,convergence_sd,ood_score");
        assertThat(lines.get(1)).startsWith("0,");
    }

    @Test
    void givenSurrogatesOfAnotherGhn_whenPredict_thenExit2OneLine(@TempDir Path dir) {
        Path other = dir.resolve("other.ghn");
        GraphHyperNetwork.initialize(new GhnConfig(32, 50, true, 11, 10), 3).save(other);
        assertThat(ghnas("predict", specs.toString(), "--surrogates", surrogates.toString(), "--checkpoint",
                other.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + surrogates + ": ghn_checksum:")
                .contains("refit them").doesNotContain("\n");
    }

    @Test
    void givenACorruptedSurrogateFile_whenPredict_thenExit2OneLine(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.ghns");
        byte[] b = Files.readAllBytes(surrogates);
        b[b.length / 2] ^= 0x5a;
        Files.write(bad, b);
        assertThat(ghnas("predict", specs.toString(), "--surrogates", bad.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + bad + ": ").doesNotContain("\n");
    }

    @Test
    void givenABadSpecFile_whenPredict_thenExit2NamingTheField(@TempDir Path dir) throws IOException {
        Path nets = dir.resolve("nets.json");
        Files.writeString(nets, "[{\"genotype\": {\"normal\": [[\"conv_9x9\", 0]], \"normal_concat\": [1],"
                + " \"reduce\": [[\"skip_connect\", 0]], \"reduce_concat\": [1]}, \"C\": 8, \"n_cells\": 4}]");
        assertThat(ghnas("predict", nets.toString(), "--surrogates", surrogates.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ghnas: " + nets + ": [0].genotype.normal[0]")
                .contains("conv_9x9").doesNotContain("\n");
    }

    @Test
    void givenAMissingOrEmptyTable_whenFit_thenExit2NamingIt(@TempDir Path dir) throws IOException {
        assertThat(ghnas("surrogate", "fit", "--table", dir.resolve("none").toString(), "--out",
                dir.resolve("s.ghns").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("ghnas: " + dir.resolve("none")
                + ": no such measurement table (expected the --out directory of `ghnas measure`)");
        Files.createDirectories(dir.resolve("empty"));
        assertThat(ghnas("surrogate", "fit", "--table", dir.resolve("empty").toString(), "--out",
                dir.resolve("s.ghns").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("train.jsonl: no measured train nets");
        assertThat(dir.resolve("s.ghns")).doesNotExist();
    }
}
