package org.ghnas.experiments.cli;

import java.nio.file.Path;
import org.ghnas.ghn.GraphHyperNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghnas ghn weights}: the GHN weights of a training checkpoint without its optimizer state, the form shipped
 * in the jar ({@link GraphHyperNetwork#PRETRAINED_RESOURCE}) and read by every {@code --checkpoint} option.
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Write the GHN weights of a training checkpoint without the Adam moments (a third of the size).")
final class GhnWeightsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "checkpoint of ghnas ghn train (or a weights file)")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "weights file to write (atomically)")
    Path out;

    @Override
    public void run() {
        GraphHyperNetwork ghn = GraphHyperNetwork.load(checkpoint);
        ghn.save(out);
        spec.commandLine().getOut().println(out + " " + ghn.checksum());
    }
}
