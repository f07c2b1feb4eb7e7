package org.ghnas.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.surrogate.PropertyPredictor;

/**
 * Runs an experiment with several seeds, each with its random baseline at the same number of evaluations, and
 * compares the two: does the search beat random sampling of the same space, beyond seed noise? Each seed's run
 * lives in {@code seed-N/} (and resumes there); {@code comparison.csv} and {@code comparison.md} summarise.
 */
public final class SeedComparison {

    /**
     * One seed's outcome at equal evaluations.
     *
     * @param seed        the run's seed
     * @param evaluations evaluations of each method
     * @param search      best-so-far score of the search
     * @param random      best-so-far score of random search
     */
    public record Row(long seed, long evaluations, double search, double random) {

        /** Search minus random (NaN if either found nothing feasible). */
        public double advantage() {
            return search - random;
        }
    }

    private final SearchExperiment experiment;
    private final PropertyPredictor predictor;
    private final Path directory;
    private final String command;
    private final Map<String, String> checksums;

    /** A comparison of {@code experiment} (its seed is the first) writing into {@code directory}. */
    public SeedComparison(SearchExperiment experiment, PropertyPredictor predictor, Path directory, String command,
                          Map<String, String> checksums) {
        this.experiment = Objects.requireNonNull(experiment, "experiment");
        this.predictor = Objects.requireNonNull(predictor, "predictor");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.command = Objects.requireNonNull(command, "command");
        this.checksums = Map.copyOf(checksums);
    }

    /**
     * Runs seeds {@code seed, seed+1, ..., seed+n-1}.
     *
     * @throws IllegalArgumentException if {@code n < 1}, or a seed's directory holds a run and {@code resume} is off
     */
    public List<Row> run(int n, boolean resume, SearchListener listener) {
        if (n < 1) {
            throw new IllegalArgumentException("seeds: " + n + " is not allowed, expected an integer >= 1");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seed = experiment.seed() + i;
            Path dir = directory.resolve("seed-" + seed);
            boolean started = java.nio.file.Files.exists(dir.resolve(RunFiles.CHECKPOINT));
            SearchResult r = new SearchRun(experiment.withSeed(seed), predictor, dir).command(command)
                    .checksums(checksums).run(resume && started, true, listener);
            rows.add(new Row(seed, r.evaluations(), r.bestSoFar(), r.randomBestSoFar()));
        }
        write(rows);
        return rows;
    }

    private void write(List<Row> rows) {
        StringBuilder csv = new StringBuilder("seed,evaluations,search_best_so_far,random_best_so_far,advantage\n");
        for (Row r : rows) {
            csv.append(r.seed()).append(',').append(r.evaluations()).append(',').append(r.search()).append(',')
                    .append(r.random()).append(',').append(r.advantage()).append('\n');
        }
        AtomicFiles.writeString(directory.resolve("comparison.csv"), csv.toString());
        double[] adv = rows.stream().mapToDouble(Row::advantage).toArray();
        double mean = mean(adv);
        double sd = 0;
        for (double a : adv) {
            sd += (a - mean) * (a - mean);
        }
        sd = adv.length > 1 ? Math.sqrt(sd / (adv.length - 1)) : Double.NaN;
        long wins = rows.stream().filter(r -> r.advantage() > 0).count();
        StringBuilder md = new StringBuilder("# ").append(experiment.name()).append(": ")
                .append(experiment.algorithm().key()).append(" vs random search over ").append(rows.size())
                .append(" seeds\n\n");
        md.append("Each seed: the search and random search with the same number of evaluations; scores are the "
                + "weighted surrogate objective (higher is better).\n\n");
        md.append("| seed | evaluations | search best | random best | advantage |\n|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| [").append(r.seed()).append("](seed-").append(r.seed()).append("/report.md) | ")
                    .append(r.evaluations()).append(" | ").append(RunReport.fmt(r.search())).append(" | ")
                    .append(RunReport.fmt(r.random())).append(" | ").append(RunReport.fmt(r.advantage()))
                    .append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "%nMean search best %s, mean random best %s; mean advantage %s "
                        + "(sd %s); the search wins %d of %d seeds.%n",
                RunReport.fmt(mean(rows.stream().mapToDouble(Row::search).toArray())),
                RunReport.fmt(mean(rows.stream().mapToDouble(Row::random).toArray())),
                RunReport.fmt(mean), RunReport.fmt(sd), wins, rows.size()));
        AtomicFiles.writeString(directory.resolve("comparison.md"), md.toString());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
