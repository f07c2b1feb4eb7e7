package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingProgressCsvTest {

    @Test
    void givenRowsPastTheCheckpoint_whenResumedRunLogsThemAgain_thenOneRowPerStep(@TempDir Path dir)
            throws IOException {
        // Given a run that logged steps 10..30 and was killed after its checkpoint at step 20
        TrainingProgressCsv csv = new TrainingProgressCsv(dir.resolve("progress.csv"));
        csv.append("10,1.0,2.3,0.1,2.3,0.1,0");
        csv.append("20,2.0,2.2,0.2,2.2,0.2,0");
        csv.append("30,3.0,2.1,0.3,2.1,0.3,0");

        // When it resumes from step 20 and logs step 30 again
        csv.truncateAfter(20);
        csv.append("30,1.0,2.1,0.3,2.1,0.3,0");

        // Then
        assertThat(Files.readAllLines(csv.file())).containsExactly(TrainingProgressCsv.HEADER,
                "10,1.0,2.3,0.1,2.3,0.1,0", "20,2.0,2.2,0.2,2.2,0.2,0", "30,1.0,2.1,0.3,2.1,0.3,0");
    }

    @Test
    void givenNoFile_whenTruncated_thenNothingIsCreated(@TempDir Path dir) {
        TrainingProgressCsv csv = new TrainingProgressCsv(dir.resolve("progress.csv"));
        csv.truncateAfter(100);
        assertThat(csv.file()).doesNotExist();
    }

    @Test
    void givenARowWithoutStep_whenTruncated_thenOneLineErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("progress.csv");
        Files.writeString(file, TrainingProgressCsv.HEADER + "\n10,1.0\n1x0,2.0\n");
        assertThatThrownBy(() -> new TrainingProgressCsv(file).truncateAfter(5))
                .hasMessage(file + ": row \"1x0,2.0\" does not start with a step number");
    }
}
