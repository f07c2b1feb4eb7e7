package org.ghnas.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.json.ArchitectureJson;

/** Names and JSON forms of the files of a run directory; every file is written atomically. */
final class RunFiles {

    static final String MANIFEST = "manifest.json";
    static final String CHECKPOINT = "checkpoint.json";
    static final String HISTORY = "history.csv";
    static final String POPULATION = "population.json";
    static final String PARETO = "pareto.json";
    static final String RANDOM = "random.json";
    static final String BEST_PLOT = "best_so_far.png";
    static final String PARETO_PLOT = "pareto.png";
    static final String REPORT = "report.md";

    private static final ObjectMapper MAPPER = ArchitectureJson.mapper().copy()
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RunFiles() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    static void writeJson(Path file, JsonNode node) {
        try {
            AtomicFiles.writeString(file, MAPPER.writeValueAsString(node) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a JSON file of a run.
     *
     * @throws IllegalArgumentException naming the file if it is missing or not JSON
     */
    static JsonNode readJson(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable JSON file (" + firstLine(e.getMessage()) + ")");
        }
    }

    static String firstLine(String m) {
        if (m == null) {
            return "no message";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static ObjectNode toJson(Evaluation e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("spec", ArchitectureJson.toNode(e.spec()));
        ObjectNode p = o.putObject("predictions");
        e.predictions().forEach(p::put);
        o.put("params", e.params()).put("flops", e.flops()).put("feasible", e.feasible()).put("score", e.score());
        return o;
    }

    /**
     * The evaluation in {@code node}.
     *
     * @throws IllegalArgumentException naming {@code where} if a field is missing or malformed
     */
    static Evaluation evaluation(JsonNode node, String where) {
        try {
            Architecture a = ArchitectureJson.fromNode(node.get("spec"));
            if (!(a instanceof NetworkSpec)) {
                throw new IllegalArgumentException("spec: expected a cell network");
            }
            Map<String, Double> predictions = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.get("predictions").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                predictions.put(e.getKey(), e.getValue().asDouble());
            }
            return new Evaluation((NetworkSpec) a, predictions, node.get("params").asLong(),
                    node.get("flops").asLong(), node.get("feasible").asBoolean(), node.get("score").asDouble());
        } catch (NullPointerException e) {
            throw new IllegalArgumentException(where + ": missing field in an evaluation");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + firstLine(e.getMessage()), e);
        }
    }

    static String historyCsv(List<HistoryRow> rows, List<RandomRow> random) {
        StringBuilder sb = new StringBuilder(HistoryRow.CSV_HEADER);
        sb.append(random.isEmpty() ? "\n" : ",random_best_so_far\n");
        for (int i = 0; i < rows.size(); i++) {
            sb.append(rows.get(i).csv());
            if (!random.isEmpty()) {
                sb.append(',').append(i < random.size() ? String.valueOf(random.get(i).bestSoFar()) : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static ArrayNode historyJson(List<HistoryRow> rows) {
        ArrayNode a = MAPPER.createArrayNode();
        for (HistoryRow r : rows) {
            a.addObject().put("generation", r.generation()).put("evaluations", r.evaluations()).put("best", r.best())
                    .put("bestSoFar", r.bestSoFar()).put("mean", r.mean()).put("feasible", r.feasible())
                    .put("paretoSize", r.paretoSize());
        }
        return a;
    }

    static List<HistoryRow> history(JsonNode a) {
        List<HistoryRow> rows = new ArrayList<>();
        for (JsonNode r : a) {
            rows.add(new HistoryRow(r.get("generation").asInt(), r.get("evaluations").asLong(),
                    r.get("best").asDouble(), r.get("bestSoFar").asDouble(), r.get("mean").asDouble(),
                    r.get("feasible").asInt(), r.get("paretoSize").asInt()));
        }
        return rows;
    }

    static ArrayNode randomJson(List<RandomRow> rows) {
        ArrayNode a = MAPPER.createArrayNode();
        for (RandomRow r : rows) {
            a.addObject().put("generation", r.generation()).put("evaluations", r.evaluations())
                    .put("bestSoFar", r.bestSoFar());
        }
        return a;
    }

    static List<RandomRow> random(JsonNode a) {
        List<RandomRow> rows = new ArrayList<>();
        for (JsonNode r : a) {
            rows.add(new RandomRow(r.get("generation").asInt(), r.get("evaluations").asLong(),
                    r.get("bestSoFar").asDouble()));
        }
        return rows;
    }
}
