package org.ghnas.space.runtime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Times the eager runtime on a fixed set of sampled architectures, so that every change to a kernel or to the
 * interpreter is judged on the workload the hypernetwork will run: SGD steps of batch 64 on Fashion-MNIST through
 * whole DeepNets-1M networks at C=16, where hundreds of small memory-bound ops dominate, not the convolutions.
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp "$(cat /tmp/cp.txt):space/target/classes" org.ghnas.space.runtime.RuntimeBenchmark [steps]
 * }</pre>
 *
 * <p>The nets are the first {@value #NETS} samples of {@code DeepNets1MSampler} with seed {@value #SAMPLER_SEED}
 * and 16 channels. Figures are wall times on a shared machine: compare runs made in the same time window.
 */
public final class RuntimeBenchmark {
    static final long SAMPLER_SEED = 2026;
    static final int NETS = 10;
    static final int CHANNELS = 16;
    static final int BATCH = 64;
    static final int WARMUP_STEPS = 2;
    static final int LATENCY_REPS = 5;

    /** The figures of one network. */
    public record NetResult(int index, int layers, long parameters, long flops, double imagesPerSecond,
                            double stepMillis, double forwardMillis) {}

    /**
     * The whole run.
     *
     * @param nets    one entry per network, in sample order
     * @param profile op kind to {forward ms, backward ms, forward calls, backward calls}, summed over the timed
     *                steps of all nets
     */
    public record Result(int timedSteps, List<NetResult> nets, Map<String, double[]> profile) {
        public Result {
            nets = List.copyOf(nets);
            profile = Map.copyOf(profile);
        }

        /** Median over the nets of the SGD step time. */
        public double medianStepMillis() {
            return Median.of(nets.stream().mapToDouble(NetResult::stepMillis).toArray());
        }

        /** Median over the nets of the batch-64 forward latency. */
        public double medianForwardMillis() {
            return Median.of(nets.stream().mapToDouble(NetResult::forwardMillis).toArray());
        }

        /** Sum over the nets of the SGD step time: one step of each net, as a GHN meta-batch of that size runs. */
        public double totalStepMillis() {
            return nets.stream().mapToDouble(NetResult::stepMillis).sum();
        }
    }

    private RuntimeBenchmark() {}

    /**
     * Runs the benchmark with the default data directory and prints the report to stdout.
     *
     * @param args optional number of timed SGD steps per net (default 10)
     */
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        run(FashionMnist.load(FashionMnist.DEFAULT_DIR), steps, System.out);
    }

    /**
     * Trains each net for {@code WARMUP_STEPS + timedSteps} SGD steps, times the last {@code timedSteps} (profiled
     * per op kind) and the median eval-mode forward of one batch, and prints a report to {@code out}.
     */
    public static Result run(DatasetSplits data, int timedSteps, PrintStream out) {
        if (timedSteps < 1) {
            throw new IllegalArgumentException("timedSteps must be >= 1, but was " + timedSteps + ".");
        }
        Nd4j.create(1);
        String build = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        out.printf(Locale.ROOT, "RuntimeBenchmark: %d DeepNets-1M nets (seed %d, C=%d), Fashion-MNIST, batch %d, "
                + "%d warm-up + %d timed SGD steps%n", NETS, SAMPLER_SEED, CHANNELS, BATCH, WARMUP_STEPS, timedSteps);
        out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, ND4J omp.threads=%s, cores=%d%n", System.getenv("OMP_NUM_THREADS"),
                Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads"),
                Runtime.getRuntime().availableProcessors());
        out.println("backend build: " + String.join(" ", build.lines().map(String::trim)
                .filter(l -> l.startsWith("HAVE_") || l.startsWith("DEFAULT_ENGINE")).toList()));

        List<NetworkSpec> specs = DeepNets1MSampler.builder(SAMPLER_SEED).channels(CHANNELS).build().sample(NETS);
        ImageDataset train = data.train().subset(0, (WARMUP_STEPS + timedSteps) * BATCH);
        ImageBatch probe = data.test().batch(0, BATCH);
        SgdTrainer trainer = new SgdTrainer(SgdConfig.oneEpoch(SAMPLER_SEED));
        OpProfile total = new OpProfile();
        List<NetResult> results = new ArrayList<>();
        out.printf(Locale.ROOT, "%3s %7s %9s %10s %10s %10s %10s%n", "net", "layers", "params", "MFLOPs", "img/s",
                "step ms", "fwd ms");
        for (int i = 0; i < specs.size(); i++) {
            NetworkPlan plan = NetworkPlan.of(specs.get(i), InputShape.FASHION_MNIST);
            OpProfile profile = new OpProfile();
            RunnableNetwork net = RunnableNetwork.profiled(plan, profile);
            NetworkParameters params = NetworkParameters.heInit(plan, SAMPLER_SEED + i);
            long[] stamps = new long[WARMUP_STEPS + timedSteps + 1];
            stamps[0] = System.nanoTime();
            trainer.train(net, params, train, (step, steps, loss, acc) -> {
                stamps[step] = System.nanoTime();
                if (step == WARMUP_STEPS) {
                    profile.reset();
                }
            });
            double stepMs = (stamps[stamps.length - 1] - stamps[WARMUP_STEPS]) / 1e6 / timedSteps;
            double fwdMs = forwardMillis(RunnableNetwork.of(plan), params, probe);
            NetResult r = new NetResult(i, plan.layers().size(), plan.parameterCount(), plan.flops(),
                    BATCH * 1000.0 / stepMs, stepMs, fwdMs);
            results.add(r);
            profile.millis().forEach((k, v) -> total.addMillis(k, v));
            out.printf(Locale.ROOT, "%3d %7d %9d %10.1f %10.1f %10.1f %10.1f%n", i, r.layers(), r.parameters(),
                    r.flops() / 1e6, r.imagesPerSecond(), r.stepMillis(), r.forwardMillis());
        }
        Result result = new Result(timedSteps, results, total.millis());
        out.printf(Locale.ROOT, "median step %.1f ms (%.1f img/s), median forward %.1f ms, sum of one step per net "
                + "%.1f ms%n", result.medianStepMillis(), BATCH * 1000.0 / result.medianStepMillis(),
                result.medianForwardMillis(), result.totalStepMillis());
        out.println("per-op profile over all timed steps:");
        out.print(total.table());
        return result;
    }

    private static double forwardMillis(RunnableNetwork net, NetworkParameters params, ImageBatch batch) {
        return Median.millis(1, LATENCY_REPS, () -> Workspaces.scoped("benchmark-forward", () -> {
            INDArray x = ImageTensors.of(batch, params.tensor(0).dataType());
            net.predict(params, x);
        }));
    }
}
