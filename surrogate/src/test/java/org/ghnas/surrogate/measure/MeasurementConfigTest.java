package org.ghnas.surrogate.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ghnas.space.sample.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementConfigTest {

    @TempDir
    Path dir;

    private MeasurementConfig readYaml(String yaml) throws Exception {
        Path file = dir.resolve("m.yaml");
        Files.writeString(file, yaml);
        return MeasurementConfig.read(file);
    }

    private String file() {
        return dir.resolve("m.yaml").toString();
    }

    @Test
    void givenPartialYaml_whenRead_thenMissingKeysTakeDefaults() throws Exception {
        MeasurementConfig cfg = readYaml("""
                channels: 16
                family: wide
                splits:
                  test: {seed: 9, count: 3}
                sgd: {steps: 120}
                """);

        assertThat(cfg.channels()).isEqualTo(16);
        assertThat(cfg.family()).isEqualTo(Family.WIDE);
        assertThat(cfg.split(Split.TEST)).isEqualTo(new MeasurementConfig.SplitSampling(9, 3));
        assertThat(cfg.split(Split.TRAIN)).isEqualTo(MeasurementConfig.defaults().train());
        assertThat(cfg.sgd().steps()).isEqualTo(120);
        assertThat(cfg.sgd().batchSize()).isEqualTo(64);
        assertThat(cfg.evaluation()).isEqualTo(MeasurementConfig.defaults().evaluation());
    }

    @Test
    void givenAConfig_whenWrittenAsYamlAndReadBack_thenEqual() throws Exception {
        MeasurementConfig cfg = MeasurementConfig.defaults().withSgd(new MeasurementConfig.Sgd(33, 32, 0.1, 0.5, 0, 4))
                .withSplit(Split.TRAIN, new MeasurementConfig.SplitSampling(-5, 7));

        assertThat(readYaml(cfg.toYaml())).isEqualTo(cfg);
    }

    @Test
    void givenAnUnknownNestedKey_whenRead_thenTheMessageNamesFileAndPath() {
        assertThatThrownBy(() -> readYaml("sgd:\n  stepz: 3\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file() + ": sgd.stepz: unknown key, expected one of steps, batchSize");
        assertThatThrownBy(() -> readYaml("splits:\n  val: {seed: 1}\n"))
                .hasMessageStartingWith(file() + ": splits.val: unknown key");
        assertThatThrownBy(() -> readYaml("epochs: 3\n"))
                .hasMessageStartingWith(file() + ": epochs: unknown key");
    }

    @Test
    void givenAWrongType_whenRead_thenTheMessageNamesTheExpectedType() {
        assertThatThrownBy(() -> readYaml("sgd: {steps: many}\n"))
                .hasMessage(file() + ": sgd.steps: must be an integer, but was \"many\".");
        assertThatThrownBy(() -> readYaml("evaluation: {noiseSigma: [1]}\n"))
                .hasMessage(file() + ": evaluation.noiseSigma: must be a number, but was [1].");
        assertThatThrownBy(() -> readYaml("latency: 3\n"))
                .hasMessage(file() + ": latency: must be a mapping of key: value, but was number 3.");
    }

    @Test
    void givenAValueOutOfRange_whenRead_thenTheMessageNamesPathAndRange() {
        assertThatThrownBy(() -> readYaml("splits:\n  train: {count: 0}\n"))
                .hasMessage(file() + ": splits.train.count: must be >= 1, but was 0.");
        assertThatThrownBy(() -> readYaml("sgd: {momentum: 1.0}\n"))
                .hasMessage(file() + ": sgd.momentum: must be in [0, 1), but was 1.0.");
        assertThatThrownBy(() -> readYaml("channels: 7\n"))
                .hasMessage(file() + ": channels: must be an even integer >= 8, but was 7.");
        assertThatThrownBy(() -> readYaml("family: huge\n"))
                .hasMessage(file() + ": family: must be one of id, wide, deep, dense, bnfree, but was 'huge'.");
        assertThatThrownBy(() -> readYaml("sgd: {steps: 10}\nconvergence: {window: 11}\n"))
                .hasMessage(file() + ": convergence.window: must be <= sgd.steps (10), but was 11.");
        assertThatThrownBy(() -> readYaml("dataset: mnist\n"))
                .hasMessage(file() + ": dataset: must be one of fashion-mnist, cifar10, but was 'mnist'.");
    }

    @Test
    void givenTwoConfigs_whenCompared_thenDifferencesNameTheFieldPaths() {
        MeasurementConfig a = MeasurementConfig.defaults();
        MeasurementConfig b = a.withSplit(Split.TEST, new MeasurementConfig.SplitSampling(200, 10))
                .withConvergence(new MeasurementConfig.Convergence(0.8, 10));

        assertThat(a.differences(a)).isEmpty();
        assertThat(a.differences(b)).containsExactly("splits.test.count", "convergence.threshold");
    }

    @Test
    void givenTheShippedConfig_whenRead_thenValid() {
        Path shipped = Path.of("../experiments/measure.yaml");
        assertThat(shipped).exists();

        MeasurementConfig cfg = MeasurementConfig.read(shipped);

        assertThat(cfg.channels()).isEqualTo(8);
        assertThat(cfg.dataset()).isEqualTo("fashion-mnist");
        assertThat(cfg).isEqualTo(MeasurementConfig.defaults());
    }
}
