package org.ghnas.space.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ghnas.space.Architecture;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.PredefinedNets;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the peak resident memory of SGD steps through one network, so that the runtime's memory policy (which
 * activations a pass keeps, when it frees them) is judged by the figure users hit: whether ResNet-50 trains at all.
 * Run one network per JVM: the peak (VmHWM) never goes down.
 *
 * <p>Measured (2 shared cores, -Xmx1g): ResNet-50 batch 64 peaks at 3.1 GB, batch 32 at 2.1 GB, a C=16 sample at
 * 0.75 GB; before activations were freed early, batch 32 needed a 5.2 GB workspace block and batch 64 did not fit.
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -Xmx2g -cp experiments/target/ghnas.jar org.ghnas.space.runtime.MemoryBenchmark resnet50 64 3
 * OMP_NUM_THREADS=1 java -Xmx2g -cp experiments/target/ghnas.jar org.ghnas.space.runtime.MemoryBenchmark sample:2026:1 64 5
 * }</pre>
 */
public final class MemoryBenchmark {

    private MemoryBenchmark() {}

    /**
     * Trains {@code args[0]} ({@code resnet50}, or {@code sample:SEED:INDEX} for a DeepNets-1M sample at C=16) for
     * {@code args[2]} SGD steps of batch {@code args[1]} on Fashion-MNIST and prints the time of each step and the
     * resident set size before, during and after.
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: MemoryBenchmark resnet50|sample:SEED:INDEX BATCH STEPS");
        }
        run(architecture(args[0]), args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                FashionMnist.load(FashionMnist.DEFAULT_DIR), System.out);
    }

    static Architecture architecture(String name) {
        if (name.equals("resnet50")) {
            return PredefinedNets.resnet50();
        }
        String[] p = name.split(":");
        if (p.length != 3 || !p[0].equals("sample")) {
            throw new IllegalArgumentException("network must be resnet50 or sample:SEED:INDEX, but was " + name);
        }
        int index = Integer.parseInt(p[2]);
        return DeepNets1MSampler.builder(Long.parseLong(p[1])).channels(RuntimeBenchmark.CHANNELS).build()
                .sample(index + 1).get(index);
    }

    static void run(Architecture arch, String name, int batch, int steps, DatasetSplits data, PrintStream out) {
        NetworkPlan plan = NetworkPlan.of(arch, InputShape.FASHION_MNIST);
        RunnableNetwork net = RunnableNetwork.of(plan);
        NetworkParameters params = NetworkParameters.heInit(plan, 1);
        ImageDataset train = data.train().subset(0, batch * steps);
        SgdConfig config = new SgdConfig(0.01, 0.9, 3e-4, batch, 1.0, 1);
        out.printf(Locale.ROOT, "%s: %d layers, %d parameters, batch %d, %d SGD steps; RSS before %.0f MB%n", name,
                plan.layers().size(), plan.parameterCount(), batch, steps, kb("VmRSS") / 1024.0);
        long[] held = Workspaces.scoped("memory-benchmark", () -> {
            INDArray x = ImageTensors.of(train.batch(0, batch), params.tensor(0).dataType());
            try (RunnableNetwork.Pass pass = net.forward(params, x, true, new java.util.Random(1))) {
                long all = 0;
                for (long[] shape : pass.shapes()) {
                    all += x.data().getElementSize() * java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                }
                return new long[] {pass.heldBytes(), all};
            }
        });
        out.printf(Locale.ROOT, "a training pass holds %.0f MB for the reverse pass; all layer outputs: %.0f MB%n",
                held[0] / 1048576.0, held[1] / 1048576.0);
        long[] last = {System.nanoTime()};
        new SgdTrainer(config).train(net, params, train, (step, total, loss, acc) -> {
            long now = System.nanoTime();
            out.printf(Locale.ROOT, "step %d: %.0f ms, loss %.3f, RSS %.0f MB, peak %.0f MB%n", step,
                    (now - last[0]) / 1e6, loss, kb("VmRSS") / 1024.0, kb("VmHWM") / 1024.0);
            last[0] = now;
        });
        out.printf(Locale.ROOT, "peak RSS (VmHWM) %.0f MB%n", kb("VmHWM") / 1024.0);
    }

    /** A field of /proc/self/status in kB (Linux), or -1 where there is none. */
    static long kb(String field) {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
