package org.ghnas.experiments.cli;

import java.nio.file.Path;
import org.ghnas.search.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ghnas report RUN_DIR}: re-renders the plots and report.md of a finished or stopped search run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Re-render report.md and the plots of a search run directory (finished or partial).")
final class ReportCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A directory written by ghnas search")
    Path runDir;

    @Override
    public void run() {
        spec.commandLine().getOut().println(RunReport.render(runDir));
    }
}
