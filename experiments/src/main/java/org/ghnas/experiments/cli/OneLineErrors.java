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

    /**
     * Whether {@code e} comes from native code that would not load: an {@link UnsatisfiedLinkError}, or ND4J finding
     * no backend (its CUDA backend swallows the link error and throws NoAvailableBackendException instead).
     */
    static boolean isNativeFailure(LinkageError e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnsatisfiedLinkError
                    || t.getClass().getSimpleName().equals("NoAvailableBackendException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The line for native code that failed to load: its deepest cause, and what each build needs. ND4J's CUDA backend
     * prints its own stack trace before failing, so on a machine without a driver this line comes after it.
     */
    static String nativeFailure(LinkageError e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "native code failed to load, so ND4J has no backend (" + root.getClass().getSimpleName() + ": "
                + firstLine(root.getMessage()) + "); the default build runs ND4J's CPU backend on x86-64 or arm64,"
                + " the CUDA build (mvn -Pcuda) needs an NVIDIA driver with CUDA 11.6 and cuDNN 8.3"
                + " (set GHNAS_DEBUG=1 for the stack trace)";
    }

    static String firstLine(String m) {
        if (m == null) {
            return "(no message)";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
