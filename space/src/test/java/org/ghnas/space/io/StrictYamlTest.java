package org.ghnas.space.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictYamlTest {

    private static final List<String> ROOT = List.of("seed", "name", "sgd");
    private static final List<String> SGD = List.of("steps", "learningRate");

    private static StrictYaml root(String yaml) {
        return StrictYaml.of(StrictYaml.parse(yaml, "x.yaml"), "x.yaml", "", ROOT);
    }

    @Test
    void givenValidConfig_whenRead_thenValuesAndDefaults() {
        StrictYaml y = root("seed: 7\nsgd:\n  steps: 60\n");
        StrictYaml sgd = y.mapping("sgd", SGD);

        assertThat(y.longOf("seed", 1)).isEqualTo(7);
        assertThat(y.stringOf("name", "default")).isEqualTo("default");
        assertThat(sgd.intOf("steps", 10, 1, 1000)).isEqualTo(60);
        assertThat(sgd.doubleOf("learningRate", 0.05, 0, 1)).isEqualTo(0.05);
        assertThat(y.mapping("sgd", SGD).path("steps")).isEqualTo("sgd.steps");
    }

    @Test
    void givenEmptyFileOrMissingSection_whenRead_thenAllDefaults() {
        StrictYaml y = root("");

        assertThat(y.intOf("seed", 3)).isEqualTo(3);
        assertThat(y.mapping("sgd", SGD).intOf("steps", 10)).isEqualTo(10);
        assertThat(y.has("seed")).isFalse();
    }

    @Test
    void givenMistakes_whenRead_thenOneLineErrorNamingFileAndField() {
        assertThatThrownBy(() -> root("sedd: 7"))
                .hasMessage("x.yaml: sedd: unknown key, expected one of seed, name, sgd.");
        assertThatThrownBy(() -> root("sgd:\n  step: 7").mapping("sgd", SGD))
                .hasMessage("x.yaml: sgd.step: unknown key, expected one of steps, learningRate.");
        assertThatThrownBy(() -> root("sgd: [1, 2]").mapping("sgd", SGD))
                .hasMessage("x.yaml: sgd: must be a mapping of key: value, but was a list.");
        assertThatThrownBy(() -> root("- 1").intOf("seed", 1))
                .hasMessage("x.yaml: (root): must be a mapping of key: value, but was a list.");
        assertThatThrownBy(() -> root("seed: many").longOf("seed", 1))
                .hasMessage("x.yaml: seed: must be an integer, but was \"many\".");
        assertThatThrownBy(() -> root("sgd: {steps: 0}").mapping("sgd", SGD).intOf("steps", 1, 1, 1000))
                .hasMessage("x.yaml: sgd.steps: 0 is out of range, expected 1..1000.");
        assertThatThrownBy(() -> root("sgd: {learningRate: fast}").mapping("sgd", SGD).doubleOf("learningRate", 1))
                .hasMessage("x.yaml: sgd.learningRate: must be a number, but was \"fast\".");
        assertThatThrownBy(() -> root("name: ' '").stringOf("name", null))
                .hasMessage("x.yaml: name: must be a non-empty string, but was \" \".");
    }

    @Test
    void givenUnreadableFile_whenRead_thenOneLineError(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "seed: [1,\n  2\nname: x: y\n");

        assertThatThrownBy(() -> StrictYaml.read(dir.resolve("none.yaml")))
                .hasMessage(dir.resolve("none.yaml") + ": no such file");
        assertThatThrownBy(() -> StrictYaml.read(bad))
                .hasMessageStartingWith(bad + ": not valid YAML (")
                .hasMessageNotContaining("\n");
    }
}
