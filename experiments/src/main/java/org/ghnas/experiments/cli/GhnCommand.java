package org.ghnas.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ghnas ghn}: train the graph hypernetwork, predict parameters with it, embed architectures. */
@Command(name = "ghn", mixinStandardHelpOptions = true,
        description = "Train GHN-2, predict parameters of architectures, compute graph embeddings, benchmark it, average checkpoints.",
        subcommands = {GhnTrainCommand.class, GhnPredictCommand.class, GhnEmbedCommand.class, GhnBenchCommand.class,
                GhnWeightsCommand.class, GhnAverageCommand.class})
final class GhnCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
