package org.ghnas.experiments.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import org.ghnas.ghn.train.GhnTrainer;
import org.ghnas.space.io.AtomicFiles;

/**
 * The {@code progress.csv} of a GHN training run: one row per logged step. A run killed between checkpoints has
 * logged steps past its last checkpoint; {@link #truncateAfter} drops them on resume, so that the resumed run, which
 * repeats those steps bit for bit, leaves one row per step rather than two.
 *
 * @param file the CSV file, created with its header on the first row
 */
record TrainingProgressCsv(Path file) {

    static final String HEADER = "step,session_seconds,loss,accuracy,running_loss,running_accuracy,skipped";

    /** Appends the row of a logged step. */
    void append(long step, double secs, double loss, double acc, GhnTrainer t) {
        append(String.format("%d,%.1f,%.5f,%.5f,%.5f,%.5f,%d", step, secs, loss, acc, t.runningLoss(),
                t.runningAccuracy(), t.skippedSteps()));
    }

    void append(String row) {
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n");
            }
            Files.writeString(file, row + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be appended (" + e.getMessage() + ")", e);
        }
    }

    /** Drops the rows of steps after {@code step} (the resumed checkpoint's), atomically; no file, nothing to do. */
    void truncateAfter(long step) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(file);
            List<String> kept = lines.stream()
                    .filter(l -> l.isBlank() || !Character.isDigit(l.charAt(0)) || rowStep(l) <= step)
                    .collect(Collectors.toList());
            if (kept.size() != lines.size()) {
                AtomicFiles.writeString(file, String.join("\n", kept) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private long rowStep(String row) {
        int comma = row.indexOf(',');
        try {
            return Long.parseLong(comma < 0 ? row : row.substring(0, comma));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": row \"" + row + "\" does not start with a step number", e);
        }
    }
}
