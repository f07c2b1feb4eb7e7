package org.ghnas.experiments.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.json.SpecFileException;

/**
 * The best architectures of a search run, read from {@code RUN_DIR/population.json}: a JSON list of objects
 * {@code {"spec": <spec object>, "predictions": {...}, ...}}, best first. Only {@code spec} is required; every other
 * field of an entry is kept as the search wrote it, so the export can copy it into its manifest.
 */
public final class Population {

    /** The file a search run writes its final population to. */
    public static final String FILE = "population.json";

    /** One member: its rank (0 = best), architecture, and the entry as written. */
    public record Entry(int rank, Architecture spec, JsonNode record) {
        public Entry {
            requireNonNull(spec, "spec");
            requireNonNull(record, "record");
        }
    }

    private Population() {
    }

    /**
     * The first {@code top} entries of {@code runDir/population.json} (all of them if it holds fewer).
     *
     * @throws SpecFileException (one line, naming the file and entry) if the file is missing, not a JSON list of
     *                           objects, or an entry's spec is invalid
     */
    public static List<Entry> read(Path runDir, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be >= 1, but was " + top);
        }
        Path file = runDir.resolve(FILE);
        JsonNode root;
        try {
            root = ArchitectureJson.mapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new SpecFileException(file + ": no such file, expected the population a search run writes"
                    + (Files.isDirectory(runDir) ? "" : " (" + runDir + " is not a directory)"));
        } catch (JsonProcessingException e) {
            throw new SpecFileException(file + ": not valid JSON (" + firstLine(e.getOriginalMessage()) + ")", e);
        } catch (IOException e) {
            throw new SpecFileException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isArray()) {
            throw new SpecFileException(file + ": expected a JSON list of {\"spec\": ..., \"predictions\": ...} "
                    + "objects, best first");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < root.size() && i < top; i++) {
            JsonNode e = root.get(i);
            if (!e.isObject() || !e.path("spec").isObject()) {
                throw new SpecFileException(file + ": entry " + i + ": expected an object with a \"spec\" object");
            }
            Architecture spec;
            try {
                spec = ArchitectureJson.fromNode(e.get("spec"));
            } catch (IllegalArgumentException ex) {
                throw new SpecFileException(file + ": entry " + i + ": spec: " + firstLine(ex.getMessage()), ex);
            }
            entries.add(new Entry(i, spec, e));
        }
        return List.copyOf(entries);
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "no message";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
