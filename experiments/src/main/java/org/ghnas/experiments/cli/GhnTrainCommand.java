package org.ghnas.experiments.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ghnas.ghn.train.GhnTrainer;
import org.ghnas.ghn.train.GhnTrainingConfig;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.io.StrictYaml;
import org.ghnas.space.runtime.VectorApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ghnas ghn train}: trains GHN-2 on the training images (the last 10% held out for validation, as the
 * reference does), checkpointing to {@code OUT/checkpoint.ghn} and resuming from it with {@code --resume}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train GHN-2 on images; checkpoints to OUT/checkpoint.ghn, --resume continues exactly.")
final class GhnTrainCommand implements Runnable {

    /** Name of the checkpoint inside the output directory. */
    static final String CHECKPOINT = "checkpoint.ghn";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE.yaml", required = true,
            description = "Training settings (keys of GhnTrainingConfig; missing keys take the defaults)")
    Path config;

    @Option(names = "--resume", description = "Continue from OUT/checkpoint.ghn (the config must be the run's; steps, lrMilestones, lrGamma, sampleWidthsFrom, bnFreeShare and scaleAnchor may change)")
    boolean resume;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "ghn-run",
            description = "Output directory for checkpoint.ghn, config.yaml and progress.csv (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--log-every", defaultValue = "10", description = "Steps between progress lines (default: ${DEFAULT-VALUE})")
    int logEvery;

    @Option(names = "--workers", paramLabel = "N",
            description = "Threads that run a step's nets side by side (default: one per core); the result does not "
                    + "depend on it")
    Integer workers;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        GhnTrainingConfig cfg = readConfig(config);
        Path ckpt = out.resolve(CHECKPOINT);
        if (logEvery < 1) {
            throw new IllegalArgumentException("--log-every: " + logEvery + " is not positive, expected >= 1");
        }
        int threads = workers == null ? GhnTrainer.defaultWorkers() : workers;
        if (threads < 1) {
            throw new IllegalArgumentException("--workers: " + threads + " is not positive, expected >= 1");
        }
        if (resume && !Files.exists(ckpt)) {
            throw new IllegalArgumentException(ckpt + ": no such file");
        }
        DatasetSplits splits = data.load();
        ImageDataset train = splits.train().splitValidation(0.1).train();
        GhnTrainer trainer;
        if (resume) {
            try {
                trainer = GhnTrainer.resume(ckpt, train, threads, cfg);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(config + ": " + e.getMessage(), e);
            }
            AtomicFiles.writeString(out.resolve("config.yaml"), toYaml(cfg));
            new TrainingProgressCsv(out.resolve("progress.csv")).truncateAfter(trainer.completedSteps());
        } else {
            if (Files.exists(ckpt)) {
                throw new IllegalArgumentException(ckpt + ": exists; pass --resume to continue it or choose another --out");
            }
            trainer = GhnTrainer.start(cfg, train, threads);
            AtomicFiles.writeString(out.resolve("config.yaml"), toYaml(cfg));
        }
        try (trainer) {
            train(trainer, cfg, ckpt, splits.name(), train.size(), threads);
        }
        spec.commandLine().getOut().println(ckpt);
    }

    private void train(GhnTrainer trainer, GhnTrainingConfig cfg, Path ckpt, String dataset, int images, int threads) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf("ghn train: %s, %d training images, GHN %d parameters, step %d of %d, %d worker%s, checkpoint %s%n",
                dataset, images, trainer.ghn().parameterCount(), trainer.completedSteps(), cfg.steps(), threads,
                threads == 1 ? "" : "s", ckpt);
        if (!VectorApi.available()) {
            err.println("ghn train: Vector API kernels off; start java with --add-modules jdk.incubator.vector (as"
                    + " ./ghnas does) for steps about 1.3x faster");
        }
        err.flush();
        long start = System.nanoTime();
        long startStep = trainer.completedSteps();
        double windowLoss = 0;
        double windowAcc = 0;
        int window = 0;
        TrainingProgressCsv progress = new TrainingProgressCsv(out.resolve("progress.csv"));
        while (trainer.completedSteps() < cfg.steps()) {
            GhnTrainer.StepResult r = trainer.step();
            if (!r.skipped()) {
                windowLoss += r.loss();
                windowAcc += r.accuracy();
                window++;
            } else {
                err.printf("step %d skipped: loss %s, gradient norm %s (skipped so far: %d)%n", r.step(), r.loss(),
                        r.gradNorm(), trainer.skippedSteps());
            }
            long done = trainer.completedSteps();
            boolean last = done == cfg.steps();
            if (done % cfg.checkpointEvery() == 0 || last) {
                trainer.save(ckpt);
            }
            if (done % logEvery == 0 || last) {
                double secs = (System.nanoTime() - start) / 1e9;
                double rate = (done - startStep) / secs;
                double eta = (cfg.steps() - done) / rate;
                String line = String.format("step %d/%d  %.3f steps/s  loss %.4f (running %.4f)  acc %.1f%% (running %.1f%%)"
                                + "  skipped %d  ETA %s", done, cfg.steps(), rate, windowLoss / Math.max(1, window),
                        trainer.runningLoss(), 100 * windowAcc / Math.max(1, window), 100 * trainer.runningAccuracy(),
                        trainer.skippedSteps(), duration(eta));
                err.println(line);
                err.flush();
                progress.append(done, secs, windowLoss / Math.max(1, window), windowAcc / Math.max(1, window),
                        trainer);
                windowLoss = 0;
                windowAcc = 0;
                window = 0;
            }
        }
    }

    static GhnTrainingConfig readConfig(Path file) {
        return GhnTrainingConfig.fromJson(StrictYaml.read(file), file.toString());
    }

    static String toYaml(GhnTrainingConfig cfg) {
        StringBuilder sb = new StringBuilder();
        cfg.toJson().fields().forEachRemaining(e -> sb.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        return sb.toString();
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format("%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
    }
}
