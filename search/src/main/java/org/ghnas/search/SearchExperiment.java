package org.ghnas.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ghnas.space.io.StrictYaml;
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
        return of(StrictYaml.read(file), file.toString());
    }

    /**
     * Parses experiment YAML; {@code source} names the file in messages.
     *
     * @throws IllegalArgumentException {@code SOURCE: field.path: message}
     */
    public static SearchExperiment parse(String yaml, String source) {
        return of(StrictYaml.parse(yaml, source), source);
    }

    private static SearchExperiment of(JsonNode tree, String source) {
        StrictYaml root = StrictYaml.of(tree, source, "", ROOT);
        String name = root.stringOf("name", null);
        if (name == null) {
            throw root.invalid("name", "missing, expected a non-empty string.");
        }
        long seed = root.longOf("seed", 1);
        String surrogates = root.stringOf("surrogates", null);
        StrictYaml space = root.mapping("space", SPACE);
        StrictYaml search = root.mapping("search", SEARCH);
        String dataset = space.stringOf("dataset", "fashion_mnist");
        try {
            InputShape.ofDataset(dataset);
        } catch (IllegalArgumentException e) {
            throw space.invalid("dataset", e.getMessage());
        }
        int channels = space.intOf("channels", 8, 8, 1024);
        if (channels % 2 != 0) {
            throw space.invalid("channels", channels + " is odd, expected an even integer >= 8.");
        }
        int fcDim = space.intOf("fcDim", 64, 1, 1 << 16);
        String alg = search.stringOf("algorithm", "ga");
        Algorithm algorithm;
        if (alg.equals("ga")) {
            algorithm = Algorithm.GA;
        } else if (alg.equals("nsga2")) {
            algorithm = Algorithm.NSGA2;
        } else {
            throw search.invalid("algorithm", "'" + alg + "' is not allowed, expected ga or nsga2.");
        }
        int population = search.intOf("population", 24, 4, 100_000);
        int generations = search.intOf("generations", 10, 1, 1_000_000);
        double offspring = search.doubleOf("offspringFraction", 0.6, 0.01, 1);
        double mutation = search.doubleOf("mutationRate", 0.1, 0, 1);
        double crossover = search.doubleOf("crossoverRate", 0.5, 0, 1);
        int tournament = search.intOf("tournamentSize", 3, 2, population);
        List<Objective> objectives = objectives(root);
        if (algorithm == Algorithm.NSGA2 && objectives.size() < 2) {
            throw root.invalid("objectives", "nsga2 needs at least two objectives, got " + objectives.size() + ".");
        }
        StrictYaml c = root.mapping("constraints", CONSTRAINTS);
        long maxParams = c.longOf("maxParams", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        long maxFlops = c.longOf("maxFlops", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        double maxLatency = c.doubleOf("maxLatencyMs", Double.POSITIVE_INFINITY, Double.MIN_VALUE,
                Double.POSITIVE_INFINITY);
        return new SearchExperiment(name, seed, surrogates, dataset, channels, fcDim, algorithm, population,
                generations, offspring, mutation, crossover, tournament, objectives,
                new Constraints(maxParams, maxFlops, maxLatency));
    }

    private static List<Objective> objectives(StrictYaml root) {
        JsonNode node = root.child("objectives");
        if (node == null || node.isNull()) {
            return List.of(new Objective("accuracy", 1));
        }
        if (!node.isArray() || node.isEmpty()) {
            throw root.invalid("objectives", "must be a non-empty list of {property, weight}, but was "
                    + StrictYaml.kind(node) + ".");
        }
        List<Objective> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            StrictYaml o = StrictYaml.of(node.get(i), root.source(), "objectives[" + i + "]", OBJECTIVE);
            String property = o.stringOf("property", null);
            if (property == null) {
                throw o.invalid("property", "missing, expected one of " + String.join(", ", Objective.keys()) + ".");
            }
            if (!Objective.keys().contains(property)) {
                throw o.invalid("property", "'" + property + "' is not allowed, expected one of "
                        + String.join(", ", Objective.keys()) + ".");
            }
            if (seen.contains(property)) {
                throw o.invalid("property", "'" + property + "' is listed twice.");
            }
            seen.add(property);
            double weight = o.doubleOf("weight", 1, Double.MIN_VALUE, 1e9);
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
