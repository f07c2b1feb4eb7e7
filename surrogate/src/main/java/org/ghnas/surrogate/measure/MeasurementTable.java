package org.ghnas.surrogate.measure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.json.ArchitectureJson;

/**
 * The files of a measurement directory: {@code train.jsonl}, {@code test.jsonl} and {@code specs.jsonl} (one
 * {@link Measurement} per line, in sample or file order), {@code train.csv}, {@code test.csv} and {@code specs.csv}
 * (the same records' scalar columns, for spreadsheets and plots) and {@code config.yaml} (the
 * {@link MeasurementConfig} that produced them).
 *
 * <p>Each split has its own files, so two processes, one per split, can fill one directory at the same time
 * without touching each other's files; every file is rewritten atomically after every net, so a reader or a killed
 * writer never sees half a file.
 *
 * <pre>{@code
 * Map<Split, List<Measurement>> table = MeasurementTable.read(Path.of("results/measure"));
 * double acc = table.get(Split.TRAIN).get(0).cleanAccuracy();
 * }</pre>
 */
public final class MeasurementTable {

    /** Name of the config copy inside a measurement directory. */
    public static final String CONFIG = "config.yaml";

    private MeasurementTable() {
    }

    /** The JSON-lines file of {@code split} in {@code dir}. */
    public static Path jsonl(Path dir, Split split) {
        return dir.resolve(split.label() + ".jsonl");
    }

    /** The CSV file of {@code split} in {@code dir}. */
    public static Path csv(Path dir, Split split) {
        return dir.resolve(split.label() + ".csv");
    }

    /**
     * The records of every split (a split without a file has none).
     *
     * @throws IllegalArgumentException {@code "FILE:LINE: message"} for the first invalid line
     */
    public static Map<Split, List<Measurement>> read(Path dir) {
        Map<Split, List<Measurement>> out = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            out.put(s, read(dir, s));
        }
        return out;
    }

    /**
     * The records of one split, validated line by line: each line must be a valid record of this split, and line
     * {@code k} must hold the net with index {@code k - 1} (nets are measured in sample order).
     *
     * @throws IllegalArgumentException {@code "FILE:LINE: message"} for the first invalid line
     */
    public static List<Measurement> read(Path dir, Split split) {
        Path file = jsonl(dir, split);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        List<Measurement> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String where = file + ":" + (i + 1) + ": ";
            Measurement m;
            try {
                JsonNode node = ArchitectureJson.mapper().readTree(lines.get(i));
                m = Measurement.fromJson(node);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + "not valid JSON ("
                        + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            if (m.split() != split) {
                throw new IllegalArgumentException(where + "split: must be " + split.label() + " in this file, but was "
                        + m.split().label());
            }
            if (m.index() != i) {
                throw new IllegalArgumentException(where + "index: must be " + i + " (records in sample order), but was "
                        + m.index());
            }
            out.add(m);
        }
        return List.copyOf(out);
    }

    /** Rewrites the JSON-lines and CSV files of {@code split} in {@code dir} atomically with {@code records}. */
    public static void write(Path dir, Split split, List<Measurement> records) {
        StringBuilder json = new StringBuilder();
        StringBuilder csv = new StringBuilder(String.join(",", Measurement.COLUMNS)).append('\n');
        for (Measurement m : records) {
            if (m.split() != split) {
                throw new IllegalArgumentException("records must all be of split " + split.label() + ", but net "
                        + m.index() + " is of " + m.split().label());
            }
            json.append(m.toJson().toString()).append('\n');
            csv.append(m.csvRow()).append('\n');
        }
        AtomicFiles.writeString(jsonl(dir, split), json.toString());
        AtomicFiles.writeString(csv(dir, split), csv.toString());
    }
}
