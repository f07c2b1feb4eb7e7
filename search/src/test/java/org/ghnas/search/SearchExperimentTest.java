package org.ghnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Experiment files are strict: every bad field fails before anything runs, naming file and field path. */
class SearchExperimentTest {

    private static final String GOOD = """
            name: t
            seed: 3
            space: {channels: 8, fcDim: 32}
            search: {algorithm: nsga2, population: 8, generations: 2}
            objectives:
              - {property: accuracy, weight: 1}
              - {property: latency_ms, weight: 0.01}
            constraints: {maxParams: 50000, maxLatencyMs: 20}
            """;

    @Test
    void givenCompleteFile_whenParsed_thenEveryFieldAndDefaultsSet() {
        SearchExperiment e = SearchExperiment.parse(GOOD, "x.yaml");
        assertThat(e.algorithm()).isEqualTo(Algorithm.NSGA2);
        assertThat(e.objectives()).containsExactly(new Objective("accuracy", 1), new Objective("latency_ms", 0.01));
        assertThat(e.constraints()).isEqualTo(new Constraints(50_000, Long.MAX_VALUE, 20));
        assertThat(e.tournamentSize()).isEqualTo(3);
        assertThat(e.objectives().get(1).higherIsBetter()).isFalse();
        assertThat(SearchExperiment.parse(e.toJson().toString(), "again")).isEqualTo(e);
    }

    @Test
    void givenUnknownNestedKey_whenParsed_thenFileAndPathNamed() {
        assertThatThrownBy(() -> SearchExperiment.parse(GOOD.replace("generations: 2", "generation: 2"), "x.yaml"))
                .hasMessageStartingWith("x.yaml: search.generation: unknown key, expected one of algorithm,");
    }

    @Test
    void givenWrongType_whenParsed_thenFileAndPathNamed() {
        assertThatThrownBy(() -> SearchExperiment.parse(GOOD.replace("population: 8", "population: many"), "x.yaml"))
                .hasMessage("x.yaml: search.population: must be an integer, but was \"many\".");
    }

    @Test
    void givenOutOfRangeValue_whenParsed_thenRangeNamed() {
        assertThatThrownBy(() -> SearchExperiment.parse(GOOD.replace("population: 8", "population: 2"), "x.yaml"))
                .hasMessage("x.yaml: search.population: 2 is out of range, expected 4..100000.");
        assertThatThrownBy(() -> SearchExperiment.parse(GOOD.replace("channels: 8", "channels: 10.5"), "x.yaml"))
                .hasMessage("x.yaml: space.channels: must be an integer, but was 10.5.");
        assertThatThrownBy(() -> SearchExperiment.parse(GOOD.replace("maxLatencyMs: 20", "maxLatencyMs: -1"), "x"))
                .hasMessageStartingWith("x: constraints.maxLatencyMs: -1.0 is out of range");
    }

    @Test
    void givenUnknownProperty_whenParsed_thenListIndexAndAllowedKeysNamed() {
        assertThatThrownBy(() -> SearchExperiment.parse(GOOD.replace("latency_ms", "speed"), "x.yaml"))
                .hasMessage("x.yaml: objectives[1].property: 'speed' is not allowed, expected one of accuracy, "
                        + "robustness, latency_ms, convergence, log_params, log_flops.");
    }

    @Test
    void givenNsga2WithOneObjective_whenParsed_thenRejected() {
        String one = GOOD.replace("  - {property: latency_ms, weight: 0.01}\n", "");
        assertThatThrownBy(() -> SearchExperiment.parse(one, "x.yaml"))
                .hasMessage("x.yaml: objectives: nsga2 needs at least two objectives, got 1.");
    }

    @Test
    void givenBrokenYamlOrMissingFile_whenRead_thenOneLine() {
        assertThatThrownBy(() -> SearchExperiment.parse("name: [", "x.yaml"))
                .hasMessageStartingWith("x.yaml: not valid YAML").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> SearchExperiment.read(Path.of("no/such.yaml")))
                .hasMessage("no/such.yaml: no such file");
        assertThatThrownBy(() -> SearchExperiment.parse("seed: 1\n", "x.yaml"))
                .hasMessage("x.yaml: name: missing, expected a non-empty string.");
    }
}
