package org.ghnas.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Failures that reach the CLI as errors rather than exceptions still end in one line and exit code 1. */
class OneLineErrorsTest {

    /** What ND4J's CUDA backend throws on a machine without an NVIDIA driver, as the CUDA build showed. */
    @Command(name = "load")
    static final class LoadsMissingDriver implements Runnable {
        @Override
        public void run() {
            throw new ExceptionInInitializerError(new RuntimeException("no backend",
                    new UnsatisfiedLinkError("/root/.javacpp/cache/libjnicudart.so: libcuda.so.1: cannot open shared"
                            + " object file: No such file or directory")));
        }
    }

    /** A class missing from a broken jar: not native code, so the line must not blame the backend. */
    @Command(name = "missing")
    static final class MissesAClass implements Runnable {
        @Override
        public void run() {
            throw new NoClassDefFoundError("org/ghnas/Missing");
        }
    }

    @Test
    void givenMissingJavaClass_whenExecute_thenExit1WithOneInternalErrorLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new MissesAClass());
        cl.setErr(new PrintWriter(err, true));

        int code = GhnasCommand.execute(cl);

        assertThat(code).isEqualTo(OneLineErrors.FAILURE);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString())
                .startsWith("ghnas: internal error: java.lang.NoClassDefFoundError: org/ghnas/Missing")
                .doesNotContain("ND4J");
    }

    @Test
    void givenNativeLibraryThatCannotLoad_whenExecute_thenExit1WithOneLineNamingTheLibraryAndTheBuilds() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new LoadsMissingDriver());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        int code = GhnasCommand.execute(cl);

        assertThat(code).isEqualTo(OneLineErrors.FAILURE);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString())
                .startsWith("ghnas: native code failed to load, so ND4J has no backend (UnsatisfiedLinkError: ")
                .contains("libcuda.so.1")
                .contains("mvn -Pcuda");
    }
}
