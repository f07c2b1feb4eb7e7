package org.ghnas.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ghnas.space.plan.InputShape;

/**
 * One search experiment, as written in an experiment YAML file. Every field is checked when the file is read, so a
 * bad file fails before anything runs, with {@code FILE: field.path: message}.
 *
 * <pre>{@code
 * name: accurate-under-100k
 * seed: 7
 * surrogates: surrogates/          # optional; default: the shipped surrogates
 * space: {channels: 8, fcDim: 64, dataset: fashion_mnist}
 * search: {algorithm: ga, population: 24, generations: 15}
 * objectives:
 *   - {property: accuracy, weight: 1.0}
 * constraints: {maxParams: 100000}
 * }</pre>
 *
 * @param name              label of the run, in reports
 * @param seed              root of every random choice of the run
 * @param surrogates        path of the fitted surrogates, or {@code null} for the default
 * @param dataset           input the nets are built for (sizes, FLOPs): {@code fashion_mnist} or {@code cifar10}
 * @param channels          base channel count C of every searched net (what the surrogates were fitted on)
 * @param fcDim             hidden width of two-layer classifiers
 * @param algorithm         GA on the weighted score, or NSGA-II on all objectives
 * @param population        individuals per generation
 * @param generations       generations after the initial population
 * @param offspringFraction share of each generation produced by crossover and mutation
 * @param mutationRate      probability that a gene is mutated
 * @param crossoverRate     probability that a pair of chromosomes is crossed
 * @param tournamentSize    individuals per selection tournament
 * @param objectives        what to optimise
 * @param constraints       hard limits
 * @implNote Immutable.
 */
public record SearchExperiment(String name, long seed, String surrogates, String dataset, int channels, int fcDim,
                               Algorithm algorithm, int population, int generations, double offspringFraction,
                               double mutationRate, double crossoverRate, int tournamentSize,
                               List<Objective> objectives, Constraints constraints) {

    private static final List<String> ROOT = List.of("name", "seed", "surrogates", "space", "search", "objectives",
            "constraints");
    private static final List<String> SPACE = List.of("channels", "fcDim", "dataset");
    private static final List<String> SEARCH = List.of("algorithm", "population", "generations", "offspringFraction",
            "mutationRate", "crossoverRate", "tournamentSize");
    private static final List<String> OBJECTIVE = List.of("property", "weight");
    private static final List<String> CONSTRAINTS = List.of("maxParams", "maxFlops", "maxLatencyMs");

    /** Validates every field; messages name the field as in the YAML file. */
    public SearchExperiment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(constraints, "constraints");
        objectives = List.copyOf(objectives);
        InputShape.ofDataset(dataset);
        ArchitectureCodec.of(channels, fcDim);
        if (population < 4) {
            throw new IllegalArgumentException("search.population: " + population + " is too small, expected >= 4");
        }
        if (generations < 1) {
            throw new IllegalArgumentException("search.generations: " + generations + " is not allowed, expected >= 1");
        }
        if (!(offspringFraction > 0 && offspringFraction <= 1)) {
            throw new IllegalArgumentException("search.offspringFraction: " + offspringFraction
                    + " is not allowed, expected a number in (0, 1]");
        }
        if (!(mutationRate >= 0 && mutationRate <= 1) || !(crossoverRate >= 0 && crossoverRate <= 1)) {
            throw new IllegalArgumentException("search.mutationRate/crossoverRate: expected probabilities in [0, 1]");
        }
        if (tournamentSize < 2 || tournamentSize > population) {
            throw new IllegalArgumentException("search.tournamentSize: " + tournamentSize
                    + " is not allowed, expected 2..population (" + population + ")");
        }
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("objectives: empty, expected at least one objective");
        }
        if (algorithm == Algorithm.NSGA2 && objectives.size() < 2) {
            throw new IllegalArgumentException("objectives: nsga2 needs at least two objectives, got "
                    + objectives.size());
        }
        if (objectives.stream().map(Objective::key).distinct().count() < objectives.size()) {
            throw new IllegalArgumentException("objectives: a property is listed twice");
        }
    }

    /**
     * Reads and checks an experiment file.
     *
     * @throws IllegalArgumentException {@code FILE: field.path: message} for a missing or unreadable file, bad YAML,
     *     an unknown key, a wrong type or an out-of-range value
     */
    public static SearchExperiment read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    /**
     * Parses experiment YAML; {@code source} names the file in messages.
     *
     * @throws IllegalArgumentException {@code SOURCE: field.path: message}
     */
    public static SearchExperiment parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage().replace('\n', ' ');
            throw new IllegalArgumentException(source + ": (root): not valid YAML (" + m + ")");
        }
        StrictYaml y = new StrictYaml(source);
        y.mapping(root, "", ROOT);
        String name = y.stringOf(root, "", "name", null);
        if (name == null) {
            throw y.error("name", "missing, expected a non-empty string.");
        }
        long seed = y.longOf(root, "", "seed", 1);
        String surrogates = y.stringOf(root, "", "surrogates", null);
        JsonNode space = y.optionalMapping(root, "", "space", SPACE);
        JsonNode search = y.optionalMapping(root, "", "search", SEARCH);
        JsonNode empty = new ObjectMapper().createObjectNode();
        space = space == null ? empty : space;
        search = search == null ? empty : search;
        String dataset = y.stringOf(space, "space", "dataset", "fashion_mnist");
        try {
            InputShape.ofDataset(dataset);
        } catch (IllegalArgumentException e) {
            throw y.error("space.dataset", e.getMessage());
        }
        int channels = y.intOf(space, "space", "channels", 8, 8, 1024);
        if (channels % 2 != 0) {
            throw y.error("space.channels", channels + " is odd, expected an even integer >= 8.");
        }
        int fcDim = y.intOf(space, "space", "fcDim", 64, 1, 1 << 16);
        String alg = y.stringOf(search, "search", "algorithm", "ga");
        Algorithm algorithm;
        if (alg.equals("ga")) {
            algorithm = Algorithm.GA;
        } else if (alg.equals("nsga2")) {
            algorithm = Algorithm.NSGA2;
        } else {
            throw y.error("search.algorithm", "'" + alg + "' is not allowed, expected ga or nsga2.");
        }
        int population = y.intOf(search, "search", "population", 24, 4, 100_000);
        int generations = y.intOf(search, "search", "generations", 10, 1, 1_000_000);
        double offspring = y.doubleOf(search, "search", "offspringFraction", 0.6, 0.01, 1);
        double mutation = y.doubleOf(search, "search", "mutationRate", 0.1, 0, 1);
        double crossover = y.doubleOf(search, "search", "crossoverRate", 0.5, 0, 1);
        int tournament = y.intOf(search, "search", "tournamentSize", 3, 2, population);
        List<Objective> objectives = objectives(root.get("objectives"), y);
        if (algorithm == Algorithm.NSGA2 && objectives.size() < 2) {
            throw y.error("objectives", "nsga2 needs at least two objectives, got " + objectives.size() + ".");
        }
        JsonNode c = y.optionalMapping(root, "", "constraints", CONSTRAINTS);
        c = c == null ? empty : c;
        long maxParams = y.longOf(c, "constraints", "maxParams", Long.MAX_VALUE);
        long maxFlops = y.longOf(c, "constraints", "maxFlops", Long.MAX_VALUE);
        if (maxParams < 1) {
            throw y.error("constraints.maxParams", maxParams + " is out of range, expected an integer >= 1.");
        }
        if (maxFlops < 1) {
            throw y.error("constraints.maxFlops", maxFlops + " is out of range, expected an integer >= 1.");
        }
        double maxLatency = y.doubleOf(c, "constraints", "maxLatencyMs", Double.POSITIVE_INFINITY, Double.MIN_VALUE,
                Double.POSITIVE_INFINITY);
        return new SearchExperiment(name, seed, surrogates, dataset, channels, fcDim, algorithm, population,
                generations, offspring, mutation, crossover, tournament, objectives,
                new Constraints(maxParams, maxFlops, maxLatency));
    }

    private static List<Objective> objectives(JsonNode node, StrictYaml y) {
        if (node == null || node.isNull()) {
            return List.of(new Objective("accuracy", 1));
        }
        if (!node.isArray() || node.isEmpty()) {
            throw y.error("objectives", "must be a non-empty list of {property, weight}, but was "
                    + StrictYaml.kind(node) + ".");
        }
        List<Objective> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "objectives[" + i + "]";
            JsonNode o = y.mapping(node.get(i), path, OBJECTIVE);
            String property = y.stringOf(o, path, "property", null);
            if (property == null) {
                throw y.error(path + ".property", "missing, expected one of " + String.join(", ", Objective.keys())
                        + ".");
            }
            if (!Objective.keys().contains(property)) {
                throw y.error(path + ".property", "'" + property + "' is not allowed, expected one of "
                        + String.join(", ", Objective.keys()) + ".");
            }
            if (seen.contains(property)) {
                throw y.error(path + ".property", "'" + property + "' is listed twice.");
            }
            seen.add(property);
            double weight = y.doubleOf(o, path, "weight", 1, Double.MIN_VALUE, 1e9);
            out.add(new Objective(property, weight));
        }
        return out;
    }

    /** The same experiment with another seed. */
    public SearchExperiment withSeed(long s) {
        return new SearchExperiment(name, s, surrogates, dataset, channels, fcDim, algorithm, population, generations,
                offspringFraction, mutationRate, crossoverRate, tournamentSize, objectives, constraints);
    }

    /** The input shape of {@link #dataset}. */
    public InputShape input() {
        return InputShape.ofDataset(dataset);
    }

    /** Whether the search is multi-objective. */
    public boolean multiObjective() {
        return algorithm == Algorithm.NSGA2;
    }

    /** The experiment as a JSON object in the YAML file's layout (limits that are not set are left out). */
    public ObjectNode toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("name", name).put("seed", seed);
        if (surrogates != null) {
            o.put("surrogates", surrogates);
        }
        o.putObject("space").put("channels", channels).put("fcDim", fcDim).put("dataset", dataset);
        o.putObject("search").put("algorithm", algorithm.key()).put("population", population)
                .put("generations", generations).put("offspringFraction", offspringFraction)
                .put("mutationRate", mutationRate).put("crossoverRate", crossoverRate)
                .put("tournamentSize", tournamentSize);
        ArrayNode objs = o.putArray("objectives");
        for (Objective ob : objectives) {
            objs.addObject().put("property", ob.key()).put("weight", ob.weight());
        }
        ObjectNode c = o.putObject("constraints");
        if (constraints.maxParams() != Long.MAX_VALUE) {
            c.put("maxParams", constraints.maxParams());
        }
        if (constraints.maxFlops() != Long.MAX_VALUE) {
            c.put("maxFlops", constraints.maxFlops());
        }
        if (Double.isFinite(constraints.maxLatencyMs())) {
            c.put("maxLatencyMs", constraints.maxLatencyMs());
        }
        return o;
    }
}
