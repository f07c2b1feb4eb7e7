package org.ghnas.surrogate.measure;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.random.RandomGeneratorFactory;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.BatchSequence;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdConfig;
import org.ghnas.space.runtime.SgdTrainer;
import org.ghnas.space.runtime.TrainingLog;
import org.ghnas.space.runtime.Workspaces;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the ground truth the property surrogates learn from: trains every net of a split from He init with the
 * config's SGD budget and records its properties ({@link Measurement}) in a measurement directory
 * ({@link MeasurementTable}), one net at a time.
 *
 * <p><b>Resumable.</b> {@link #run} skips the nets already in the directory and writes the table after every net, so
 * killing it loses at most the net in progress. It refuses a directory measured under another config, naming the
 * fields that differ, and holds a lock on the split's files so that a second process on the same split fails
 * instead of clobbering them; a second process on the other split is fine.
 *
 * <p><b>Protocol.</b> Net {@code i} of a split is the {@code i}-th sample of
 * {@code DeepNets1MSampler.builder(seed).family(family).channels(channels)}. Its He-init and SGD seeds are derived
 * from the config's SGD seed, the split and {@code i}, so every net is reproducible on its own. Test accuracy uses
 * the first {@code testImages} test images in batches of {@value #EVAL_BATCH} with BatchNorm on each batch's own
 * statistics, as the reference evaluates (facts §5; its BN running statistics are not used); the noisy accuracy
 * uses the same batches with seeded Gaussian noise in raw pixel space, the same noise for every net. Latency is the
 * median over timed runs of one forward pass of a batch in the same mode, as the calling thread's CPU time, which a
 * busy second core does not inflate (with {@code OMP_NUM_THREADS=1} ND4J runs the ops on the calling thread).
 *
 * <pre>{@code
 * GroundTruthMeasurer m = GroundTruthMeasurer.of(MeasurementConfig.read(file), Datasets.open(null, null));
 * m.run(Path.of("results/measure"), Split.TRAIN, Integer.MAX_VALUE, (net, done, total) -> ...);
 * }</pre>
 *
 * @implNote Immutable; {@link #run} is meant for one thread per split.
 */
public final class GroundTruthMeasurer {

    /** Images per evaluation batch: the reference evaluates with batch 64 on batch statistics. */
    public static final int EVAL_BATCH = 64;

    /** Told after every measured net. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param measurement the net just measured
         * @param done        nets of the split in the table now
         * @param total       nets this run will have in the table when it ends
         */
        void onMeasured(Measurement measurement, int done, int total);
    }

    private final MeasurementConfig config;
    private final ImageDataset train;
    private final ImageDataset test;
    private final InputShape input;

    private GroundTruthMeasurer(MeasurementConfig config, ImageDataset train, ImageDataset test, InputShape input) {
        this.config = config;
        this.train = train;
        this.test = test;
        this.input = input;
    }

    /**
     * A measurer of {@code config} on {@code data}.
     *
     * @throws IllegalArgumentException if the data is not the config's dataset or has fewer test images than the
     *                                  config evaluates on
     */
    public static GroundTruthMeasurer of(MeasurementConfig config, DatasetSplits data) {
        requireNonNull(config, "config");
        requireNonNull(data, "data");
        if (!data.name().equals(config.dataset())) {
            throw new IllegalArgumentException("dataset must be " + config.dataset() + " as the config says, but was "
                    + data.name() + ".");
        }
        int n = config.evaluation().testImages();
        if (n > data.test().size()) {
            throw new IllegalArgumentException("evaluation.testImages must be <= " + data.test().size()
                    + " (the test set of " + data.name() + "), but was " + n + ".");
        }
        InputShape input = new InputShape(data.channels(), data.height(), data.width(), data.classes(), false);
        return new GroundTruthMeasurer(config, data.train(), data.test().subset(0, n), input);
    }

    /** The config this measurer follows. */
    public MeasurementConfig config() {
        return config;
    }

    /** A fresh sampler of the nets of {@code split}: its {@code i}-th sample is net {@code i}. */
    public DeepNets1MSampler sampler(Split split) {
        return DeepNets1MSampler.builder(config.split(split).seed()).family(config.family())
                .channels(config.channels()).build();
    }

    /**
     * Measures the missing nets of {@code split} in {@code dir}, in sample order, writing the table after each.
     *
     * @param limit at most this many nets are measured in this call
     * @return the split's records in the table when done
     * @throws IllegalArgumentException if {@code dir} was measured under another config, its records do not match
     *                                  the sampler's nets, or another process is measuring the same split there
     */
    public List<Measurement> run(Path dir, Split split, int limit, Listener listener) {
        requireNonNull(dir, "dir");
        requireNonNull(split, "split");
        if (!split.sampled()) {
            throw new IllegalArgumentException("split " + split.label() + " is measured with runSpecs");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, but was " + limit + ".");
        }
        DeepNets1MSampler sampler = sampler(split);
        int count = config.split(split).count();
        Nets nets = new Nets(count, sampler::sample, "splits." + split.label() + ".count = " + count,
                i -> "sample " + i + " of sampler seed " + config.split(split).seed() + " (was the sampler changed?)");
        return locked(dir, split, () -> measureMissing(dir, split, nets, limit, listener));
    }

    /**
     * Measures the nets of a spec file in {@code dir} ({@code specs.jsonl} and {@code specs.csv}), in file order,
     * under the same protocol as the sampled splits; like {@link #run}, it resumes where an earlier call stopped.
     *
     * @param source names the spec file in messages
     * @param limit  at most this many nets are measured in this call
     * @return the records of {@code specs} in the table when done
     * @throws IllegalArgumentException if {@code dir} was measured under another config or for other specs, or
     *                                  another process is measuring specs there
     */
    public List<Measurement> runSpecs(Path dir, List<NetworkSpec> specs, String source, int limit,
                                      Listener listener) {
        requireNonNull(dir, "dir");
        requireNonNull(specs, "specs");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, but was " + limit + ".");
        }
        List<NetworkSpec> copy = List.copyOf(specs);
        Iterator<NetworkSpec> it = copy.iterator();
        Nets nets = new Nets(copy.size(), it::next, "the " + copy.size() + " nets of " + source,
                i -> "net " + i + " of " + source + " (measure another spec file into another directory)");
        return locked(dir, Split.SPECS, () -> measureMissing(dir, Split.SPECS, nets, limit, listener));
    }

    private List<Measurement> locked(Path dir, Split split, Supplier<List<Measurement>> body) {
        prepare(dir);
        try (FileChannel channel = FileChannel.open(dir.resolve("." + split.label() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalArgumentException(dir + ": another process is measuring split " + split.label()
                        + " there; measure the other split or wait for it to end");
            }
            try {
                return body.get();
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot lock split " + split.label() + " (" + e.getMessage() + ")",
                    e);
        }
    }

    /**
     * Where the nets of a split come from.
     *
     * @param count  how many there are
     * @param next   yields them in order
     * @param total  what {@code count} is, for messages
     * @param origin where net {@code i} comes from, for messages
     */
    private record Nets(int count, Supplier<NetworkSpec> next, String total, IntFunction<String> origin) {}

    /**
     * Measures the nets after those already in the table (at most {@code limit} of them), after checking that the
     * table's nets are the first ones {@code nets} yields.
     */
    private List<Measurement> measureMissing(Path dir, Split split, Nets nets, int limit, Listener listener) {
        List<Measurement> records = new ArrayList<>(MeasurementTable.read(dir, split));
        int count = nets.count();
        if (records.size() > count) {
            throw new IllegalArgumentException(MeasurementTable.jsonl(dir, split) + ": holds " + records.size()
                    + " nets, more than " + nets.total());
        }
        int end = (int) Math.min(count, (long) records.size() + limit);
        for (int i = 0; i < end; i++) {
            NetworkSpec spec = nets.next().get();
            if (i < records.size()) {
                if (!ArchitectureJson.toNode(spec).equals(ArchitectureJson.toNode(records.get(i).spec()))) {
                    throw new IllegalArgumentException(MeasurementTable.jsonl(dir, split) + ":" + (i + 1)
                            + ": spec: differs from " + nets.origin().apply(i));
                }
                continue;
            }
            Measurement m;
            try {
                m = measure(split, i, spec);
            } finally {
                // one net after another would otherwise ratchet every workspace up to the largest net seen
                Workspaces.release();
            }
            records.add(m);
            MeasurementTable.write(dir, split, records);
            if (listener != null) {
                listener.onMeasured(m, records.size(), end);
            }
        }
        return List.copyOf(records);
    }

    /** Writes {@code config.yaml} into a new directory, or checks that an existing one holds this config. */
    private void prepare(Path dir) {
        Path file = dir.resolve(MeasurementTable.CONFIG);
        if (Files.exists(file)) {
            MeasurementConfig existing = MeasurementConfig.read(file);
            List<String> diff = config.differences(existing);
            if (!diff.isEmpty()) {
                throw new IllegalArgumentException(file + ": measured under another config, differs in "
                        + String.join(", ", diff) + " (use another output directory, or the same config)");
            }
        } else {
            AtomicFiles.writeString(file, config.toYaml());
        }
    }

    /**
     * Measures one net: trains it from He init with the config's budget, then evaluates it.
     *
     * <p>Frees the net's parameters afterwards but not the calling thread's workspaces, so it may run inside a
     * caller's workspace; a loop over many nets should call {@link Workspaces#release()} between them.
     *
     * @param index the net's position in the split's sample stream (seeds its initialisation and SGD run)
     */
    public Measurement measure(Split split, int index, NetworkSpec spec) {
        long start = System.nanoTime();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        NetworkPlan plan = NetworkPlan.of(spec, input);
        RunnableNetwork net = RunnableNetwork.of(plan);
        long seed = netSeed(config.sgd().seed(), split, index);
        NetworkParameters params = NetworkParameters.heInit(plan, seed);
        MeasurementConfig.Sgd s = config.sgd();
        TrainingLog log;
        double clean;
        double noisy;
        double[] latency;
        try {
            log = train(net, params, train, s, seed);
            clean = accuracy(net, params, test.batches(EVAL_BATCH));
            noisy = accuracy(net, params, noisyBatches(test, EVAL_BATCH, config.evaluation()));
            latency = latencyMs(net, params, test, config.latency());
        } finally {
            params.release();
        }
        int window = config.convergence().window();
        ConvergenceSpeed speed = ConvergenceSpeed.of(log.accuracy(), window, config.convergence().threshold());
        double[] smooth = ConvergenceSpeed.smoothed(log.accuracy(), window);
        ComputationalGraph graph = plan.graph();
        long samplerSeed = split.sampled() ? config.split(split).seed() : 0;
        return new Measurement(split, samplerSeed, index, spec, plan.parameterCount(), plan.macs(),
                graph.nodeCount(), depth(graph), clean, noisy, latency[0], latency[1], speed.fraction(),
                speed.converged(), smooth[smooth.length - 1], meanOfLast(log.loss(), window), log.seconds(),
                log.images(), log.steps(), log.skipped(), (System.nanoTime() - start) / 1e9,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e9);
    }

    /** Trains {@code params} in place for exactly {@code s.steps()} steps. */
    static TrainingLog train(RunnableNetwork net, NetworkParameters params, ImageDataset train,
                             MeasurementConfig.Sgd s, long seed) {
        int perEpoch = (train.size() + s.batchSize() - 1) / s.batchSize();
        SgdConfig sgd = new SgdConfig(s.learningRate(), s.momentum(), s.weightDecay(), s.batchSize(),
                (double) s.steps() / perEpoch, seed ^ 0x5DEECE66DL);
        SgdTrainer trainer = new SgdTrainer(sgd);
        if (trainer.steps(train.size()) != s.steps()) {
            throw new IllegalStateException("SGD would take " + trainer.steps(train.size()) + " steps instead of "
                    + s.steps() + "; check SgdTrainer.steps");
        }
        return trainer.train(net, params, train, null);
    }

    /** The first images of the test subset with the config's seeded noise (the same noise for every net). */
    static BatchSequence noisyBatches(ImageDataset test, int batch, MeasurementConfig.Evaluation e) {
        return test.batches(batch).withNoise(e.noiseSigma(),
                RandomGeneratorFactory.of(DeepNets1MSampler.RANDOM_ALGORITHM).create(e.noiseSeed()));
    }

    /** Accuracy over the batches, BatchNorm on each batch's statistics, each batch in its own workspace. */
    static double accuracy(RunnableNetwork net, NetworkParameters params, BatchSequence batches) {
        long correct = 0;
        long seen = 0;
        for (ImageBatch batch : batches) {
            correct += Workspaces.scoped("measure-eval", () -> {
                INDArray logits = net.predict(params, ImageTensors.of(batch, params.tensor(0).dataType()));
                return correct(logits, batch.labels());
            });
            seen += batch.size();
        }
        return (double) correct / seen;
    }

    /**
     * Median calling-thread CPU time and median wall time, in ms, of a forward pass of the first {@code batch} test
     * images (fewer if the subset is smaller), after {@code warmup} untimed passes.
     */
    static double[] latencyMs(RunnableNetwork net, NetworkParameters params, ImageDataset test,
                              MeasurementConfig.Latency l) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time; latency needs it");
        }
        ImageBatch batch = test.batch(0, Math.min(l.batch(), test.size()));
        for (int i = 0; i < l.warmup(); i++) {
            Workspaces.scoped("measure-latency", () -> {
                net.predict(params, ImageTensors.of(batch, params.tensor(0).dataType()));
            });
        }
        double[] cpu = new double[l.runs()];
        double[] wall = new double[l.runs()];
        for (int i = 0; i < l.runs(); i++) {
            final int k = i;
            Workspaces.scoped("measure-latency", () -> {
                INDArray x = ImageTensors.of(batch, params.tensor(0).dataType());
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                net.predict(params, x);
                wall[k] = (System.nanoTime() - w0) / 1e6;
                cpu[k] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            });
        }
        return new double[] {Median.of(cpu), Median.of(wall)};
    }

    /** Images whose largest logit is at their label (the first largest on ties, as argmax takes). */
    static long correct(INDArray logits, int[] labels) {
        long[] predicted = logits.argMax(1).toLongVector();
        long n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                n++;
            }
        }
        return n;
    }

    /** Nodes on the longest path of the graph (its nodes are in topological order). */
    static int depth(ComputationalGraph graph) {
        int n = graph.nodeCount();
        int[] longest = new int[n];
        int best = 0;
        for (int v = 0; v < n; v++) {
            int d = 0;
            for (int u : graph.predecessors(v)) {
                d = Math.max(d, longest[u]);
            }
            longest[v] = d + 1;
            best = Math.max(best, longest[v]);
        }
        return best;
    }

    private static double meanOfLast(List<Double> values, int window) {
        double sum = 0;
        int n = 0;
        for (int i = Math.max(0, values.size() - window); i < values.size(); i++) {
            double v = values.get(i);
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The He-init and SGD seed of net {@code index} of {@code split} (SplitMix64 mixing of the three). */
    static long netSeed(long root, Split split, int index) {
        return mix(mix(mix(root) + split.ordinal() + 1) + index);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
