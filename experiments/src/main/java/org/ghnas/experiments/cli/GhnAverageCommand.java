package org.ghnas.experiments.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ghnas.ghn.GraphHyperNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghnas ghn average}: one weights file whose every weight is the mean of several GHNs' (checkpoint averaging,
 * {@link GraphHyperNetwork#average}), readable by every {@code --checkpoint} option.
 */
@Command(name = "average", mixinStandardHelpOptions = true,
        description = "Write the mean of the weights of several GHN checkpoints or weights files of one config.")
final class GhnAverageCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0..*", arity = "2..*", paramLabel = "CHECKPOINT",
            description = "checkpoints of ghnas ghn train or weights files, at least two")
    List<Path> checkpoints;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "weights file to write (atomically)")
    Path out;

    @Override
    public void run() {
        List<GraphHyperNetwork> ghns = new ArrayList<>();
        for (Path file : checkpoints) {
            GraphHyperNetwork ghn = GraphHyperNetwork.load(file);
            if (!ghns.isEmpty() && !ghn.config().equals(ghns.get(0).config())) {
                throw new IllegalArgumentException(file + ": GHN config " + ghn.config() + " differs from "
                        + checkpoints.get(0) + "'s " + ghns.get(0).config());
            }
            ghns.add(ghn);
        }
        GraphHyperNetwork mean = GraphHyperNetwork.average(ghns);
        mean.save(out);
        spec.commandLine().getOut().println(out + " " + mean.checksum() + " (mean of " + checkpoints.size() + ")");
    }
}
