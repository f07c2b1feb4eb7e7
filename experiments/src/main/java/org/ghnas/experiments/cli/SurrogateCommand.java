package org.ghnas.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ghnas surrogate}: fit property surrogates on a measurement table and report how well they rank. */
@Command(name = "surrogate", mixinStandardHelpOptions = true,
        description = "Fit and evaluate the property surrogates (Smile regressors on GHN embeddings).",
        subcommands = {SurrogateFitCommand.class, CommandLine.HelpCommand.class})
final class SurrogateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
