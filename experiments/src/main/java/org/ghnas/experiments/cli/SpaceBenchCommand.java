package org.ghnas.experiments.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.runtime.RuntimeBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ghnas space bench}: SGD training throughput and forward latency of runnable networks on a fixed, seeded set
 * of 10 architectures at C=16, with a per-op profile.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time SGD steps and forward passes of 10 seeded architectures (C=16, batch 64) with a per-op profile.")
final class SpaceBenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "10", description = "Timed SGD steps per net (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the report to FILE (atomically)")
    Path out;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps: " + steps + " is not positive, expected an integer >= 1");
        }
        DatasetSplits splits = data.load();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream tee = new PrintStream(new TeeStream(System.out, buffer), true, StandardCharsets.UTF_8)) {
            tee.println("command: ghnas space bench --steps " + steps + (out == null ? "" : " --out " + out));
            RuntimeBenchmark.run(splits, steps, tee);
        }
        if (out != null) {
            AtomicFiles.write(out, buffer.toByteArray());
        }
    }

    /** Writes to two streams at once. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
