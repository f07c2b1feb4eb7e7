package org.ghnas.ghn.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.ghnas.ghn.io.MalformedArchiveException;
import org.ghnas.ghn.io.TensorArchive;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.ghn.model.Parameter;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.runtime.ImageTensors;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.Workspaces;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains GHN-2 on images the way the reference does (facts §4): each step samples {@code m} fresh in-distribution
 * architectures, predicts all their parameters, runs one image batch through each (BatchNorm on batch statistics,
 * dropout on), averages the cross-entropy over the nets, back-propagates into the GHN, clips the global gradient
 * norm and takes one Adam step. The step's nets are spread over {@code workers} threads (one per core by default),
 * each net inside its own ND4J workspace, so memory stays bounded by one net per worker.
 *
 * <pre>{@code
 * try (GhnTrainer t = GhnTrainer.start(GhnTrainingConfig.defaults(), fashionMnistTrain)) {
 *     while (t.completedSteps() < 1000) {
 *         GhnTrainer.StepResult r = t.step();
 *     }
 *     t.save(Path.of("ghn.ckpt"));
 * }
 * GhnTrainer again = GhnTrainer.resume(Path.of("ghn.ckpt"), fashionMnistTrain);   // continues bit for bit
 * }</pre>
 *
 * <p><b>Randomness and exact resume.</b> Everything a step draws is a pure function of (config seed, step index):
 * the architecture sampler of step {@code t} is seeded with {@link #trainingSamplerSeed(long, long)}, the image
 * order of epoch {@code e} with a seed derived from (seed, e), dropout of net {@code j} from (seed, t, j). So a run
 * killed after a checkpoint and resumed from it reproduces the uninterrupted run's weights exactly.
 *
 * <p><b>Held-out architectures.</b> Training sampler seeds are always negative ({@link #trainingSamplerSeed} sets
 * the sign bit); evaluation nets are drawn with non-negative seeds (e.g. {@code ghnas space sample --seed 0}),
 * so no training step ever draws from an evaluation stream.
 *
 * <p><b>Workers.</b> The number of worker threads changes the speed, never the result: each net's GHN backward
 * pass fills accumulators of its own, and those are added up in net order whatever thread ran them and whenever
 * it finished, so no worker waits for another before the step's end. Each worker should run ND4J single-threaded
 * ({@code OMP_NUM_THREADS=1}), which measured fastest on 2 cores.
 *
 * <p>A step whose loss (any net's) or gradient is not finite changes nothing but the skipped counter.
 *
 * @implNote Not thread-safe. {@link #close()} stops the worker threads (they are daemons, so a trainer that is
 * never closed does not keep the JVM alive).
 */
public final class GhnTrainer implements AutoCloseable {

    /** The checkpoint's kind in its {@link TensorArchive} header. */
    public static final String CHECKPOINT_KIND = "ghn-checkpoint";
    /** Current checkpoint format version. */
    public static final int CHECKPOINT_VERSION = 1;

    private static final String RNG = "L64X128MixRandom";
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private static final double SMOOTHING = 0.98;

    private final GhnTrainingConfig config;
    private final ImageDataset train;
    private final InputShape input;
    private final Ghn2 ghn;
    private final float[][] adamM;
    private final float[][] adamV;
    private long step;
    private long skipped;
    private long unsupportedNets;
    private double runningLoss = Double.NaN;
    private double runningAccuracy = Double.NaN;
    private float[] lossHistory;
    private float[] accuracyHistory;
    private int[] epochOrder;
    private long epochOfOrder = -1;
    /** Null for one worker: the calling thread runs the nets. */
    private final ExecutorService pool;
    /** One set of GHN gradient accumulators per net of a step, reused across steps. */
    private Ghn2.Gradients[] netGradients = new Ghn2.Gradients[0];

    private GhnTrainer(GhnTrainingConfig config, ImageDataset train, Ghn2 ghn, int workers) {
        this.config = requireNonNull(config, "config");
        this.train = requireNonNull(train, "train");
        if (train.classes() != 10) {
            throw new IllegalArgumentException("train must have 10 classes (the GHN's classifier heads), but had "
                    + train.classes() + ".");
        }
        if (train.size() < config.batchSize()) {
            throw new IllegalArgumentException("train must hold at least batchSize (" + config.batchSize()
                    + ") images, but held " + train.size() + ".");
        }
        this.input = new InputShape(train.channels(), train.height(), train.width(), train.classes(), false);
        this.ghn = ghn;
        List<Parameter> ps = ghn.parameters();
        this.adamM = new float[ps.size()][];
        this.adamV = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            adamM[i] = new float[Math.toIntExact(ps.get(i).length())];
            adamV[i] = new float[Math.toIntExact(ps.get(i).length())];
        }
        this.lossHistory = new float[0];
        this.accuracyHistory = new float[0];
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, but was " + workers + ".");
        }
        this.pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread th = new Thread(r, "ghn-train-worker");
            th.setDaemon(true);
            return th;
        });
    }

    /** One worker per available processor. */
    public static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** A fresh run: GHN initialised from the config's seed, step 0, {@link #defaultWorkers()} workers. */
    public static GhnTrainer start(GhnTrainingConfig config, ImageDataset train) {
        return start(config, train, defaultWorkers());
    }

    /** A fresh run on {@code workers} threads (the result does not depend on their number). */
    public static GhnTrainer start(GhnTrainingConfig config, ImageDataset train, int workers) {
        return new GhnTrainer(config, train, new Ghn2(config.ghnConfig(), mix(config.seed(), 0x6768_6e69_6e69_74L)),
                workers);
    }

    /**
     * Continues a run from its checkpoint, exactly where it stopped.
     *
     * @throws MalformedArchiveException naming the file if it is missing, corrupted or not a checkpoint
     * @throws IllegalArgumentException  if the dataset differs from the run's (name or size)
     */
    public static GhnTrainer resume(Path checkpoint, ImageDataset train) {
        return resume(checkpoint, train, defaultWorkers());
    }

    /** {@link #resume(Path, ImageDataset)} on {@code workers} threads. */
    public static GhnTrainer resume(Path checkpoint, ImageDataset train, int workers) {
        return resume(checkpoint, train, workers, null);
    }

    /**
     * {@link #resume(Path, ImageDataset, int)} under {@code config}, which may change the run's step count, its
     * learning-rate schedule and the step from which it draws widths, for the steps still to come (a decay added
     * to a long run, say); everything else must be the run's. The checkpoints written afterwards record the new
     * config.
     *
     * @throws IllegalArgumentException if {@code config} differs from the run's in anything else
     */
    public static GhnTrainer resume(Path checkpoint, ImageDataset train, int workers, GhnTrainingConfig config) {
        TensorArchive a = TensorArchive.read(checkpoint, CHECKPOINT_KIND, CHECKPOINT_VERSION);
        ObjectNode meta = a.meta();
        GhnTrainingConfig stored = GhnTrainingConfig.fromJson(meta.path("config"), checkpoint + ": config");
        if (config == null) {
            config = stored;
        } else if (!config.continues(stored)) {
            throw new IllegalArgumentException("the config differs from the run in " + checkpoint
                    + " (only steps, lrMilestones, lrGamma, sampleWidthsFrom, bnFreeShare and scaleAnchor may change on"
                    + " resume)");
        }
        JsonNode data = meta.path("dataset");
        if (!data.path("name").asText().equals(train.name()) || data.path("size").asInt() != train.size()) {
            throw new IllegalArgumentException(checkpoint + ": run trained on " + data.path("name").asText() + " ("
                    + data.path("size").asInt() + " images), but resumed on " + train.name() + " (" + train.size()
                    + " images)");
        }
        GhnTrainer t = new GhnTrainer(config, train, new Ghn2(config.ghnConfig(), 0), workers);
        List<Parameter> ps = t.ghn.parameters();
        try {
            for (int i = 0; i < ps.size(); i++) {
                Parameter p = ps.get(i);
                TensorArchive.Tensor w = a.tensor("param/" + p.name());
                if (!Arrays.equals(w.shape(), p.value().shape())) {
                    throw new IllegalArgumentException("tensor param/" + p.name() + " has shape "
                            + Arrays.toString(w.shape()) + ", expected " + Arrays.toString(p.value().shape()));
                }
                p.value().assign(Nd4j.create(w.values(), p.value().shape(), 'c'));
                t.adamM[i] = a.tensor("adam.m/" + p.name()).values().clone();
                t.adamV[i] = a.tensor("adam.v/" + p.name()).values().clone();
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedArchiveException(checkpoint + ": " + e.getMessage());
        }
        t.step = meta.path("step").asLong();
        t.skipped = meta.path("skippedSteps").asLong();
        t.unsupportedNets = meta.path("unsupportedNets").asLong();
        t.runningLoss = meta.path("runningLoss").isNumber() ? meta.path("runningLoss").asDouble() : Double.NaN;
        t.runningAccuracy = meta.path("runningAccuracy").isNumber() ? meta.path("runningAccuracy").asDouble()
                : Double.NaN;
        t.lossHistory = a.tensor("history/loss").values().clone();
        t.accuracyHistory = a.tensor("history/accuracy").values().clone();
        return t;
    }

    /**
     * The architecture sampler seed of training step {@code step}: a mix of both, with the sign bit set so that it
     * never equals a held-out evaluation seed (those are non-negative).
     */
    public static long trainingSamplerSeed(long seed, long step) {
        return mix(seed, step) | Long.MIN_VALUE;
    }

    /** The nets that step {@code t} trains on: a function of the config's seed and {@code t} alone. */
    List<NetworkSpec> nets(long t) {
        List<NetworkSpec> specs = DeepNets1MSampler.builder(trainingSamplerSeed(config.seed(), t))
                .channels(config.channels()).fcDim(config.fcDim()).build().sample(config.metaBatch());
        if (config.bnFreeShare() > 0) {
            specs = withBnFreeShare(specs, t);
        }
        if (config.samplesWidthsAt(t)) {
            // a stream of its own, so that a run with drawn widths trains on the same genotypes as one without
            RandomGenerator rng = RandomGeneratorFactory.of(RNG).create(mix(mix(config.seed(), 0x77696474L), t));
            WidthSampler widths = new WidthSampler(config.channels(), config.fcDim());
            specs = specs.stream().map(s -> widths.widen(s, rng)).toList();
        }
        return specs;
    }

    /**
     * {@code specs} with each net replaced, with probability {@link GhnTrainingConfig#bnFreeShare}, by the next
     * BN-free net of an in-distribution sampler of its own (sign bit set like every training seed), so the genotypes
     * of the other nets stay those of a run without it.
     */
    private List<NetworkSpec> withBnFreeShare(List<NetworkSpec> specs, long t) {
        RandomGenerator rng = RandomGeneratorFactory.of(RNG).create(mix(mix(config.seed(), 0x626e6672L), t));
        Iterator<NetworkSpec> bnFree = DeepNets1MSampler
                .builder(trainingSamplerSeed(mix(config.seed(), 0x626e6673L), t))
                .channels(config.channels()).fcDim(config.fcDim()).build().stream()
                .filter(s -> s.norm() == Norm.NONE).iterator();
        List<NetworkSpec> out = new ArrayList<>(specs.size());
        for (NetworkSpec s : specs) {
            out.add(rng.nextDouble() < config.bnFreeShare() ? bnFree.next() : s);
        }
        return out;
    }

    /**
     * The outcome of one step.
     *
     * @param step     index of the step (0-based)
     * @param loss     mean cross-entropy over the step's nets (NaN if none could run)
     * @param accuracy share of correct top-1 guesses over all nets and images of the step
     * @param gradNorm global gradient norm before clipping; NaN when the step was skipped
     * @param skipped  whether the step left the weights unchanged (non-finite loss or gradient)
     * @param nets     nets that took part (sampled nets the runtime cannot build are left out)
     * @param netSeconds the step's nets' forward and backward passes (GHN and target net), wall seconds summed over
     *                 the nets: against workers times the step's time it shows how well the workers were used, and
     *                 against the same nets on one worker how much they slowed each other down
     */
    public record StepResult(long step, double loss, double accuracy, double gradNorm, boolean skipped, int nets,
            double netSeconds) {
    }

    /** Runs the next step (index {@link #completedSteps()}) and returns its figures. */
    public StepResult step() {
        long t = step;
        ghn.zeroGrad();
        List<NetworkSpec> specs = nets(t);
        ImageBatch batch = batch(t);
        NetOutcome[] outcomes = runNets(t, specs, batch);
        double lossSum = 0;
        long correct = 0;
        int nets = 0;
        boolean finite = true;
        for (int j = 0; j < outcomes.length; j++) {
            NetOutcome o = outcomes[j];
            if (o.failure() != null) {
                unsupportedNets++;
                if (o.planned()) {
                    System.err.println("ghn train: step " + t + ": net " + j + " left out: " + o.failure());
                }
                continue;
            }
            if (!Double.isFinite(o.loss())) {
                finite = false;
            }
            lossSum += o.loss();
            correct += o.correct();
            nets++;
        }
        double netSeconds = 0;
        for (NetOutcome o : outcomes) {
            netSeconds += o.seconds();
        }
        double loss = nets == 0 ? Double.NaN : lossSum / nets;
        double accuracy = nets == 0 ? Double.NaN : (double) correct / ((long) nets * batch.size());
        double norm = finite && nets > 0 ? Workspaces.scoped("ghn-adam", this::update) : Double.NaN;
        boolean skip = !Double.isFinite(norm);
        if (skip) {
            skipped++;
            ghn.zeroGrad();
        } else {
            runningLoss = Double.isNaN(runningLoss) ? loss : SMOOTHING * runningLoss + (1 - SMOOTHING) * loss;
            runningAccuracy = Double.isNaN(runningAccuracy) ? accuracy
                    : SMOOTHING * runningAccuracy + (1 - SMOOTHING) * accuracy;
        }
        lossHistory = append(lossHistory, (float) loss);
        accuracyHistory = append(accuracyHistory, (float) accuracy);
        step = t + 1;
        return new StepResult(t, loss, accuracy, norm, skip, nets, netSeconds);
    }

    /**
     * What one net of a step contributed.
     *
     * @param planned whether the net could be planned for the input (a failure afterwards is worth a log line)
     * @param failure why the net was left out, or null
     * @param seconds wall time of its passes on its worker (0 if it was never run)
     */
    private record NetOutcome(double loss, long correct, boolean planned, RuntimeException failure, double seconds) {
        NetOutcome timed(long startNanos) {
            return new NetOutcome(loss, correct, planned, failure, (System.nanoTime() - startNanos) / 1e9);
        }
    }

    /**
     * Runs the step's nets on the workers, costliest first (by multiply-accumulates) so that no worker is left with
     * a large net at the end. Each net's GHN backward pass adds into accumulators of its own, and those are added
     * into the GHN's gradients in net order afterwards, so the summed gradient (float addition being
     * order-dependent) is the same bit for bit whatever the number of workers and whichever net finished first.
     */
    private NetOutcome[] runNets(long t, List<NetworkSpec> specs, ImageBatch batch) {
        int m = specs.size();
        NetOutcome[] out = new NetOutcome[m];
        NetworkPlan[] plans = new NetworkPlan[m];
        Integer[] order = new Integer[m];
        for (int j = 0; j < m; j++) {
            order[j] = j;
            try {
                plans[j] = NetworkPlan.of(specs.get(j), input);
            } catch (IllegalArgumentException e) {
                out[j] = new NetOutcome(Double.NaN, 0, false, e, 0);
            }
        }
        if (netGradients.length < m) {
            netGradients = Arrays.copyOf(netGradients, m);
            for (int j = 0; j < m; j++) {
                if (netGradients[j] == null) {
                    netGradients[j] = ghn.newGradients();
                }
            }
        }
        Arrays.sort(order, Comparator.comparingLong((Integer j) -> plans[j] == null ? 0 : -plans[j].macs())
                .thenComparingInt(j -> j));
        if (pool == null) {
            for (int j : order) {
                if (plans[j] != null) {
                    out[j] = runNet(t, j, plans[j], batch, m);
                }
            }
        } else {
            List<Future<NetOutcome>> futures = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                futures.add(null);
            }
            for (int j : order) {
                if (plans[j] != null) {
                    futures.set(j, pool.submit(() -> runNet(t, j, plans[j], batch, m)));
                }
            }
            for (int j = 0; j < m; j++) {
                if (futures.get(j) == null) {
                    continue;
                }
                try {
                    out[j] = futures.get(j).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.stream().filter(f -> f != null).forEach(f -> f.cancel(true));
                    throw new IllegalStateException("ghn train: interrupted during step " + t, e);
                } catch (ExecutionException e) {
                    futures.stream().filter(f -> f != null).forEach(f -> f.cancel(true));
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("ghn train: step " + t + ", net " + j + " failed", e.getCause());
                }
            }
        }
        for (int j = 0; j < m; j++) {
            if (out[j].failure() == null && Double.isFinite(out[j].loss())) {
                ghn.addGradients(netGradients[j]);
            }
        }
        return out;
    }

    /**
     * Forward and backward of net {@code j} inside the calling thread's workspace; its GHN backward pass goes into
     * the net's own accumulators. Gradients are scaled by 1/m.
     */
    private NetOutcome runNet(long t, int j, NetworkPlan plan, ImageBatch batch, int m) {
        long start = System.nanoTime();
        RandomGenerator dropout = RandomGeneratorFactory.of(RNG).create(mix(mix(config.seed(), t), 1000 + j));
        Ghn2.Gradients into = netGradients[j];
        into.zero();
        return Workspaces.scoped("ghn-train", () -> {
            RunnableNetwork.Pass pass = null;
            try {
                Ghn2.Prediction p = ghn.forward(plan);
                RunnableNetwork net = RunnableNetwork.of(plan);
                pass = net.forward(p.parameters(), ImageTensors.of(batch, DataType.FLOAT), true, dropout);
                double[][] dz = new double[batch.size()][];
                double[] lc = lossAndGradient(pass.logits().toDoubleMatrix(), batch.labels(), m, dz);
                if (Double.isFinite(lc[0])) {
                    INDArray[] grads = net.backward(pass, Nd4j.create(dz).castTo(DataType.FLOAT));
                    pass.close();
                    pass = null;
                    if (config.scaleAnchor() > 0) {
                        addScaleAnchor(config.scaleAnchor(), plan, p, grads, m);
                    }
                    ghn.backward(p, grads, into);
                }
                return new NetOutcome(lc[0], (long) lc[1], true, null, 0);
            } catch (RuntimeException e) {
                // a net the GHN or the runtime cannot handle; its accumulators are not added
                return new NetOutcome(Double.NaN, 0, true, e, 0);
            } finally {
                if (pass != null) {
                    pass.close();
                }
            }
        }).timed(start);
    }

    /**
     * Adds to {@code grads} the gradient of {@code weight / (m T)} times the sum over the net's T conv weights W of
     * {@code (std(W) / s - 1)^2}, s the scale of the predicted-parameter normalisation ({@link
     * GhnTrainingConfig#scaleAnchor}). Position encodings (first dimension 1) are left out, as the normalisation
     * leaves them.
     */
    static void addScaleAnchor(double weight, NetworkPlan plan, Ghn2.Prediction p, INDArray[] grads, int m) {
        List<ParameterSpec> convs = new ArrayList<>();
        for (ParameterSpec ps : plan.parameters()) {
            List<Integer> sh = ps.shape();
            if (sh.size() == 4 && sh.get(0) > 1 && ps.role() == ParameterSpec.Role.WEIGHT) {
                convs.add(ps);
            }
        }
        if (convs.isEmpty()) {
            return;
        }
        double c = weight / ((double) m * convs.size());
        for (ParameterSpec conv : convs) {
            int k = conv.index();
            double s = Ghn2.normalizationScale(conv.shape());
            INDArray w = p.parameters().tensor(k);
            float[] v = w.dup().data().asFloat();
            int n = v.length;
            double mean = 0;
            for (float x : v) {
                mean += x;
            }
            mean /= n;
            double var = 0;
            for (float x : v) {
                var += (x - mean) * (x - mean);
            }
            double sd = Math.sqrt(var / n);
            if (!(sd > 0)) {
                continue;
            }
            double f = c * 2 * (sd / s - 1) / (n * sd * s);
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (f * (v[i] - mean));
            }
            grads[k].addi(Nd4j.createFromArray(g).reshape(grads[k].shape()).castTo(grads[k].dataType()));
        }
    }

    /**
     * Mean cross-entropy and correct count of a net's logits; fills {@code dz} with the gradient of the step loss
     * (the mean over {@code m} nets) with respect to the logits.
     */
    private static double[] lossAndGradient(double[][] z, int[] labels, int m, double[][] dz) {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < z.length; i++) {
            int best = 0;
            for (int k = 1; k < z[i].length; k++) {
                if (z[i][k] > z[i][best]) {
                    best = k;
                }
            }
            double max = z[i][best];
            double sum = 0;
            dz[i] = new double[z[i].length];
            for (int k = 0; k < z[i].length; k++) {
                dz[i][k] = Math.exp(z[i][k] - max);
                sum += dz[i][k];
            }
            loss += Math.log(sum) - (z[i][labels[i]] - max);
            for (int k = 0; k < z[i].length; k++) {
                dz[i][k] = (dz[i][k] / sum - (k == labels[i] ? 1 : 0)) / (z.length * (double) m);
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return new double[] {loss / z.length, correct};
    }

    /**
     * Mean cross-entropy of the GHN's predictions for {@code specs} on {@code batch} (BN on batch statistics, no
     * dropout, no gradient): a fixed yardstick for tests and progress reports.
     */
    double evaluate(List<NetworkSpec> specs, ImageBatch batch) {
        double sum = 0;
        for (NetworkSpec spec : specs) {
            NetworkPlan plan = NetworkPlan.of(spec, input);
            sum += Workspaces.scoped("ghn-eval", () -> {
                INDArray logits = RunnableNetwork.of(plan).predict(ghn.forward(plan).parameters(),
                        ImageTensors.of(batch, DataType.FLOAT));
                double[][] z = logits.toDoubleMatrix();
                double l = 0;
                for (int i = 0; i < z.length; i++) {
                    double max = Arrays.stream(z[i]).max().orElseThrow();
                    double e = 0;
                    for (double v : z[i]) {
                        e += Math.exp(v - max);
                    }
                    l += Math.log(e) - (z[i][batch.labels()[i]] - max);
                }
                return l / z.length;
            });
        }
        return sum / specs.size();
    }

    /** Clip + Adam with L2 weight decay (PyTorch semantics); returns the pre-clip norm, NaN if not finite. */
    private double update() {
        List<Parameter> ps = ghn.parameters();
        float[][] grads = new float[ps.size()][];
        double sq = 0;
        for (int i = 0; i < ps.size(); i++) {
            grads[i] = ps.get(i).grad().dup('c').data().asFloat();
            for (float g : grads[i]) {
                sq += (double) g * g;
            }
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            return Double.NaN;
        }
        double scale = norm > config.gradClip() ? config.gradClip() / (norm + 1e-6) : 1.0;
        long t = step + 1 - skipped;
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = 1 - Math.pow(BETA2, t);
        double lr = config.learningRateAt(step);
        double wd = config.weightDecay();
        for (int i = 0; i < ps.size(); i++) {
            Parameter p = ps.get(i);
            float[] w = p.value().dup('c').data().asFloat();
            float[] m = adamM[i];
            float[] v = adamV[i];
            float[] g = grads[i];
            for (int k = 0; k < w.length; k++) {
                double gk = g[k] * scale + wd * w[k];
                m[k] = (float) (BETA1 * m[k] + (1 - BETA1) * gk);
                v[k] = (float) (BETA2 * v[k] + (1 - BETA2) * gk * gk);
                double denom = Math.sqrt(v[k] / bc2) + EPS;
                w[k] = (float) (w[k] - lr * (m[k] / bc1) / denom);
            }
            p.value().assign(Nd4j.create(w, p.value().shape(), 'c'));
        }
        return norm;
    }

    private ImageBatch batch(long t) {
        int perEpoch = train.size() / config.batchSize();
        long epoch = t / perEpoch;
        if (epoch != epochOfOrder) {
            RandomGenerator rng = RandomGeneratorFactory.of(RNG).create(mix(mix(config.seed(), 0x696d6167L), epoch));
            int[] order = new int[train.size()];
            Arrays.setAll(order, k -> k);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int s = order[i];
                order[i] = order[j];
                order[j] = s;
            }
            epochOrder = order;
            epochOfOrder = epoch;
        }
        int from = (int) (t % perEpoch) * config.batchSize();
        return train.batch(Arrays.copyOfRange(epochOrder, from, from + config.batchSize()));
    }

    /**
     * Writes a checkpoint atomically: config, step, counters, running metrics, loss history, GHN weights and Adam
     * moments, SHA-256 checked ({@link TensorArchive}).
     */
    public void save(Path file) {
        toArchive(true).write(file);
    }

    /** The checkpoint as an archive; without the Adam moments it is a smaller weights-only file of the same kind. */
    TensorArchive toArchive(boolean withOptimizer) {
        ObjectNode meta = TensorArchive.newMeta();
        meta.set("config", config.toJson());
        meta.put("step", step);
        meta.put("skippedSteps", skipped);
        meta.put("unsupportedNets", unsupportedNets);
        if (Double.isFinite(runningLoss)) {
            meta.put("runningLoss", runningLoss);
            meta.put("runningAccuracy", runningAccuracy);
        }
        meta.putObject("dataset").put("name", train.name()).put("size", train.size());
        ObjectNode g = meta.putObject("ghn");
        g.put("hidden", ghn.config().hidden()).put("virtualEdgeCutoff", ghn.config().virtualEdgeCutoff())
                .put("layerNorm", ghn.config().layerNorm()).put("spatialMax", ghn.config().spatialMax())
                .put("numClasses", ghn.config().numClasses());
        meta.put("optimizer", withOptimizer);
        Map<String, TensorArchive.Tensor> tensors = new LinkedHashMap<>();
        List<Parameter> ps = ghn.parameters();
        for (Parameter p : ps) {
            tensors.put("param/" + p.name(), new TensorArchive.Tensor(p.value().shape(),
                    p.value().dup('c').data().asFloat()));
        }
        if (withOptimizer) {
            for (int i = 0; i < ps.size(); i++) {
                tensors.put("adam.m/" + ps.get(i).name(), new TensorArchive.Tensor(ps.get(i).value().shape(), adamM[i]));
                tensors.put("adam.v/" + ps.get(i).name(), new TensorArchive.Tensor(ps.get(i).value().shape(), adamV[i]));
            }
        }
        tensors.put("history/loss", new TensorArchive.Tensor(new long[] {lossHistory.length}, lossHistory));
        tensors.put("history/accuracy", new TensorArchive.Tensor(new long[] {accuracyHistory.length}, accuracyHistory));
        return new TensorArchive(CHECKPOINT_KIND, CHECKPOINT_VERSION, meta, tensors);
    }

    /** Writes the weights without optimizer state (the shipped-checkpoint form, a third of the size). */
    public void saveWeights(Path file) {
        toArchive(false).write(file);
    }

    /** Stops the worker threads; the trainer must not step afterwards. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** The run's settings. */
    public GhnTrainingConfig config() {
        return config;
    }

    /** The model being trained (its parameters change with every step). */
    public Ghn2 ghn() {
        return ghn;
    }

    /** Steps done so far, skipped ones included; the next step has this index. */
    public long completedSteps() {
        return step;
    }

    /** Steps skipped for a non-finite loss or gradient. */
    public long skippedSteps() {
        return skipped;
    }

    /** Sampled nets that could not be built for the dataset's input and were left out of their step. */
    public long unsupportedNets() {
        return unsupportedNets;
    }

    /** Exponential moving average (0.98) of the step loss; NaN before the first step. */
    public double runningLoss() {
        return runningLoss;
    }

    /** Exponential moving average (0.98) of the step's training accuracy; NaN before the first step. */
    public double runningAccuracy() {
        return runningAccuracy;
    }

    /** The mean loss of every step so far (NaN for steps without a finite loss). */
    public float[] lossHistory() {
        return lossHistory.clone();
    }

    private static float[] append(float[] a, float v) {
        float[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** SplitMix64-style mixing of two longs into a well-spread seed. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
