package org.ghnas.experiments.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ghnas.experiments.finetune.FineTuning;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.space.Architecture;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.json.ArchitectureJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghnas finetune DIR}: fine-tunes an exported architecture ({@code DIR/spec.json} +
 * {@code DIR/parameters.ghnp}) from its predicted parameters and from He init with the same batches, and writes
 * {@code DIR/finetune.json} and {@code DIR/finetune.md} (accuracy against steps for both).
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune an exported architecture from its GHN-predicted parameters and from He init "
                + "(same batches); writes DIR/finetune.json and DIR/finetune.md and prints the table.")
final class FinetuneCommand implements Runnable {

    /** The spec file inside an export directory. */
    static final String SPEC = "spec.json";
    /** The predicted-parameters file inside an export directory. */
    static final String PARAMETERS = "parameters.ghnp";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Export directory holding spec.json and parameters.ghnp")
    Path dir;

    @Option(names = "--steps", paramLabel = "N", required = true, description = "SGD steps of each run")
    int steps;

    @Option(names = "--eval-every", paramLabel = "K", description = "Steps between test evaluations (default: steps/10)")
    Integer evalEvery;

    @Option(names = "--test-images", paramLabel = "M", defaultValue = "2000",
            description = "Evaluate on the first M test images (default: ${DEFAULT-VALUE})")
    int testImages;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Batch order, dropout and He-init seed, the same for both runs (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--lr", defaultValue = "0.05",
            description = "Initial learning rate, cosine to 0 (default: ${DEFAULT-VALUE}, as the measurements train)")
    double lr;

    @Option(names = "--batch", defaultValue = "64", description = "Images per SGD step (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        FineTuning.Settings settings = new FineTuning.Settings(steps,
                evalEvery == null ? Math.max(1, steps / 10) : evalEvery, testImages, seed, lr, 0.9, 3e-4, batch);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no such directory, expected one holding " + SPEC + " and "
                    + PARAMETERS);
        }
        Path specFile = dir.resolve(SPEC);
        if (!Files.exists(specFile)) {
            throw new IllegalArgumentException(specFile + ": no such file");
        }
        List<Architecture> archs = ArchitectureJson.read(specFile);
        if (archs.size() != 1) {
            throw new IllegalArgumentException(specFile + ": expected exactly one architecture, but found "
                    + archs.size());
        }
        PredictedParameters predicted = PredictedParameters.read(dir.resolve(PARAMETERS));
        if (!ArchitectureJson.toNode(archs.get(0)).equals(ArchitectureJson.toNode(predicted.architecture()))) {
            throw new IllegalArgumentException(dir.resolve(PARAMETERS) + ": predicted for another architecture than "
                    + specFile);
        }
        DatasetSplits images = data.load();
        FineTuning.Result result;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("finetune").setInitialMax(2L * steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).setConsumer(Progress.consumer())
                .build()) {
            result = FineTuning.run(predicted, images, settings, (fromPredicted, step, total) -> {
                bar.stepTo((fromPredicted ? 0 : total) + step);
                bar.setExtraMessage(fromPredicted ? "predicted init" : "He init");
            });
        }
        AtomicFiles.writeString(dir.resolve("finetune.json"), result.toJson().toPrettyString() + "\n");
        String md = result.toMarkdown();
        AtomicFiles.writeString(dir.resolve("finetune.md"), md);
        spec.commandLine().getOut().print(md);
        spec.commandLine().getOut().flush();
    }
}
