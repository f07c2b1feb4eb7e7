package org.ghnas.experiments.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.surrogate.SurrogateSet;
import picocli.CommandLine.Option;

/**
 * The {@code --surrogates FILE} and {@code --checkpoint FILE} options of commands that score architectures. Without
 * either, the surrogates and GHN shipped with ghnas; with a checkpoint only, the {@value #SIBLING} file beside it
 * (surrogates live next to the GHN they were fitted on).
 */
final class SurrogateOptions {

    /** File name of surrogates saved next to a GHN checkpoint. */
    static final String SIBLING = "surrogates.ghns";

    @Option(names = "--surrogates", paramLabel = "FILE",
            description = "Fitted surrogates (from ghnas surrogate fit; default: beside --checkpoint, else shipped)")
    Path surrogates;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "GHN checkpoint or weights the surrogates were fitted on (default: the shipped GHN)")
    Path checkpoint;

    SurrogateSet load() {
        if (surrogates == null && checkpoint == null) {
            return SurrogateSet.pretrained();
        }
        GraphHyperNetwork ghn = checkpoint == null ? GraphHyperNetwork.pretrained() : GraphHyperNetwork.load(checkpoint);
        Path file = surrogates != null ? surrogates : sibling(checkpoint);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + ": no fitted surrogates here; fit them with "
                    + "`ghnas surrogate fit --table DIR --checkpoint " + checkpoint + " --out " + file + "`");
        }
        return SurrogateSet.load(file, ghn);
    }

    static Path sibling(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().getParent();
        return dir.resolve(SIBLING);
    }
}
