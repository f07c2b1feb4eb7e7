package org.ghnas.experiments.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.Datasets;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.surrogate.measure.GroundTruthMeasurer;
import org.ghnas.surrogate.measure.MeasurementConfig;
import org.ghnas.surrogate.measure.MeasurementTable;
import org.ghnas.surrogate.measure.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ghnas measure}: trains the sampled nets of the surrogate splits, or the nets of a spec file
 * ({@code --specs}), and records their ground-truth properties (issue 4). Resumable: rerunning with the same config
 * and directory measures only the missing nets. Two processes, one per split ({@code --split train},
 * {@code --split test}), can fill one directory at the same time.
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Measure ground-truth properties (accuracy, noise robustness, latency, convergence) of the "
                + "sampled nets of the surrogate splits, or of the nets of a spec file; resumes where a previous run "
                + "stopped.")
final class MeasureCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE.yaml", required = true,
            description = "Measurement settings (MeasurementConfig; e.g. experiments/measure.yaml)")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Measurement directory: config.yaml, train.jsonl/csv, test.jsonl/csv, specs.jsonl/csv")
    Path out;

    @Option(names = "--split", paramLabel = "train|test|all",
            description = "Which split to measure (default: all: train, then test)")
    String split;

    @Option(names = "--specs", paramLabel = "SPECS.json",
            description = "Measure the nets of this spec file instead (e.g. a search's picks), into DIR/specs.jsonl")
    Path specs;

    @Option(names = "--limit", paramLabel = "N", description = "Measure at most N more nets per split")
    Integer limit;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        if (specs != null && split != null) {
            throw new IllegalArgumentException("--split and --specs exclude each other: measure sampled splits or "
                    + "the nets of a spec file");
        }
        List<NetworkSpec> nets = specs == null ? null : cellSpecs(specs);
        List<Split> splits = specs == null ? splits() : List.of(Split.SPECS);
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("--limit: " + limit + " is negative, expected >= 0");
        }
        MeasurementConfig cfg = MeasurementConfig.read(config);
        PrintWriter err = spec.commandLine().getErr();
        String omp = System.getenv("OMP_NUM_THREADS");
        if (!"1".equals(omp)) {
            err.println("ghnas measure: warning: OMP_NUM_THREADS is " + omp + ", not 1; latency is measured as the "
                    + "calling thread's CPU time, which misses work on other OpenMP threads");
        }
        DatasetSplits images = Datasets.open(cfg.dataset(), data.dir);
        GroundTruthMeasurer measurer = GroundTruthMeasurer.of(cfg, images);
        for (Split s : splits) {
            int done = MeasurementTable.read(out, s).size();
            int count = s.sampled() ? cfg.split(s).count() : nets.size();
            int todo = (int) Math.max(0, Math.min(count, (long) done + (limit == null ? count : limit)) - done);
            err.printf("measure %s: %d of %d nets in %s, measuring %d (%d SGD steps, %d test images each)%n",
                    s.label(), done, count, out, todo, cfg.sgd().steps(), cfg.evaluation().testImages());
            err.flush();
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("measure " + s.label()).setInitialMax(todo)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).setConsumer(Progress.consumer())
                    .build()) {
                GroundTruthMeasurer.Listener listener = (m, n, total) -> {
                    bar.step();
                    bar.setExtraMessage(String.format(Locale.ROOT,
                            "net %d: acc %.1f%% noisy %.1f%% %.1f ms conv %.2f, %.0f s", m.index(),
                            100 * m.cleanAccuracy(), 100 * m.noiseRobustness(), m.inferenceLatencyMs(),
                            m.convergence(), m.seconds()));
                };
                int max = limit == null ? Integer.MAX_VALUE : limit;
                if (s.sampled()) {
                    measurer.run(out, s, max, listener);
                } else {
                    measurer.runSpecs(out, nets, specs.toString(), max, listener);
                }
            }
            spec.commandLine().getOut().println(MeasurementTable.jsonl(out, s));
        }
    }

    /** The cell-based nets of a spec file (the measurement records hold NetworkSpecs). */
    private static List<NetworkSpec> cellSpecs(Path file) {
        List<Architecture> archs = ArchitectureJson.read(file);
        List<NetworkSpec> out = new ArrayList<>(archs.size());
        for (int i = 0; i < archs.size(); i++) {
            if (!(archs.get(i) instanceof NetworkSpec ns)) {
                throw new IllegalArgumentException(file + ": net " + i + ": is a predefined net"
                        + "; ghnas measure takes cell-based specs (genotype, C, n_cells, ...)");
            }
            out.add(ns);
        }
        return out;
    }

    private List<Split> splits() {
        switch (split == null ? "all" : split) {
            case "all":
                return List.of(Split.TRAIN, Split.TEST);
            case "train":
                return List.of(Split.TRAIN);
            case "test":
                return List.of(Split.TEST);
            default:
                throw new IllegalArgumentException("--split: '" + split + "' is not a split, expected train, test "
                        + "or all");
        }
    }
}
