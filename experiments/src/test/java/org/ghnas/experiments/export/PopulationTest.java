package org.ghnas.experiments.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.json.SpecFileException;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the population a search run writes, including what goes wrong with it. */
class PopulationTest {

    private static final List<NetworkSpec> NETS = DeepNets1MSampler.builder(3).channels(8).build().sample(3);

    /** A population.json as the search writes it: spec objects, predictions, and fields the reader ignores. */
    static Path writePopulation(Path runDir, List<NetworkSpec> nets) throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < nets.size(); i++) {
            json.append("  {\"spec\": ").append(ArchitectureJson.toCompactJson(nets.get(i)))
                    .append(", \"predictions\": {\"accuracy\": ").append(0.9 - i / 10.0)
                    .append(", \"latency_ms\": 1.5}, \"generation\": 12}")
                    .append(i + 1 < nets.size() ? ",\n" : "\n");
        }
        Files.createDirectories(runDir);
        return Files.writeString(runDir.resolve(Population.FILE), json.append("]\n").toString());
    }

    @Test
    void givenPopulationOfThree_whenReadTop2_thenTheFirstTwoInOrderWithTheirRecords(@TempDir Path run)
            throws IOException {
        writePopulation(run, NETS);
        List<Population.Entry> top = Population.read(run, 2);
        assertThat(top).extracting(Population.Entry::spec).containsExactly(NETS.get(0), NETS.get(1));
        assertThat(top).extracting(Population.Entry::rank).containsExactly(0, 1);
        assertThat(top.get(1).record().path("predictions").path("accuracy").asDouble()).isEqualTo(0.8);
        assertThat(top.get(0).record().path("generation").asInt()).isEqualTo(12);
    }

    @Test
    void givenTopLargerThanPopulation_whenRead_thenAllEntries(@TempDir Path run) throws IOException {
        writePopulation(run, NETS);
        assertThat(Population.read(run, 10)).hasSize(3);
    }

    @Test
    void givenNoPopulationFile_whenRead_thenOneLineErrorNamingTheFile(@TempDir Path run) {
        assertThatThrownBy(() -> Population.read(run, 1))
                .isInstanceOf(SpecFileException.class)
                .hasMessage(run.resolve("population.json") + ": no such file, expected the population a search run writes");
    }

    @Test
    void givenEntryWithoutSpec_whenRead_thenErrorNamesTheEntry(@TempDir Path run) throws IOException {
        Files.writeString(run.resolve(Population.FILE), "[{\"spec\": " + ArchitectureJson.toCompactJson(NETS.get(0))
                + "}, {\"predictions\": {}}]");
        assertThatThrownBy(() -> Population.read(run, 2))
                .isInstanceOf(SpecFileException.class)
                .hasMessageContaining("entry 1: expected an object with a \"spec\" object");
    }

    @Test
    void givenInvalidSpecInEntry_whenRead_thenErrorNamesEntryAndField(@TempDir Path run) throws IOException {
        String bad = ArchitectureJson.toCompactJson(NETS.get(0)).replaceFirst("\"C\":\\s*8", "\"C\": -3");
        Files.writeString(run.resolve(Population.FILE), "[{\"spec\": " + bad + "}]");
        assertThatThrownBy(() -> Population.read(run, 1))
                .isInstanceOf(SpecFileException.class)
                .hasMessageStartingWith(run.resolve("population.json") + ": entry 0: spec: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void givenObjectInsteadOfList_whenRead_thenOneLineError(@TempDir Path run) throws IOException {
        Files.writeString(run.resolve(Population.FILE), "{\"spec\": {}}");
        assertThatThrownBy(() -> Population.read(run, 1)).hasMessageContaining("expected a JSON list");
    }
}
