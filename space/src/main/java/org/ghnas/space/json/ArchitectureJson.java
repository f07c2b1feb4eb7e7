package org.ghnas.space.json;

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
import java.util.List;
import java.util.Set;
import org.ghnas.space.Architecture;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.OpType;
import org.ghnas.space.ResNet50;
import org.ghnas.space.SpecException;

/**
 * Reads and writes architecture specs in the JSON exchange format ({@code shared/docs/architecture-json.md}):
 * one object per architecture, or an array of them.
 *
 * <p>Reading is strict. Unknown keys, wrong types and values outside the space fail with a
 * {@link SpecException} whose field is the JSON path ({@code [2].genotype.normal[0]}); reading a file wraps it
 * in a {@link SpecFileException} that also names the file. Fields the reference {@code Network} defaults
 * (ks, C_mult, preproc, glob_avg, norm, stem_type, stem_pool, fc_layers, fc_dim) may be omitted.
 */
public final class ArchitectureJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Keys that annotate a spec (where it came from, reference figures) and are ignored on reading. */
    private static final Set<String> METADATA = Set.of("name", "id", "split", "params_cifar10", "params_imagenet");

    private static final Set<String> SPEC_KEYS = Set.of("genotype", "C", "n_cells", "ks", "C_mult", "preproc",
            "glob_avg", "norm", "stem_type", "stem_pool", "fc_layers", "fc_dim");

    private static final Set<String> GENOTYPE_KEYS = Set.of("normal", "normal_concat", "reduce", "reduce_concat");

    private ArchitectureJson() {
    }

    /**
     * Reads a file holding one spec object or an array of specs.
     *
     * @throws SpecFileException naming the file and the offending field
     */
    public static List<Architecture> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecFileException(file + ": no such file, expected a JSON spec or an array of specs", e);
        } catch (IOException e) {
            throw new SpecFileException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        try {
            return parse(text);
        } catch (SpecException e) {
            throw new SpecFileException(file + ": " + e.getMessage(), e);
        }
    }

    /** True if the file's top-level JSON value is an array (a list of specs rather than one spec). */
    public static boolean isArray(Path file) {
        try {
            return MAPPER.readTree(file.toFile()).isArray();
        } catch (IOException e) {
            throw new SpecFileException(file + ": not valid JSON (" + oneLine(e) + ")", e);
        }
    }

    /** Parses one spec object or an array of specs. */
    public static List<Architecture> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SpecException("(document)", "not valid JSON (" + oneLine(e) + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw new SpecException("(document)", "empty, expected a spec object or an array of specs");
        }
        List<Architecture> result = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                try {
                    result.add(fromNode(root.get(i)));
                } catch (SpecException e) {
                    throw e.within("[" + i + "].");
                }
            }
        } else {
            result.add(fromNode(root));
        }
        return List.copyOf(result);
    }

    /** Parses exactly one spec object. */
    public static Architecture parseOne(String json) {
        List<Architecture> all = parse(json);
        if (all.size() != 1) {
            throw new SpecException("(document)", all.size() + " specs, expected exactly one");
        }
        return all.get(0);
    }

    /** Converts one JSON object to an architecture. */
    public static Architecture fromNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new SpecException("(spec)", "expected a JSON object, got " + describe(node));
        }
        if (node.has("predefined")) {
            rejectUnknown(node, Set.of("predefined"), "");
            String name = text(node, "predefined");
            if (!ResNet50.NAME.equals(name)) {
                throw new SpecException("predefined", "unknown network '" + name + "', expected 'resnet50'");
            }
            return new ResNet50();
        }
        rejectUnknown(node, SPEC_KEYS, "");
        JsonNode g = node.get("genotype");
        if (g == null) {
            throw new SpecException("genotype", "missing, expected {normal, normal_concat, reduce, reduce_concat}");
        }
        if (!g.isObject()) {
            throw new SpecException("genotype", "expected an object, got " + describe(g));
        }
        rejectUnknown(g, GENOTYPE_KEYS, "genotype.");
        Genotype genotype;
        try {
            genotype = new Genotype(ops(g, "normal"), ints(g, "normal_concat"), ops(g, "reduce"), ints(g, "reduce_concat"));
        } catch (SpecException e) {
            throw e.field().startsWith("genotype.") ? e : e.within("genotype.");
        }
        NetworkSpec.Builder b = NetworkSpec.builder(genotype)
                .channels(requiredInt(node, "C"))
                .cells(requiredInt(node, "n_cells"));
        if (node.has("ks")) b.stemKernel(integer(node, "ks"));
        if (node.has("C_mult")) b.channelMultiplier(integer(node, "C_mult"));
        if (node.has("preproc")) b.preproc(bool(node, "preproc"));
        if (node.has("glob_avg")) b.globalAvg(bool(node, "glob_avg"));
        if (node.has("norm")) b.norm(norm(node.get("norm")));
        if (node.has("stem_type")) b.stemType(integer(node, "stem_type"));
        if (node.has("stem_pool")) b.stemPool(bool(node, "stem_pool"));
        if (node.has("fc_layers")) b.fcLayers(integer(node, "fc_layers"));
        if (node.has("fc_dim")) b.fcDim(integer(node, "fc_dim"));
        return b.build();
    }

    /** The JSON object of one architecture, fields in the documented order. */
    public static ObjectNode toNode(Architecture architecture) {
        ObjectNode o = MAPPER.createObjectNode();
        if (architecture instanceof ResNet50) {
            o.put("predefined", ResNet50.NAME);
            return o;
        }
        NetworkSpec s = (NetworkSpec) architecture;
        ObjectNode g = o.putObject("genotype");
        writeOps(g.putArray("normal"), s.genotype().normal());
        s.genotype().normalConcat().forEach(g.putArray("normal_concat")::add);
        writeOps(g.putArray("reduce"), s.genotype().reduce());
        s.genotype().reduceConcat().forEach(g.putArray("reduce_concat")::add);
        o.put("C", s.channels());
        o.put("n_cells", s.cells());
        o.put("ks", s.stemKernel());
        o.put("C_mult", s.channelMultiplier());
        o.put("preproc", s.preproc());
        o.put("glob_avg", s.globalAvg());
        if (s.norm() == Norm.NONE) {
            o.putNull("norm");
        } else {
            o.put("norm", s.norm().specName());
        }
        o.put("stem_type", s.stemType());
        o.put("stem_pool", s.stemPool());
        o.put("fc_layers", s.fcLayers());
        o.put("fc_dim", s.fcDim());
        return o;
    }

    /** Pretty-printed JSON of one architecture. */
    public static String toJson(Architecture architecture) {
        return write(toNode(architecture));
    }

    /** Pretty-printed JSON array of architectures. */
    public static String toJson(List<? extends Architecture> architectures) {
        ArrayNode a = MAPPER.createArrayNode();
        architectures.forEach(x -> a.add(toNode(x)));
        return write(a);
    }

    /** Compact one-line JSON of one architecture, usable as a cache key or a CSV cell. */
    public static String toCompactJson(Architecture architecture) {
        return toNode(architecture).toString();
    }

    /** The shared mapper (pretty printing on), for callers that add fields to spec objects. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeOps(ArrayNode target, List<CellOp> ops) {
        for (CellOp op : ops) {
            target.addArray().add(op.op().specName()).add(op.input());
        }
    }

    private static List<CellOp> ops(JsonNode g, String key) {
        JsonNode a = g.get(key);
        String field = "genotype." + key;
        if (a == null) {
            throw new SpecException(field, "missing, expected a list of [op, input] pairs");
        }
        if (!a.isArray()) {
            throw new SpecException(field, "expected a list of [op, input] pairs, got " + describe(a));
        }
        List<CellOp> ops = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode pair = a.get(i);
            String f = field + "[" + i + "]";
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isIntegralNumber()) {
                throw new SpecException(f, "expected an [op, input] pair such as [\"sep_conv_3x3\", 1], got " + pair);
            }
            OpType op;
            try {
                op = OpType.ofSpecName(pair.get(0).asText());
            } catch (IllegalArgumentException e) {
                throw new SpecException(f + ".op", e.getMessage());
            }
            int input = pair.get(1).asInt();
            if (input < 0) {
                throw new SpecException(f + ".input", input + " is negative, expected a state index >= 0");
            }
            ops.add(new CellOp(op, input));
        }
        return ops;
    }

    private static List<Integer> ints(JsonNode g, String key) {
        JsonNode a = g.get(key);
        String field = "genotype." + key;
        if (a == null) {
            throw new SpecException(field, "missing, expected a list of node indices");
        }
        if (!a.isArray()) {
            throw new SpecException(field, "expected a list of node indices, got " + describe(a));
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isIntegralNumber()) {
                throw new SpecException(field + "[" + i + "]", "expected an integer node index, got " + a.get(i));
            }
            out.add(a.get(i).asInt());
        }
        return out;
    }

    private static Norm norm(JsonNode n) {
        if (n.isNull()) {
            return Norm.NONE;
        }
        if (n.isTextual()) {
            String s = n.asText();
            if (s.equals("bn") || s.equals("bnorm")) {
                return Norm.BATCH_NORM;
            }
            if (s.isEmpty() || s.equals("none")) {
                return Norm.NONE;
            }
        }
        throw new SpecException("norm", n + " is not allowed, expected \"bn\" or null");
    }

    private static int requiredInt(JsonNode node, String key) {
        if (!node.has(key)) {
            throw new SpecException(key, "missing, expected an integer");
        }
        return integer(node, key);
    }

    private static int integer(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new SpecException(key, "expected an integer, got " + describe(v));
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw new SpecException(key, "expected true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw new SpecException(key, "expected a string, got " + describe(v));
        }
        return v.asText();
    }

    private static void rejectUnknown(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k) && !(prefix.isEmpty() && METADATA.contains(k))) {
                throw new SpecException(prefix + k, "unknown key, expected one of " + String.join(", ", sorted(allowed)));
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        String t = v.toString();
        return (t.length() > 40 ? t.substring(0, 40) + "..." : t) + " (" + v.getNodeType().name().toLowerCase() + ")";
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
