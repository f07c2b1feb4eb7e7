package org.ghnas.experiments.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ghnas} command line. Every bad input (spec, YAML, checkpoint, dataset, argument) ends in one line on
 * stderr naming the file and field, and a non-zero exit code: 2 for bad input, 1 for failures of ghnas itself.
 */
@Command(name = "ghnas", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Neural architecture search guided by a graph hypernetwork (GHN-2).",
        subcommands = {
                SpaceCommand.class,
                GhnCommand.class,
                MeasureCommand.class,
                SurrogateCommand.class,
                PredictCommand.class,
                SearchCommand.class,
                ReportCommand.class,
                ExportCommand.class,
                FinetuneCommand.class,
                CommandLine.HelpCommand.class})
public final class GhnasCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        return execute(commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)), args);
    }

    /**
     * Executes {@code cl}, turning a native library that fails to load into one line as well: picocli hands only
     * exceptions to {@link OneLineErrors}, while ND4J's backend fails with a {@link LinkageError} (most often the
     * CUDA build on a machine without a usable NVIDIA driver), which would otherwise end in a 60-line stack trace.
     */
    static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (LinkageError e) {
            cl.getErr().println("ghnas: " + (OneLineErrors.isNativeFailure(e) ? OneLineErrors.nativeFailure(e)
                    : "internal error: " + e + " (set GHNAS_DEBUG=1 for the stack trace)"));
            if (System.getenv("GHNAS_DEBUG") != null) {
                e.printStackTrace(cl.getErr());
            }
            return OneLineErrors.FAILURE;
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new GhnasCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new OneLineErrors());
        return cl;
    }
}
