package org.ghnas.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import io.jenetics.EliteSelector;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import io.jenetics.engine.EvolutionResult;
import io.jenetics.engine.EvolutionStart;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.surrogate.PropertyPredictor;

/**
 * Runs one search experiment into a directory: the initial population and every generation are scored in one batch
 * each and checkpointed atomically, so a killed run resumes where it stopped and ends exactly as an uninterrupted
 * one. Afterwards the random baseline gets the same number of evaluations, and the report is rendered.
 *
 * <pre>{@code
 * SearchExperiment exp = SearchExperiment.read(Path.of("experiments/quickstart.yaml"));
 * SearchResult r = new SearchRun(exp, predictor, Path.of("runs/quickstart"))
 *         .command("ghnas search experiments/quickstart.yaml")
 *         .run(false, true, SearchListener.NONE);
 * }</pre>
 *
 * <p><b>Determinism.</b> The engine runs on the calling thread ({@code executor(Runnable::run)}), and every
 * generation draws from its own generator, seeded from (experiment seed, generation), installed with
 * {@link RandomRegistry#with}. A generation therefore depends only on the previous population, which the checkpoint
 * holds with each individual's birth generation and evaluation.
 *
 * @implNote Not thread-safe; one run per instance at a time.
 */
public final class SearchRun {

    private static final String RANDOM_ALGORITHM = "L64X128MixRandom";
    private static final long SEARCH_STREAM = 0x5EA4C4L;
    private static final long RANDOM_STREAM = 0x4A4D0AL;

    private final SearchExperiment experiment;
    private final PropertyPredictor predictor;
    private final Path directory;
    private String command = "";
    private Map<String, String> checksums = Map.of();

    /** A run of {@code experiment} scored by {@code predictor}, writing into {@code directory}. */
    public SearchRun(SearchExperiment experiment, PropertyPredictor predictor, Path directory) {
        this.experiment = Objects.requireNonNull(experiment, "experiment");
        this.predictor = Objects.requireNonNull(predictor, "predictor");
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The command line recorded in the manifest. */
    public SearchRun command(String line) {
        this.command = Objects.requireNonNull(line, "command");
        return this;
    }

    /** Checksums of the GHN and surrogate files, recorded in the manifest. */
    public SearchRun checksums(Map<String, String> sums) {
        this.checksums = new TreeMap<>(sums);
        return this;
    }

    /**
     * Runs (or, with {@code resume}, continues) the search to its last generation, then the random baseline if
     * asked, and renders the report.
     *
     * @throws IllegalArgumentException if the directory holds another run, or nothing to resume
     */
    public SearchResult run(boolean resume, boolean baseline, SearchListener listener) {
        return run(resume, baseline, listener, Integer.MAX_VALUE);
    }

    /** As {@link #run(boolean, boolean, SearchListener)}, but stops after generation {@code stopAfter} (tests). */
    SearchResult run(boolean resume, boolean baseline, SearchListener listener, int stopAfter) {
        Path checkpointFile = directory.resolve(RunFiles.CHECKPOINT);
        boolean exists = Files.exists(checkpointFile);
        if (exists && !resume) {
            throw new IllegalArgumentException(directory + ": already holds a run (" + RunFiles.CHECKPOINT
                    + "); pass --resume to continue it or choose another --out");
        }
        if (resume) {
            checkSameExperiment();
        } else {
            writeManifest(false, 0);
        }
        ArchitectureCodec codec = ArchitectureCodec.of(experiment.channels(), experiment.fcDim());
        SpaceRules rules = new SpaceRules(experiment.input(), experiment.constraints());
        Scoring scoring = new Scoring(experiment.objectives(), experiment.constraints());
        boolean multi = experiment.multiObjective();
        SurrogateEvaluator evaluator = new SurrogateEvaluator(codec, rules, scoring, multi, predictor);
        ValidityConstraint constraint = new ValidityConstraint(codec, rules);
        Engine<IntegerGene, Vec<double[]>> engine = engine(evaluator, constraint, multi);

        State state;
        if (exists) {
            state = State.read(checkpointFile, codec, scoring, multi, evaluator);
        } else {
            ISeq<Phenotype<IntegerGene, Vec<double[]>>> initial = RandomRegistry.with(rng(SEARCH_STREAM, 0), r -> {
                List<Phenotype<IntegerGene, Vec<double[]>>> pop = new ArrayList<>();
                for (int i = 0; i < experiment.population(); i++) {
                    pop.add(Phenotype.of(constraint.randomValid(), 0));
                }
                return evaluator.eval(ISeq.of(pop));
            });
            state = new State(0, initial, new ArrayList<>(), Double.NaN);
            state = state.record(0, evaluator, codec, scoring, multi, evaluator.evaluations());
            checkpoint(state, codec, evaluator, scoring, multi);
            listener.generation(summary(state));
        }
        while (state.generation < experiment.generations() && state.generation < stopAfter) {
            int g = state.generation + 1;
            EvolutionStart<IntegerGene, Vec<double[]>> start = EvolutionStart.of(state.population, g);
            long before = evaluator.evaluations();
            EvolutionResult<IntegerGene, Vec<double[]>> result =
                    RandomRegistry.with(rng(SEARCH_STREAM, g), r -> engine.evolve(start));
            State next = new State(g, result.population(), state.history, state.bestSoFar);
            state = next.record(g, evaluator, codec, scoring, multi, evaluator.evaluations() - before);
            checkpoint(state, codec, evaluator, scoring, multi);
            listener.generation(summary(state));
        }
        boolean completed = state.generation >= experiment.generations();
        List<RandomRow> random = List.of();
        if (completed && baseline) {
            RandomBaseline b = randomBaseline(state.history, codec, constraint, evaluator);
            random = b.rows();
            ObjectNode o = RunFiles.mapper().createObjectNode();
            o.set("history", RunFiles.randomJson(random));
            if (b.best() != null) {
                // the net random search would pick: lets a user check the GA's pick against it, e.g. by training both
                o.set("best", RunFiles.toJson(b.best()));
            }
            RunFiles.writeJson(directory.resolve(RunFiles.RANDOM), o);
            AtomicFiles.writeString(directory.resolve(RunFiles.HISTORY), RunFiles.historyCsv(state.history, random));
        }
        if (completed) {
            writeManifest(true, state.history.get(state.history.size() - 1).evaluations());
        }
        RunReport.render(directory);
        List<RankedNet> ranked = Ranking.rank(evaluations(state.population, codec, evaluator), scoring, multi);
        return new SearchResult(directory, state.history, ranked, Ranking.front(ranked), random, completed);
    }

    private Engine<IntegerGene, Vec<double[]>> engine(SurrogateEvaluator evaluator, ValidityConstraint constraint,
                                                      boolean multi) {
        TournamentSelector<IntegerGene, Vec<double[]>> tournament =
                new TournamentSelector<>(experiment.tournamentSize());
        Engine.Builder<IntegerGene, Vec<double[]>> b = new Engine.Builder<>(evaluator, constraint::randomValid)
                .populationSize(experiment.population())
                .offspringFraction(experiment.offspringFraction())
                .offspringSelector(tournament)
                .alterers(new UniformCrossover<>(experiment.crossoverRate(), 0.5),
                        new Mutator<>(experiment.mutationRate()))
                .constraint(constraint)
                .optimize(Optimize.MAXIMUM)
                .executor(Runnable::run);
        if (multi) {
            b.survivorsSelector(NSGA2Selector.ofVec());
        } else {
            b.survivorsSelector(new EliteSelector<>(1, tournament));
        }
        return b.build();
    }

    /** The random baseline's best score after each generation, and its best feasible net (null if none was). */
    private record RandomBaseline(List<RandomRow> rows, Evaluation best) {}

    /** Random valid nets, as many per generation as the search scored in it, from their own seeded streams. */
    private RandomBaseline randomBaseline(List<HistoryRow> history, ArchitectureCodec codec,
                                          ValidityConstraint constraint, SurrogateEvaluator evaluator) {
        Evaluation bestNet = null;
        List<RandomRow> rows = new ArrayList<>();
        long previous = 0;
        for (HistoryRow h : history) {
            int n = Math.toIntExact(h.evaluations() - previous);
            previous = h.evaluations();
            List<NetworkSpec> specs = RandomRegistry.with(rng(RANDOM_STREAM, h.generation()), r -> {
                List<NetworkSpec> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(codec.decode(constraint.randomValid()));
                }
                return out;
            });
            for (Evaluation e : evaluator.evaluate(specs)) {
                if (e.feasible() && (bestNet == null || e.score() > bestNet.score())) {
                    bestNet = e;
                }
            }
            double best = bestNet == null ? Double.NaN : bestNet.score();
            rows.add(new RandomRow(h.generation(), h.evaluations(), best));
        }
        return new RandomBaseline(rows, bestNet);
    }

    static double better(double best, Evaluation e) {
        if (!e.feasible()) {
            return best;
        }
        return Double.isNaN(best) ? e.score() : Math.max(best, e.score());
    }

    private RandomGenerator rng(long stream, int generation) {
        long s = mix(mix(experiment.seed()) ^ mix(stream) ^ generation);
        return RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(s);
    }

    /** SplitMix64's finaliser: nearby seeds give unrelated streams. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private SearchListener.GenerationSummary summary(State s) {
        HistoryRow last = s.history.get(s.history.size() - 1);
        return new SearchListener.GenerationSummary(s.generation, experiment.generations(), last.evaluations(),
                last.bestSoFar());
    }

    private static List<Evaluation> evaluations(ISeq<Phenotype<IntegerGene, Vec<double[]>>> population,
                                                ArchitectureCodec codec, SurrogateEvaluator evaluator) {
        List<Evaluation> out = new ArrayList<>(population.size());
        for (Phenotype<IntegerGene, Vec<double[]>> p : population) {
            out.add(evaluator.evaluation(codec.decode(p.genotype())));
        }
        return out;
    }

    private void checkpoint(State s, ArchitectureCodec codec, SurrogateEvaluator evaluator, Scoring scoring,
                            boolean multi) {
        ObjectNode o = RunFiles.mapper().createObjectNode();
        o.put("seed", experiment.seed()).put("generation", s.generation).put("bestSoFar", s.bestSoFar);
        o.set("history", RunFiles.historyJson(s.history));
        ArrayNode pop = o.putArray("population");
        List<Evaluation> evals = evaluations(s.population, codec, evaluator);
        for (int i = 0; i < s.population.size(); i++) {
            Phenotype<IntegerGene, Vec<double[]>> p = s.population.get(i);
            ObjectNode ind = pop.addObject();
            ArrayNode genes = ind.putArray("genes");
            for (int[] c : ArchitectureCodec.genes(p.genotype())) {
                ArrayNode a = genes.addArray();
                for (int v : c) {
                    a.add(v);
                }
            }
            ind.put("born", p.generation());
            ind.set("evaluation", RunFiles.toJson(evals.get(i)));
        }
        List<RankedNet> ranked = Ranking.rank(evals, scoring, multi);
        RunFiles.writeJson(directory.resolve(RunFiles.POPULATION), ranked(ranked));
        RunFiles.writeJson(directory.resolve(RunFiles.PARETO), ranked(Ranking.front(ranked)));
        AtomicFiles.writeString(directory.resolve(RunFiles.HISTORY), RunFiles.historyCsv(s.history, List.of()));
        RunFiles.writeJson(directory.resolve(RunFiles.CHECKPOINT), o);
    }

    static ArrayNode ranked(List<RankedNet> nets) {
        ArrayNode a = RunFiles.mapper().createArrayNode();
        for (RankedNet r : nets) {
            ObjectNode o = RunFiles.toJson(r.evaluation());
            o.put("rank", r.rank()).put("copies", r.copies());
            a.add(o);
        }
        return a;
    }

    private void writeManifest(boolean completed, long evaluations) {
        ObjectNode m = RunFiles.mapper().createObjectNode();
        m.put("command", command);
        m.set("experiment", experiment.toJson());
        m.put("seed", experiment.seed());
        ObjectNode v = m.putObject("versions");
        v.put("ghnas", version(SearchRun.class)).put("jenetics", version(Engine.class))
                .put("java", System.getProperty("java.version"));
        ObjectNode c = m.putObject("checksums");
        checksums.forEach(c::put);
        m.put("completed", completed).put("evaluations", evaluations);
        RunFiles.writeJson(directory.resolve(RunFiles.MANIFEST), m);
    }

    private void checkSameExperiment() {
        Path manifest = directory.resolve(RunFiles.MANIFEST);
        if (!Files.exists(manifest)) {
            throw new IllegalArgumentException(directory + ": nothing to resume (no " + RunFiles.MANIFEST + ")");
        }
        JsonNode m = RunFiles.readJson(manifest);
        JsonNode recorded = m.get("experiment");
        if (recorded == null || !experiment.equals(SearchExperiment.parse(recorded.toString(), manifest.toString()))) {
            throw new IllegalArgumentException(manifest + ": experiment: differs from the one given; --resume needs "
                    + "the same experiment file and seed");
        }
        if (!Files.exists(directory.resolve(RunFiles.CHECKPOINT))) {
            writeManifest(false, 0); // killed before the first checkpoint: start afresh
        }
    }

    private static String version(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** The search after a generation: its population, history and best score so far. */
    private record State(int generation, ISeq<Phenotype<IntegerGene, Vec<double[]>>> population,
                         List<HistoryRow> history, double bestSoFar) {

        /** Adds this generation's history row; {@code newEvaluations} is the number scored in it. */
        State record(int g, SurrogateEvaluator evaluator, ArchitectureCodec codec, Scoring scoring, boolean multi,
                     long newEvaluations) {
            double best = Double.NaN;
            double sum = 0;
            int feasible = 0;
            double so = bestSoFar;
            List<Evaluation> evals = evaluations(population, codec, evaluator);
            for (int i = 0; i < population.size(); i++) {
                Evaluation e = evals.get(i);
                if (population.get(i).generation() == g || g == 0) {
                    so = better(so, e); // born this generation: scored in it
                }
                if (e.feasible()) {
                    feasible++;
                    sum += e.score();
                    best = better(best, e);
                }
            }
            long previous = history.isEmpty() ? 0 : history.get(history.size() - 1).evaluations();
            int paretoSize = Ranking.front(Ranking.rank(evals, scoring, multi)).size();
            List<HistoryRow> rows = new ArrayList<>(history);
            rows.add(new HistoryRow(g, previous + newEvaluations, best, so, feasible == 0 ? Double.NaN : sum / feasible,
                    feasible, paretoSize));
            return new State(g, population, rows, so);
        }

        static State read(Path file, ArchitectureCodec codec, Scoring scoring, boolean multi,
                          SurrogateEvaluator evaluator) {
            JsonNode o = RunFiles.readJson(file);
            try {
                List<Phenotype<IntegerGene, Vec<double[]>>> pop = new ArrayList<>();
                int i = 0;
                for (JsonNode ind : o.get("population")) {
                    JsonNode genes = ind.get("genes");
                    int[][] g = new int[genes.size()][];
                    for (int c = 0; c < g.length; c++) {
                        g[c] = new int[genes.get(c).size()];
                        for (int k = 0; k < g[c].length; k++) {
                            g[c][k] = genes.get(c).get(k).asInt();
                        }
                    }
                    Genotype<IntegerGene> genotype = codec.genotype(g);
                    Evaluation e = RunFiles.evaluation(ind.get("evaluation"), file + ": population[" + i++ + "]");
                    evaluator.remember(e);
                    pop.add(Phenotype.of(genotype, ind.get("born").asLong(), scoring.fitness(e, multi)));
                }
                return new State(o.get("generation").asInt(), ISeq.of(pop), RunFiles.history(o.get("history")),
                        o.get("bestSoFar").asDouble());
            } catch (NullPointerException e) {
                throw new IllegalArgumentException(file + ": not a search checkpoint (missing field)");
            }
        }
    }
}
