package org.ghnas.experiments.cli;

import java.nio.file.Path;
import org.ghnas.ghn.GraphHyperNetwork;
import picocli.CommandLine.Option;

/** The {@code --checkpoint FILE} option of commands that use a trained GHN. */
final class GhnOptions {

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "GHN checkpoint (from ghnas ghn train) or weights file (default: the GHN shipped with ghnas)")
    Path checkpoint;

    GraphHyperNetwork load() {
        return checkpoint == null ? GraphHyperNetwork.pretrained() : GraphHyperNetwork.load(checkpoint);
    }
}
