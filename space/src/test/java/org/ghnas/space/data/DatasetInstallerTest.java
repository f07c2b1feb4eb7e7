package org.ghnas.space.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetInstallerTest {
    @TempDir
    Path dir;

    private final List<String> commands = new ArrayList<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    /** An apt-get that fails {@code failures} times, then "installs" the package by writing the IDX files. */
    private DatasetInstaller.CommandRunner apt(int failures) {
        return command -> {
            commands.add(String.join(" ", command));
            if (command.get(1).equals("update")) {
                return new DatasetInstaller.CommandRunner.Result(0, "Reading package lists... Done");
            }
            if (commands.stream().filter(c -> c.startsWith("apt-get install")).count() <= failures) {
                return new DatasetInstaller.CommandRunner.Result(100,
                        "E: Unable to locate package dataset-fashion-mnist");
            }
            IdxFiles.writeValid(dir, true);
            return new DatasetInstaller.CommandRunner.Result(0, "Setting up dataset-fashion-mnist");
        };
    }

    private DatasetInstaller installer(boolean root, boolean apt, DatasetInstaller.CommandRunner runner) {
        return new DatasetInstaller(dir, root, apt, runner,
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @Test
    void givenFilesPresent_thenNothingRuns() {
        IdxFiles.writeValid(dir, true);

        assertThat(installer(true, true, apt(0)).ensure()).isEqualTo(dir);
        assertThat(commands).isEmpty();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void givenRootAndApt_whenMissing_thenInstallsAndSaysSoInOneLine() {
        assertThat(installer(true, true, apt(0)).ensure()).isEqualTo(dir);

        assertThat(commands).containsExactly("apt-get install -y dataset-fashion-mnist");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("ghnas: Fashion-MNIST not found in " + dir
                + ", installing it with 'apt-get install -y dataset-fashion-mnist'" + System.lineSeparator());
        assertThat(FashionMnist.load(dir).train().size()).isEqualTo(3);
    }

    @Test
    void givenNoPackageLists_whenFirstInstallFails_thenUpdatesAndRetries() {
        installer(true, true, apt(1)).ensure();

        assertThat(commands).containsExactly("apt-get install -y dataset-fashion-mnist", "apt-get update",
                "apt-get install -y dataset-fashion-mnist");
    }

    @Test
    void givenInstallKeepsFailing_thenOneLineWithAptsLastWords() {
        assertThatThrownBy(() -> installer(true, true, apt(2)).ensure()).isInstanceOf(DatasetException.class)
                .hasMessage("Fashion-MNIST not found in " + dir + " and 'apt-get install -y dataset-fashion-mnist' did"
                        + " not install it (exit 100: E: Unable to locate package dataset-fashion-mnist): install it"
                        + " by hand or pass --data DIR with the IDX files");
    }

    @Test
    void givenNotRoot_thenTellsTheCommandWithoutRunningIt() {
        assertThatThrownBy(() -> installer(false, true, apt(0)).ensure()).hasMessage("Fashion-MNIST not found in "
                + dir + ": run 'apt-get install -y dataset-fashion-mnist' (as root) or pass --data DIR with the IDX files");
        assertThat(commands).isEmpty();
    }

    @Test
    void givenNoAptGet_thenTellsTheCommandWithoutRunningIt() {
        assertThatThrownBy(() -> installer(true, false, apt(0)).ensure())
                .hasMessageStartingWith("Fashion-MNIST not found in " + dir + ": run 'apt-get install -y");
        assertThat(commands).isEmpty();
    }
}
