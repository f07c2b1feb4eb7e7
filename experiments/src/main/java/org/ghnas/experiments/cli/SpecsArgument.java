package org.ghnas.experiments.cli;

import java.nio.file.Path;
import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import picocli.CommandLine.Parameters;

/** The {@code SPECS.json} argument of commands that work on each architecture of a spec file. */
final class SpecsArgument {

    @Parameters(index = "0", paramLabel = "SPECS.json", description = "One spec or a JSON array of specs")
    Path file;

    /** The file's architectures, in order; a malformed file fails with a one-line error naming it. */
    List<Architecture> read() {
        return ArchitectureJson.read(file);
    }

    /** An error about the file's architecture {@code index}, on one line, naming file and index. */
    IllegalArgumentException rejected(int index, RuntimeException cause) {
        return new IllegalArgumentException(file + ": architecture " + index + ": "
                + OneLineErrors.firstLine(cause.getMessage()), cause);
    }

    /** The output formats of such commands. */
    enum Format { json, csv }
}
