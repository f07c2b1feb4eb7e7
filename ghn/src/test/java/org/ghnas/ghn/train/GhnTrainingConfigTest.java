package org.ghnas.ghn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ghnas.space.io.StrictYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading a training config from YAML and its learning-rate schedule. */
class GhnTrainingConfigTest {

    private static GhnTrainingConfig yaml(String text) {
        return GhnTrainingConfig.fromJson(StrictYaml.parse(text, "run.yaml"), "run.yaml");
    }

    @Test
    void givenMilestones_whenAskedForTheRateOfAStep_thenEachReachedMilestoneMultipliesItByGamma() {
        // Given
        GhnTrainingConfig c = yaml("learningRate: 0.001\nlrMilestones: [100, 150]\nlrGamma: 0.1\n");

        // Then: steps are 0-based, a milestone's own step already runs at the lower rate (MultiStepLR)
        assertThat(c.learningRateAt(0)).isEqualTo(1e-3);
        assertThat(c.learningRateAt(99)).isEqualTo(1e-3);
        assertThat(c.learningRateAt(100)).isCloseTo(1e-4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.learningRateAt(150)).isCloseTo(1e-5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void givenNoMilestones_thenTheRateIsConstantAndTheDefaultsApply() {
        GhnTrainingConfig c = yaml("steps: 10\n");

        assertThat(c.lrMilestones()).isEmpty();
        assertThat(c.learningRateAt(1_000_000)).isEqualTo(c.learningRate());
        assertThat(c).isEqualTo(GhnTrainingConfig.defaults().withSteps(10));
    }

    @Test
    void givenAConfig_whenWrittenAsJsonAndReadBack_thenItIsEqual() {
        GhnTrainingConfig c = yaml("seed: 7\nlrMilestones: [5000]\nlrGamma: 0.5\n");

        assertThat(GhnTrainingConfig.fromJson(c.toJson(), "json")).isEqualTo(c);
    }

    @Test
    void givenBadMilestones_thenTheErrorNamesFileFieldAndExpectedForm() {
        assertThatThrownBy(() -> yaml("lrMilestones: 5000\n"))
                .hasMessage("run.yaml: lrMilestones: must be a list of steps like [8000, 12000], but was 5000.");
        assertThatThrownBy(() -> yaml("lrMilestones: [200, 100]\n"))
                .hasMessage("run.yaml: lrMilestones: lrMilestones must be strictly increasing steps >= 1, but was"
                        + " [200, 100].");
        assertThatThrownBy(() -> yaml("lrMilestones: [one]\n"))
                .hasMessageStartingWith("run.yaml: lrMilestones: must be a list of integer steps");
        assertThatThrownBy(() -> yaml("lrGamma: 2\n"))
                .hasMessage("run.yaml: lrGamma: lrGamma must be in (0, 1], but was 2.0.");
    }

    @Test
    void givenAnotherStepCountOrSchedule_thenTheConfigContinuesTheRun_butNotWithAnotherWidth() {
        GhnTrainingConfig run = GhnTrainingConfig.defaults();

        assertThat(yaml("steps: 20000\nlrMilestones: [9000]\nlrGamma: 0.3\n").continues(run)).isTrue();
        assertThat(yaml("channels: 16\n").continues(run)).isFalse();
        assertThat(yaml("learningRate: 0.01\n").continues(run)).isFalse();
        assertThat(run.withSteps(5).continues(run)).isTrue();
        assertThat(yaml("sampleWidthsFrom: 14000\n").continues(run)).isTrue();
        assertThat(yaml("bnFreeShare: 0.25\n").continues(run)).isTrue();
        assertThat(yaml("scaleAnchor: 1.0\n").continues(run)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bnFreeShare | 0.25 | 1.5 | bnFreeShare must be a probability in [0, 1], but was 1.5.
            scaleAnchor | 1.0  | -1  | scaleAnchor must be >= 0 and finite, but was -1.0.
            """)
    void givenAnOptionalWeight_thenItIsReadValidatedAndWrittenOnlyWhenSet(String field, double value, String invalid,
            String message) {
        GhnTrainingConfig c = yaml(field + ": " + value + "\n");

        assertThat(c.toJson().get(field).asDouble()).isEqualTo(value);
        assertThat(field.equals("bnFreeShare") ? c.bnFreeShare() : c.scaleAnchor()).isEqualTo(value);
        assertThat(GhnTrainingConfig.fromJson(c.toJson(), "json")).isEqualTo(c);
        assertThat(GhnTrainingConfig.defaults().toJson().has(field)).isFalse();
        assertThatThrownBy(() -> yaml(field + ": " + invalid + "\n"))
                .hasMessage("run.yaml: " + field + ": " + message);
    }

    @Test
    void givenSampleWidthsFrom_thenNetsFromThatStepOnGetDrawnWidths() {
        GhnTrainingConfig c = yaml("sampleWidthsFrom: 100\n");

        assertThat(c.samplesWidthsAt(99)).isFalse();
        assertThat(c.samplesWidthsAt(100)).isTrue();
        assertThat(GhnTrainingConfig.defaults().samplesWidthsAt(1_000_000)).isFalse();
        assertThat(GhnTrainingConfig.fromJson(c.toJson(), "json")).isEqualTo(c);
        assertThatThrownBy(() -> yaml("sampleWidthsFrom: -5\n"))
                .hasMessage("run.yaml: sampleWidthsFrom: sampleWidthsFrom must be a step >= 0 (or -1 for never), but"
                        + " was -5.");
    }
}
