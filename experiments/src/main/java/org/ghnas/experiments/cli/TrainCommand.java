package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdConfig;
import org.ghnas.space.runtime.SgdTrainer;
import org.ghnas.space.runtime.TrainingLog;
import org.ghnas.space.sample.DeepNets1MSampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghnas space train}: trains one architecture with SGD from He init and reports its test accuracy; the
 * command behind the committed "one epoch on Fashion-MNIST" figure.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train one architecture with SGD from He init and report its test accuracy.")
final class TrainCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC",
            description = "JSON file with one spec; without it a net is sampled (--sample-seed, --sample-index)")
    Path specFile;

    @Option(names = "--sample-seed", defaultValue = "0", description = "Sampler seed (default: ${DEFAULT-VALUE})")
    long sampleSeed;

    @Option(names = "--sample-index", defaultValue = "0",
            description = "Which sample of that seed to train (default: ${DEFAULT-VALUE})")
    int sampleIndex;

    @Option(names = "--channels", description = "Override the spec's base channel count C (sampled nets: default 16)")
    Integer channels;

    @Option(names = "--epochs", defaultValue = "1", description = "Epochs, fractions allowed (default: ${DEFAULT-VALUE})")
    double epochs;

    @Option(names = "--lr", defaultValue = "0.05", description = "Initial learning rate, cosine to 0 (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Init, shuffling and dropout seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the result as JSON (atomically)")
    Path out;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        NetworkSpec netSpec = resolve();
        DatasetSplits splits = data.load();
        InputShape input = data.inputShape(splits);
        NetworkPlan plan = NetworkPlan.of(netSpec, input);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, seed);
        SgdConfig config = new SgdConfig(lr, 0.9, 3e-4, batch, epochs, seed);
        SgdTrainer trainer = new SgdTrainer(config);
        int steps = trainer.steps(splits.train().size());
        TrainingLog log;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("sgd").setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).setConsumer(Progress.consumer())
                .build()) {
            double[] smooth = {Double.NaN};
            log = trainer.train(net, params, splits.train(), (step, total, loss, acc) -> {
                smooth[0] = Double.isNaN(smooth[0]) ? acc : 0.98 * smooth[0] + 0.02 * acc;
                bar.stepTo(step);
                bar.setExtraMessage(String.format("loss %.3f acc %.1f%%", loss, 100 * smooth[0]));
            });
        }
        double accuracy = SgdTrainer.accuracy(net, params, splits.test(), 64);
        ObjectNode result = ArchitectureJson.mapper().createObjectNode();
        result.put("command", "ghnas " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        result.set("spec", ArchitectureJson.toNode(netSpec));
        result.put("dataset", splits.name());
        result.put("params", plan.parameterCount());
        result.put("flops", plan.flops());
        result.put("epochs", epochs);
        result.put("steps", log.steps());
        result.put("batch", batch);
        result.put("lr", lr);
        result.put("seed", seed);
        result.put("seconds", round(log.seconds(), 1));
        result.put("train_images_per_second", round(log.throughput(), 1));
        result.put("skipped_steps", log.skipped());
        result.put("final_train_loss", round(mean(log.loss(), 50), 4));
        result.put("test_accuracy", round(100 * accuracy, 2));
        result.put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        String json = result.toPrettyString();
        if (out != null) {
            AtomicFiles.writeString(out, json + "\n");
        }
        spec.commandLine().getOut().println(json);
    }

    private NetworkSpec resolve() {
        NetworkSpec s;
        if (specFile != null) {
            List<Architecture> archs = ArchitectureJson.read(specFile);
            if (archs.size() != 1 || !(archs.get(0) instanceof NetworkSpec ns)) {
                throw new IllegalArgumentException(specFile + ": expected exactly one cell-based spec, got "
                        + archs.size() + " architectures");
            }
            s = ns;
        } else {
            if (sampleIndex < 0) {
                throw new IllegalArgumentException("--sample-index: " + sampleIndex + " is negative, expected >= 0");
            }
            s = DeepNets1MSampler.builder(sampleSeed).channels(channels == null ? 16 : channels).build()
                    .sample(sampleIndex + 1).get(sampleIndex);
        }
        return channels == null ? s : s.withChannels(channels);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static double mean(List<Double> v, int last) {
        return v.subList(Math.max(0, v.size() - last), v.size()).stream().mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
    }
}
