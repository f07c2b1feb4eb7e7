package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpaceCommandTest {

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = GhnasCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void sampledSpecsCanBeDescribed(@TempDir Path dir) throws Exception {
        Run sample = run("space", "sample", "--family", "dense", "--n", "3", "--seed", "11");
        assertThat(sample.exitCode()).isZero();
        assertThat(run("space", "sample", "--family", "dense", "--n", "3", "--seed", "11").out()).isEqualTo(sample.out());
        Path specs = dir.resolve("nets.json");
        Files.writeString(specs, sample.out());

        Run describe = run("space", "describe", specs.toString(), "--dataset", "cifar10", "--dot", dir.resolve("dot").toString());
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        JsonNode figures = new ObjectMapper().readTree(describe.out());
        assertThat(figures).hasSize(3);
        assertThat(figures.get(0).get("params").asLong()).isPositive();
        assertThat(figures.get(0).get("flops").asLong()).isPositive();
        assertThat(figures.get(0).get("nodes").asInt()).isGreaterThan(10);
        assertThat(figures.get(0).get("edges").asInt()).isGreaterThanOrEqualTo(figures.get(0).get("nodes").asInt() - 1);
        assertThat(Files.readString(dir.resolve("dot/graph-002.dot"))).startsWith("digraph");
    }

    @Test
    void resnet50IsDescribedLikeTheReference(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("resnet.json");
        Files.writeString(spec, "{\"predefined\": \"resnet50\"}");
        Run describe = run("space", "describe", spec.toString(), "--dataset", "cifar10");
        JsonNode figures = new ObjectMapper().readTree(describe.out());
        assertThat(figures.get("params").asLong()).isEqualTo(23_520_842L);
        assertThat(figures.get("nodes").asInt()).isEqualTo(126);
    }

    @Test
    void badInputGivesOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.json");
        Files.writeString(spec, "{\"genotype\": {\"normal\": [[\"conv_9x9\", 0], [\"none\", 1]], \"normal_concat\": [2],"
                + " \"reduce\": [[\"none\", 0], [\"none\", 1]], \"reduce_concat\": [2]}, \"C\": 16, \"n_cells\": 4}");
        Run describe = run("space", "describe", spec.toString());
        assertThat(describe.exitCode()).isEqualTo(2);
        assertThat(describe.err().strip()).doesNotContain("\n")
                .startsWith("ghnas: " + spec + ": genotype.normal[0].op: unknown op 'conv_9x9'");

        Run missing = run("space", "describe", dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.json: no such file");

        Run family = run("space", "sample", "--family", "huge");
        assertThat(family.exitCode()).isEqualTo(2);
        assertThat(family.err()).contains("--family: unknown family 'huge'");

        Run dataset = run("space", "describe", spec.toString(), "--dataset", "mnist");
        assertThat(dataset.exitCode()).isEqualTo(2);
        assertThat(dataset.err()).contains("unknown dataset 'mnist'");
    }
}
