package org.ghnas.experiments.cli;

import picocli.CommandLine;

/**
 * Turns exceptions into one line on stderr. Bad input (IllegalArgumentException and its subclasses: spec, file,
 * dataset and config errors) exits with 2; anything else is a failure of ghnas and exits with 1.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
                || e instanceof org.ghnas.space.data.DatasetException) {
            cl.getErr().println("ghnas: " + firstLine(e.getMessage()));
            return BAD_INPUT;
        }
        cl.getErr().println("ghnas: internal error: " + e + " (set GHNAS_DEBUG=1 for the stack trace)");
        if (System.getenv("GHNAS_DEBUG") != null) {
            e.printStackTrace(cl.getErr());
        }
        return FAILURE;
    }

    static String firstLine(String m) {
        if (m == null) {
            return "(no message)";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
