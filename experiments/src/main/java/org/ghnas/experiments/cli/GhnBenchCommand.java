package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ghnas.experiments.bench.GhnBenchmark;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.train.GhnTrainer;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.sample.Family;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ghnas ghn bench}: accuracy of predicted parameters on held-out nets, prediction and embedding latency,
 * training throughput ({@link GhnBenchmark}); writes {@code OUT/benchmark.md} and {@code OUT/benchmark.json}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the GHN: held-out accuracy (predicted / He init / SGD), latency, training throughput.")
final class GhnBenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--id", defaultValue = "100", description = "In-distribution nets (default: ${DEFAULT-VALUE})")
    int id;

    @Option(names = "--ood", defaultValue = "20",
            description = "Nets per OOD family: wide, deep, dense, bnfree (default: ${DEFAULT-VALUE})")
    int ood;

    @Option(names = "--families", split = ",", paramLabel = "FAMILY",
            description = "OOD families to measure, comma-separated among wide, deep, dense, bnfree (default: all "
                    + "four); each keeps its nets and images, so a family can be measured alone")
    List<String> families;

    @Option(names = "--skip-predefined", description = "Leave ResNet-50 and DARTS out of the accuracy part")
    boolean skipPredefined;

    @Option(names = "--test-images", defaultValue = "2000",
            description = "Evaluate on the first N test images (default: ${DEFAULT-VALUE}: their sampling error, about "
                    + "0.1 point on a mean over 100 nets, is far below the spread between nets; 10000 = the whole "
                    + "test set, five times the evaluation time)")
    int testImages;

    @Option(names = "--sgd-steps", defaultValue = "100",
            description = "SGD steps from He init for the baseline column, 0 to skip (default: ${DEFAULT-VALUE})")
    int sgdSteps;

    @Option(names = "--seed", defaultValue = "0",
            description = "Sampler seed of the held-out nets, >= 0 (default: ${DEFAULT-VALUE})")
    long seed;

    // in distribution means at the width the GHN was trained on: the shipped GHN saw C=8 nets only
    // (experiments/ghn-train.yaml), and the same genotypes at C=16 lose about 9 points
    @Option(names = "--channels", defaultValue = "8",
            description = "Base channels C of held-out nets; the wide family gets 4 C (default: ${DEFAULT-VALUE}, the "
                    + "width the shipped GHN was trained at)")
    int channels;

    @Option(names = "--latency-nets", defaultValue = "20",
            description = "ID nets timed for prediction and embedding (default: ${DEFAULT-VALUE})")
    int latencyNets;

    @Option(names = "--repeats", defaultValue = "5",
            description = "Timed repetitions per latency figure (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--train-steps", defaultValue = "3",
            description = "Timed GHN training steps at meta-batch 8, C=16, batch 64 (default: ${DEFAULT-VALUE})")
    int trainSteps;

    @Option(names = "--skip-training-throughput", description = "Leave out the training-throughput part")
    boolean skipTraining;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/ghn",
            description = "Write benchmark.md and benchmark.json here (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--baselines", paramLabel = "FILE",
            description = "Journal of the He-init and SGD columns, which hold for any GHN: nets it holds are read "
                    + "back, the others measured and added (default: OUT/accuracy-baselines.jsonl; "
                    + "results/ghn/accuracy-baselines.jsonl holds those of the committed benchmarks)")
    Path baselines;

    @Option(names = "--workers", paramLabel = "N",
            description = "Nets evaluated at once in the accuracy part, and worker threads of the training step "
                    + "(default: one per core)")
    Integer workers;

    @Mixin
    GhnOptions ghnOptions;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        GhnBenchmark.Settings s = new GhnBenchmark.Settings(seed, channels, id, ood, oodFamilies(), !skipPredefined,
                testImages, sgdSteps, latencyNets, repeats, skipTraining ? 0 : trainSteps, 8, 16, 64, 256);
        int threads = workers == null ? GhnTrainer.defaultWorkers() : workers;
        if (threads < 1) {
            throw new IllegalArgumentException("--workers: " + threads + " is not positive, expected >= 1");
        }
        GraphHyperNetwork ghn = ghnOptions.load();
        // a killed run started again with the same --out measures only the nets it had not finished; the baseline
        // columns (He init, SGD) stay on file for benchmarks of other checkpoints
        GhnBenchmark.Journals journals = baselines == null ? GhnBenchmark.Journals.in(out)
                : GhnBenchmark.Journals.in(out, baselines);
        ObjectNode result = new GhnBenchmark(ghn, data.load(), s, System.err::println, threads, journals).run();
        result.put("command", "ghnas " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        result.put("checkpoint", ghnOptions.checkpoint == null ? "classpath:" + GraphHyperNetwork.PRETRAINED_RESOURCE
                : ghnOptions.checkpoint.toString());
        String md = GhnBenchmark.markdown(result);
        AtomicFiles.writeString(out.resolve("benchmark.json"), result.toPrettyString() + "\n");
        AtomicFiles.writeString(out.resolve("benchmark.md"), md);
        journals.predicted().delete();
        spec.commandLine().getOut().print(md);
        spec.commandLine().getOut().flush();
    }

    private List<Family> oodFamilies() {
        if (families == null) {
            return GhnBenchmark.OOD_FAMILIES;
        }
        List<Family> chosen = new ArrayList<>();
        for (String name : families) {
            Family f = GhnBenchmark.OOD_FAMILIES.stream().filter(o -> o.name().equalsIgnoreCase(name.strip()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("--families: unknown family '"
                            + name + "', expected a comma-separated list of wide, deep, dense, bnfree"));
            chosen.add(f);
        }
        return chosen;
    }
}
