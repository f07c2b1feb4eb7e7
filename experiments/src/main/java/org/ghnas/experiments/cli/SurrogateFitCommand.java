package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.ghnas.experiments.bench.ParallelTasks;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdTrainer;
import org.ghnas.surrogate.FitOptions;
import org.ghnas.surrogate.Observation;
import org.ghnas.surrogate.Property;
import org.ghnas.surrogate.PropertySurrogate;
import org.ghnas.surrogate.SurrogateReport;
import org.ghnas.surrogate.SurrogateSet;
import org.ghnas.surrogate.measure.Measurement;
import org.ghnas.surrogate.measure.MeasurementConfig;
import org.ghnas.surrogate.measure.MeasurementTable;
import org.ghnas.surrogate.measure.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ghnas surrogate fit}: fits one surrogate per property on the table's train split, saves them next to the GHN,
 * and scores them on the test split against the baselines (report.json, report.md).
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Fit the property surrogates on TABLE's train split (model chosen by seeded 5-fold CV) and "
                + "report Kendall tau / Spearman rho on its test split against #params, MACs and GHN-predicted-"
                + "parameter accuracy."})
final class SurrogateFitCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--table", required = true, paramLabel = "DIR", description = "Output dir of `ghnas measure`")
    Path table;

    @Mixin
    GhnOptions ghnOptions;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to save the surrogates (default: surrogates.ghns beside --checkpoint, required "
                    + "with the shipped GHN)")
    Path out;

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.json and report.md here")
    Path reportDir;

    @Option(names = "--seeds", defaultValue = "5", description = "Seeds the report averages over (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the saved surrogates' CV folds and trees")
    long seed;

    @Option(names = "--no-cheap-features", description = "Embeddings only (no log params / MACs / node count)")
    boolean noCheap;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds: expected >= 1, got " + seeds);
        }
        Path target = out != null ? out
                : ghnOptions.checkpoint != null ? SurrogateOptions.sibling(ghnOptions.checkpoint) : null;
        if (target == null) {
            throw new IllegalArgumentException("--out: required when fitting on the shipped GHN (no --checkpoint)");
        }
        if (!Files.isDirectory(table)) {
            throw new IllegalArgumentException(table + ": no such measurement table (expected the --out directory of "
                    + "`ghnas measure`)");
        }
        Map<Split, List<Measurement>> t = MeasurementTable.read(table);
        List<Measurement> train = t.getOrDefault(Split.TRAIN, List.of());
        if (train.isEmpty()) {
            throw new IllegalArgumentException(MeasurementTable.jsonl(table, Split.TRAIN)
                    + ": no measured train nets (run `ghnas measure --split train --out " + table + "` first)");
        }
        List<Measurement> test = t.getOrDefault(Split.TEST, List.of());
        PrintWriter o = spec.commandLine().getOut();
        GraphHyperNetwork ghn = ghnOptions.load();
        FitOptions options = FitOptions.defaults().withSeed(seed).withCheapFeatures(!noCheap);
        o.printf(Locale.ROOT, "fitting on %d train nets (GHN %s)%n", train.size(), ghn.checksum().substring(0, 12));
        SurrogateSet s = SurrogateSet.fit(ghn, observations(train, table), options);
        s.save(target);
        for (Property p : Property.values()) {
            PropertySurrogate ps = s.surrogate(p);
            o.printf(Locale.ROOT, "  %-12s %-55s CV tau %.3f%n", p.key(), ps.regressor().describe(), ps.cvKendall());
        }
        o.println("saved " + target);
        if (reportDir != null) {
            if (test.size() < 3) {
                throw new IllegalArgumentException(table + ": test split: expected >= 3 measured nets for a report, got "
                        + test.size());
            }
            double[] ghnAcc = ghnAccuracy(ghn, test);
            List<Long> seedList = LongStream.range(0, seeds).boxed().toList();
            o.printf(Locale.ROOT, "scoring on %d test nets over %d seeds...%n", test.size(), seeds);
            SurrogateReport r = SurrogateReport.evaluate(ghn, observations(train, table), observations(test, table),
                    ghnAcc, options, seedList);
            ObjectNode json = r.toJson();
            json.put("table", table.toString()).put("command", "ghnas surrogate fit --table " + table
                    + (ghnOptions.checkpoint == null ? "" : " --checkpoint " + ghnOptions.checkpoint)
                    + " --out " + target + " --report " + reportDir + " --seeds " + seeds);
            try {
                Files.createDirectories(reportDir);
            } catch (IOException e) {
                throw new IllegalArgumentException(reportDir + ": cannot create report directory: " + e.getMessage());
            }
            AtomicFiles.writeString(reportDir.resolve("report.json"), json.toPrettyString() + "\n");
            String md = "# Surrogate ranking quality\n\nFitted on " + train.size() + " measured nets, scored on "
                    + test.size() + " unseen ones (table `" + table + "`), mean ± sd over seeds " + seedList
                    + "; Kendall τ (Spearman ρ in brackets).\n\n" + r.toMarkdown();
            AtomicFiles.writeString(reportDir.resolve("report.md"), md);
            o.println(r.toMarkdown());
            o.println("wrote " + reportDir.resolve("report.json") + " and report.md");
        }
        o.flush();
    }

    static List<Observation> observations(List<Measurement> ms, Path table) {
        List<Observation> out = new ArrayList<>(ms.size());
        for (Measurement m : ms) {
            Map<Property, Double> v = new EnumMap<>(Property.class);
            v.put(Property.CLEAN_ACCURACY, m.cleanAccuracy());
            v.put(Property.NOISE_ROBUSTNESS, m.noiseRobustness());
            v.put(Property.INFERENCE_LATENCY, m.inferenceLatencyMs());
            v.put(Property.CONVERGENCE, m.convergence());
            out.add(new Observation(m.spec(), v));
        }
        return out;
    }

    /**
     * Test accuracy of each net with GHN-predicted parameters and no training (BN on batch statistics of 64), on the
     * same test images the measurements used; cached in the table directory per GHN checksum.
     */
    private double[] ghnAccuracy(GraphHyperNetwork ghn, List<Measurement> test) {
        MeasurementConfig c = MeasurementConfig.read(table.resolve(MeasurementTable.CONFIG));
        Path cache = table.resolve("ghn-accuracy-" + ghn.checksum().substring(0, 12) + ".csv");
        Map<String, Double> cached = new java.util.HashMap<>();
        if (Files.exists(cache)) {
            try {
                for (String line : Files.readAllLines(cache)) {
                    String[] f = line.split(",");
                    if (f.length == 2 && !f[0].equals("index")) {
                        cached.put(f[0], Double.parseDouble(f[1]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                cached.clear();
            }
        }
        double[] acc = new double[test.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < acc.length; i++) {
            Double v = cached.get(String.valueOf(test.get(i).index()));
            if (v == null) {
                missing.add(i);
            } else {
                acc[i] = v;
            }
        }
        if (!missing.isEmpty()) {
            // one net per core: each evaluation is single-threaded (OMP_NUM_THREADS=1) and independent
            ImageDataset all = data.load().test();
            ImageDataset images = all.subset(0, Math.min(c.evaluation().testImages(), all.size()));
            int threads = Math.min(missing.size(), Runtime.getRuntime().availableProcessors());
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "GHN accuracy of %d test nets (the baseline:ghn_accuracy row), %d at a time...%n", missing.size(),
                    threads);
            spec.commandLine().getOut().flush();
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int i : missing) {
                jobs.add(() -> {
                    PredictedParameters p = ghn.predict(test.get(i).spec());
                    acc[i] = SgdTrainer.accuracy(RunnableNetwork.of(p.plan()), p.toNetworkParameters(), images, 64);
                    return null;
                });
            }
            ParallelTasks.run(threads, jobs, "the GHN-accuracy baseline");
        }
        StringBuilder csv = new StringBuilder("index,ghn_accuracy\n");
        for (int i = 0; i < acc.length; i++) {
            csv.append(test.get(i).index()).append(',').append(acc[i]).append('\n');
        }
        AtomicFiles.writeString(cache, csv.toString());
        return acc;
    }
}
