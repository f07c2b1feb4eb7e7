package org.ghnas.experiments.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ghnas.search.PropertyPredictorSource;
import org.ghnas.search.SearchExperiment;
import org.ghnas.search.SearchListener;
import org.ghnas.search.SearchResult;
import org.ghnas.search.SearchRun;
import org.ghnas.search.SeedComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghnas search EXPERIMENT.yaml}: evolutionary search on the surrogates' predictions, checkpointed after every
 * generation ({@code --resume} continues), optionally with the random baseline, or over several seeds.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Evolutionary architecture search (GA or NSGA-II) on surrogate predictions.")
final class SearchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "The experiment (see experiments/)")
    Path experimentFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/NAME, or runs/NAME-seeds)")
    Path out;

    @Option(names = "--resume", description = "Continue the run in DIR from its last checkpoint")
    boolean resume;

    @Option(names = "--baseline", paramLabel = "random",
            description = "Also run random search with the same number of evaluations and compare (only: random)")
    String baseline;

    @Option(names = "--seeds", paramLabel = "N",
            description = "Run seeds seed..seed+N-1, each with the random baseline, and compare them")
    Integer seeds;

    private final PropertyPredictorSource source;

    SearchCommand() {
        this(new SurrogateFiles());
    }

    /** A command scoring with {@code source} (tests inject a stand-in here). */
    SearchCommand(PropertyPredictorSource source) {
        this.source = source;
    }

    @Override
    public void run() {
        if (baseline != null && !baseline.equals("random")) {
            throw new IllegalArgumentException("--baseline: '" + baseline + "' is not allowed, expected random");
        }
        if (seeds != null && seeds < 1) {
            throw new IllegalArgumentException("--seeds: " + seeds + " is not allowed, expected an integer >= 1");
        }
        SearchExperiment exp = SearchExperiment.read(experimentFile);
        PropertyPredictorSource.Loaded loaded = source.load(exp.surrogates());
        // originalArgs are the root's: they start with "search" under `ghnas`, not where this command is the root.
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        String command = "ghnas search " + String.join(" ",
                !args.isEmpty() && args.get(0).equals(spec.name()) ? args.subList(1, args.size()) : args);
        String name = exp.name().replaceAll("[^A-Za-z0-9._-]", "_");
        var err = spec.commandLine().getErr();
        var outWriter = spec.commandLine().getOut();
        if (seeds != null) {
            Path dir = out != null ? out : Path.of("runs", name + "-seeds");
            List<SeedComparison.Row> rows;
            try (Bar bar = new Bar(exp.generations())) {
                rows = new SeedComparison(exp, loaded.predictor(), dir, command, loaded.checksums())
                        .run(seeds, resume, bar);
            }
            long wins = rows.stream().filter(r -> r.advantage() > 0).count();
            outWriter.printf(Locale.ROOT, "%s: search beats random search on %d of %d seeds; %s%n", exp.name(), wins,
                    rows.size(), dir.resolve("comparison.md"));
            return;
        }
        Path dir = out != null ? out : Path.of("runs", name);
        SearchResult r;
        try (Bar bar = new Bar(exp.generations())) {
            r = new SearchRun(exp, loaded.predictor(), dir).command(command).checksums(loaded.checksums())
                    .run(resume, baseline != null, bar);
        }
        err.flush();
        outWriter.printf(Locale.ROOT, "%s: best score %.4f after %d evaluations%s; report %s%n", exp.name(),
                r.bestSoFar(), r.evaluations(), r.random().isEmpty() ? ""
                        : String.format(Locale.ROOT, " (random search: %.4f)", r.randomBestSoFar()),
                dir.resolve("report.md"));
    }

    /** The progress bar: generations, evaluations per second and the best score so far. */
    private static final class Bar implements SearchListener, AutoCloseable {
        private final int generations;
        private ProgressBar bar;
        private long startNanos;
        private long startEvaluations;

        Bar(int generations) {
            this.generations = generations;
        }

        @Override
        public void generation(GenerationSummary s) {
            if (bar == null || s.generation() == 0) {
                close();
                bar = new ProgressBarBuilder().setTaskName("search").setInitialMax(generations)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000)
                        .setConsumer(Progress.consumer()).setUnit(" gen", 1).build();
                startNanos = System.nanoTime();
                startEvaluations = s.evaluations();
            }
            bar.stepTo(s.generation());
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double rate = seconds > 0 ? (s.evaluations() - startEvaluations) / seconds : 0;
            // short enough that an 80-column line keeps the best score
            bar.setExtraMessage(String.format(Locale.ROOT, "%d evals %.0f/s best %.4f", s.evaluations(), rate,
                    s.bestSoFar()));
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

}
