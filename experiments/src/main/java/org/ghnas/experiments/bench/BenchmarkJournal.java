package org.ghnas.experiments.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-net results of a long benchmark run, one JSON line per finished net after a header line that names what
 * was measured (GHN checksum, dataset, settings). Starting the same run again reads the finished nets back instead
 * of measuring them anew; a line cut short by a kill is ignored and that net measured again.
 *
 * <pre>{@code
 * BenchmarkJournal j = new BenchmarkJournal(Path.of("results/ghn/accuracy-nets.jsonl"));
 * Map<String, ObjectNode> done = j.open(header);   // empty for a new run
 * j.append("id/7", figuresOfNet7);
 * j.delete();                                      // once the final report is written
 * }</pre>
 *
 * @implNote {@link #append} is thread-safe.
 */
public final class BenchmarkJournal {

    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper();
    private ObjectNode header;

    public BenchmarkJournal(Path file) {
        this.file = requireNonNull(file, "file");
    }

    /** Where the journal lives. */
    public Path file() {
        return file;
    }

    /**
     * Opens the journal for the run described by {@code header}: returns the nets it already holds by key (none if
     * the file is missing; it is created with the first {@link #append}, so that a run stopped by the check of
     * another journal leaves no file behind).
     *
     * @throws IllegalArgumentException naming the file if it belongs to another run (other header) or its header
     *                                  cannot be read
     */
    public Map<String, ObjectNode> open(ObjectNode header) {
        requireNonNull(header, "header");
        Map<String, ObjectNode> done = new HashMap<>();
        this.header = header.deepCopy();
        try {
            if (!Files.exists(file)) {
                return done;
            }
            List<String> lines = Files.readAllLines(file);
            JsonNode first = lines.isEmpty() ? null : parse(lines.get(0));
            if (first == null) {
                throw new IllegalArgumentException(file + ": line 1 is not the JSON header of a benchmark run;"
                        + " delete the file to start afresh");
            }
            if (!first.equals(parse(mapper.writeValueAsString(header)))) {
                throw new IllegalArgumentException(file + ": holds a run with other settings or another GHN ("
                        + first + "); delete it or choose another --out");
            }
            for (String line : lines.subList(1, lines.size())) {
                JsonNode n = parse(line);
                if (n != null && n.path("key").isTextual() && n.path("result").isObject()) {
                    done.put(n.path("key").asText(), (ObjectNode) n.path("result"));
                }
            }
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isEmpty() && parse(lines.get(lines.size() - 1)) == null) {
                // a line cut short by a kill: end it, so that the next append starts a line of its own
                Files.writeString(file, "\n", StandardOpenOption.APPEND);
            }
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read or created (" + e.getMessage() + ")", e);
        }
    }

    /** Records one finished net; call {@link #open} first. */
    public synchronized void append(String key, ObjectNode result) {
        if (header == null) {
            throw new IllegalStateException(file + ": append before open");
        }
        ObjectNode line = mapper.createObjectNode();
        line.put("key", key);
        line.set("result", result);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, mapper.writeValueAsString(header) + "\n");
            }
            Files.writeString(file, mapper.writeValueAsString(line) + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be appended (" + e.getMessage() + ")", e);
        }
    }

    /** Removes the journal once its run's report is written. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be deleted (" + e.getMessage() + ")", e);
        }
    }

    private JsonNode parse(String line) {
        try {
            return line.isBlank() ? null : mapper.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
