package org.ghnas.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.io.AtomicFiles;

/**
 * Renders the plots and the one-page {@code report.md} of a run directory from its files alone (manifest,
 * checkpoint, random baseline), so a finished or a stopped run can be re-rendered without the surrogates.
 */
public final class RunReport {

    private RunReport() {
    }

    /**
     * Writes {@code best_so_far.png}, {@code pareto.png} and {@code report.md} into {@code directory}.
     *
     * @return the report file
     * @throws IllegalArgumentException naming the file if the directory holds no run or a damaged one
     */
    public static Path render(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(directory + ": no such run directory");
        }
        Path manifestFile = directory.resolve(RunFiles.MANIFEST);
        JsonNode manifest = RunFiles.readJson(manifestFile);
        if (manifest.get("experiment") == null) {
            throw new IllegalArgumentException(manifestFile + ": experiment: missing, not a search run manifest");
        }
        SearchExperiment exp = SearchExperiment.parse(manifest.get("experiment").toString(),
                manifestFile + " (experiment)");
        Path checkpointFile = directory.resolve(RunFiles.CHECKPOINT);
        if (!Files.exists(checkpointFile)) {
            throw new IllegalArgumentException(checkpointFile + ": no such file (the run has not finished its initial"
                    + " population)");
        }
        JsonNode checkpoint = RunFiles.readJson(checkpointFile);
        List<HistoryRow> history;
        List<Evaluation> population = new ArrayList<>();
        try {
            history = RunFiles.history(checkpoint.get("history"));
            int i = 0;
            for (JsonNode ind : checkpoint.get("population")) {
                population.add(RunFiles.evaluation(ind.get("evaluation"), checkpointFile + ": population[" + i++ + "]"));
            }
        } catch (NullPointerException e) {
            throw new IllegalArgumentException(checkpointFile + ": not a search checkpoint (missing field)");
        }
        Path randomFile = directory.resolve(RunFiles.RANDOM);
        List<RandomRow> random = Files.exists(randomFile) ? RunFiles.random(RunFiles.readJson(randomFile).get("history"))
                : List.of();
        Scoring scoring = new Scoring(exp.objectives(), exp.constraints());
        List<RankedNet> ranked = Ranking.rank(population, scoring, exp.multiObjective());
        List<RankedNet> front = Ranking.front(ranked);

        List<Plots.Line> lines = new ArrayList<>();
        lines.add(new Plots.Line(exp.algorithm().key().toUpperCase(Locale.ROOT),
                history.stream().mapToDouble(HistoryRow::evaluations).toArray(),
                history.stream().mapToDouble(HistoryRow::bestSoFar).toArray()));
        if (!random.isEmpty()) {
            lines.add(new Plots.Line("random search", random.stream().mapToDouble(RandomRow::evaluations).toArray(),
                    random.stream().mapToDouble(RandomRow::bestSoFar).toArray()));
        }
        Plots.bestSoFar(directory.resolve(RunFiles.BEST_PLOT), exp.name() + ": best-so-far score", lines);

        Objective xObj = exp.objectives().size() >= 2 ? exp.objectives().get(1) : new Objective("log_params", 1);
        Objective yObj = exp.objectives().get(0);
        List<RankedNet> feasible = ranked.stream().filter(r -> r.evaluation().feasible()).toList();
        Plots.scatter(directory.resolve(RunFiles.PARETO_PLOT), exp.name() + ": final population", xObj.key(),
                yObj.key(), List.of(points("population", feasible, xObj, yObj), points("Pareto set", front, xObj, yObj)));

        Path report = directory.resolve(RunFiles.REPORT);
        AtomicFiles.writeString(report, markdown(exp, manifest, history, random, ranked, front));
        return report;
    }

    private static Plots.Line points(String name, List<RankedNet> nets, Objective x, Objective y) {
        return new Plots.Line(name, nets.stream().mapToDouble(r -> x.value(r.evaluation())).toArray(),
                nets.stream().mapToDouble(r -> y.value(r.evaluation())).toArray());
    }

    private static String markdown(SearchExperiment exp, JsonNode manifest, List<HistoryRow> history,
                                   List<RandomRow> random, List<RankedNet> ranked, List<RankedNet> front) {
        StringBuilder md = new StringBuilder();
        HistoryRow last = history.get(history.size() - 1);
        boolean completed = manifest.path("completed").asBoolean(false);
        md.append("# Search report: ").append(exp.name()).append("\n\n");
        md.append(completed ? "Finished" : "**Partial run** (stopped)").append(" after generation ")
                .append(last.generation()).append(" of ").append(exp.generations()).append(", ")
                .append(last.evaluations()).append(" evaluations. Algorithm ").append(exp.algorithm().key())
                .append(", population ").append(exp.population()).append(", seed ").append(exp.seed())
                .append(", C=").append(exp.channels()).append(", input ").append(exp.dataset()).append(".\n\n");
        md.append("Objectives: ");
        List<String> objs = new ArrayList<>();
        for (Objective o : exp.objectives()) {
            objs.add(o.key() + " (" + (o.higherIsBetter() ? "max" : "min") + ", weight " + fmt(o.weight()) + ")");
        }
        md.append(String.join(", ", objs)).append(". Score = sum of weight x value, negated for minimised ones.");
        Constraints c = exp.constraints();
        md.append(" Constraints: params <= ").append(limit(c.maxParams())).append(", FLOPs <= ")
                .append(limit(c.maxFlops())).append(", predicted latency <= ")
                .append(Double.isFinite(c.maxLatencyMs()) ? fmt(c.maxLatencyMs()) + " ms" : "none").append(".\n\n");
        md.append("Scores are surrogate predictions, not measurements.\n\n");
        md.append("## Search vs random search\n\n");
        md.append("![best so far](").append(RunFiles.BEST_PLOT).append(")\n\n");
        if (random.isEmpty()) {
            md.append("No random baseline in this run (run with `--baseline random`).\n\n");
        } else {
            RandomRow r = random.get(random.size() - 1);
            md.append("| evaluations | ").append(exp.algorithm().key()).append(" best-so-far | random best-so-far |\n")
                    .append("|---:|---:|---:|\n");
            for (int i = 0; i < Math.min(history.size(), random.size()); i++) {
                if (i == 0 || i == history.size() - 1 || i % Math.max(1, history.size() / 5) == 0) {
                    md.append("| ").append(history.get(i).evaluations()).append(" | ")
                            .append(fmt(history.get(i).bestSoFar())).append(" | ")
                            .append(fmt(random.get(i).bestSoFar())).append(" |\n");
                }
            }
            double diff = last.bestSoFar() - r.bestSoFar();
            md.append("\nAt ").append(r.evaluations()).append(" evaluations the search is ")
                    .append(diff > 0 ? "ahead of" : diff < 0 ? "behind" : "level with").append(" random search by ")
                    .append(fmt(Math.abs(diff))).append(".\n\n");
        }
        md.append("## Best nets\n\n");
        md.append("![pareto](").append(RunFiles.PARETO_PLOT).append(")\n\n");
        md.append("| # | score | rank | params | FLOPs |");
        for (Objective o : exp.objectives()) {
            if (!Objective.EXACT_KEYS.contains(o.key())) {
                md.append(' ').append(o.key()).append(" |");
            }
        }
        md.append(" cells | steps |\n|---:|---:|---:|---:|---:|");
        for (Objective o : exp.objectives()) {
            if (!Objective.EXACT_KEYS.contains(o.key())) {
                md.append("---:|");
            }
        }
        md.append("---:|---:|\n");
        for (int i = 0; i < Math.min(5, ranked.size()); i++) {
            Evaluation e = ranked.get(i).evaluation();
            NetworkSpec s = e.spec();
            md.append("| ").append(i + 1).append(" | ").append(fmt(e.score())).append(" | ")
                    .append(ranked.get(i).rank()).append(" | ").append(e.params()).append(" | ").append(e.flops())
                    .append(" |");
            for (Objective o : exp.objectives()) {
                if (!Objective.EXACT_KEYS.contains(o.key())) {
                    md.append(' ').append(fmt(o.value(e))).append(" |");
                }
            }
            md.append(' ').append(s.cells()).append(" | ").append(s.genotype().steps()).append(" |\n");
        }
        md.append("\nPareto set: ").append(front.size()).append(" nets.\n\n");
        md.append("## Files\n\n");
        md.append("- [manifest.json](").append(RunFiles.MANIFEST).append("): experiment, seed, versions, checksums, command\n");
        md.append("- [history.csv](").append(RunFiles.HISTORY).append("): one row per generation\n");
        md.append("- [population.json](").append(RunFiles.POPULATION).append("): final population, best first\n");
        md.append("- [pareto.json](").append(RunFiles.PARETO).append("): Pareto set, best first\n");
        if (!random.isEmpty()) {
            md.append("- [random.json](").append(RunFiles.RANDOM).append("): random baseline\n");
        }
        md.append("- [checkpoint.json](").append(RunFiles.CHECKPOINT).append("): state for `--resume`\n");
        md.append("\nCommand: `").append(manifest.path("command").asText()).append("`\n");
        return md.toString();
    }

    private static String limit(long v) {
        return v == Long.MAX_VALUE ? "none" : String.valueOf(v);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4g", v);
    }
}
