package org.ghnas.experiments.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.ghn.train.GhnTrainer;
import org.ghnas.ghn.train.GhnTrainingConfig;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdConfig;
import org.ghnas.space.runtime.SgdTrainer;
import org.ghnas.space.runtime.VectorApi;
import org.ghnas.space.runtime.Workspaces;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.Family;
import org.ghnas.space.sample.PredefinedNets;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GHN benchmark of issue 3: how good predicted parameters are on held-out nets (beside He init and a few SGD
 * steps from it), how fast prediction and embedding are, and how fast a training step is compared with what the
 * machine's convolutions can do. Held-out nets come from non-negative sampler seeds (training draws negative ones),
 * so no benchmarked net was seen in training.
 *
 * <pre>{@code
 * GhnBenchmark.Settings s = GhnBenchmark.Settings.full().withIdNets(5).withOodNets(2).withTestImages(2000);
 * ObjectNode result = new GhnBenchmark(GraphHyperNetwork.pretrained(), splits, s, System.err::println).run();
 * String report = GhnBenchmark.markdown(result);
 * }</pre>
 *
 * <p>Accuracies are percentages of the first {@code testImages} test images, evaluated in batches of 64 with
 * BatchNorm on batch statistics (the reference's protocol). Nets the GHN or the runtime cannot handle are counted
 * as failed and left out of the means.
 */
public final class GhnBenchmark {

    /** Accuracy goal of the in-distribution nets with predicted parameters, percent. */
    public static final double ID_GOAL = 70;
    /** Accuracy goal of each OOD family with predicted parameters, percent. */
    public static final double OOD_GOAL = 55;
    /** Latency goal: seconds to predict ResNet-50. */
    public static final double RESNET50_GOAL_S = 0.5;
    /** Latency goal: embedded nets per second. */
    public static final double EMBED_GOAL_PER_S = 100;
    /** Throughput goal: seconds per training step at meta-batch 8, C=16, batch 64. */
    public static final double STEP_GOAL_S = 1.5;

    private static final int EVAL_BATCH = 64;
    /** The out-of-distribution families of the accuracy part, in report order. */
    public static final List<Family> OOD_FAMILIES = List.of(Family.WIDE, Family.DEEP, Family.DENSE, Family.BNFREE);

    /**
     * Sizes of a benchmark run.
     *
     * @param seed          sampler seed of the held-out ID nets, OOD family f uses seed + f.ordinal() (non-negative:
     *                      training uses negative seeds)
     * @param channels      base channels C of sampled held-out nets (WIDE nets get 4 C)
     * @param idNets        in-distribution nets for accuracy
     * @param oodNets       nets of each OOD family (wide, deep, dense, BN-free)
     * @param oodFamilies   the OOD families measured, a subset of wide, deep, dense and BN-free (each keeps its nets
     *                      and images whichever others are measured, so a family can be measured alone)
     * @param predefined    whether ResNet-50 and DARTS join the accuracy part
     * @param testImages    test images each net is evaluated on (the first ones of the test set)
     * @param sgdSteps      SGD steps from He init for the third column (0 leaves it out)
     * @param latencyNets   in-distribution nets timed for prediction and embedding
     * @param repeats       timed repetitions per latency figure (after one warm-up)
     * @param trainSteps    timed GHN training steps (0 skips the training-throughput part)
     * @param trainMetaBatch nets per training step
     * @param trainChannels C of the training step's nets
     * @param trainBatch    images per training step
     * @param trainFcDim    classifier width of the training step's nets
     */
    public record Settings(long seed, int channels, int idNets, int oodNets, List<Family> oodFamilies,
                           boolean predefined, int testImages,
                           int sgdSteps, int latencyNets, int repeats, int trainSteps, int trainMetaBatch,
                           int trainChannels, int trainBatch, int trainFcDim) {

        /** Validates every field. */
        public Settings {
            atLeast("seed", seed, 0);
            atLeast("channels", channels, 1);
            atLeast("idNets", idNets, 0);
            atLeast("oodNets", oodNets, 0);
            requireNonNull(oodFamilies, "oodFamilies");
            for (Family f : oodFamilies) {
                if (!OOD_FAMILIES.contains(f)) {
                    throw new IllegalArgumentException("oodFamilies must be among " + OOD_FAMILIES + ", but held "
                            + f + ".");
                }
            }
            oodFamilies = OOD_FAMILIES.stream().filter(oodFamilies::contains).toList();
            atLeast("testImages", testImages, 1);
            atLeast("sgdSteps", sgdSteps, 0);
            atLeast("latencyNets", latencyNets, 0);
            atLeast("repeats", repeats, 1);
            atLeast("trainSteps", trainSteps, 0);
            atLeast("trainMetaBatch", trainMetaBatch, 1);
            atLeast("trainChannels", trainChannels, 8);
            atLeast("trainBatch", trainBatch, 1);
            atLeast("trainFcDim", trainFcDim, 1);
        }

        /** The sizes: 100 ID nets, 20 per OOD family, ResNet-50 and DARTS, 2,000 images, 100 SGD steps. */
        public static Settings full() {
            return new Settings(0, 8, 100, 20, OOD_FAMILIES, true, 2_000, 100, 20, 5, 3, 8, 16, 64, 256);
        }

        public Settings withIdNets(int n) {
            return new Settings(seed, channels, n, oodNets, oodFamilies, predefined, testImages, sgdSteps,
                    latencyNets, repeats, trainSteps, trainMetaBatch, trainChannels, trainBatch, trainFcDim);
        }

        public Settings withOodNets(int n) {
            return new Settings(seed, channels, idNets, n, oodFamilies, predefined, testImages, sgdSteps,
                    latencyNets, repeats, trainSteps, trainMetaBatch, trainChannels, trainBatch, trainFcDim);
        }

        /** These settings measuring only the given OOD families (a subset of wide, deep, dense and BN-free). */
        public Settings withOodFamilies(Collection<Family> families) {
            return new Settings(seed, channels, idNets, oodNets, List.copyOf(families), predefined, testImages,
                    sgdSteps, latencyNets, repeats, trainSteps, trainMetaBatch, trainChannels, trainBatch,
                    trainFcDim);
        }

        public Settings withTestImages(int n) {
            return new Settings(seed, channels, idNets, oodNets, oodFamilies, predefined, n, sgdSteps, latencyNets,
                    repeats, trainSteps, trainMetaBatch, trainChannels, trainBatch, trainFcDim);
        }

        public Settings withSgdSteps(int n) {
            return new Settings(seed, channels, idNets, oodNets, oodFamilies, predefined, testImages, n, latencyNets,
                    repeats, trainSteps, trainMetaBatch, trainChannels, trainBatch, trainFcDim);
        }

        public Settings withTrainSteps(int n) {
            return new Settings(seed, channels, idNets, oodNets, oodFamilies, predefined, testImages, sgdSteps,
                    latencyNets, repeats, n, trainMetaBatch, trainChannels, trainBatch, trainFcDim);
        }

        public Settings withPredefined(boolean p) {
            return new Settings(seed, channels, idNets, oodNets, oodFamilies, p, testImages, sgdSteps, latencyNets,
                    repeats, trainSteps, trainMetaBatch, trainChannels, trainBatch, trainFcDim);
        }

        ObjectNode toJson() {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("seed", seed).put("channels", channels).put("id_nets", idNets).put("ood_nets", oodNets)
                    .put("ood_families", oodFamilies.stream().map(f -> f.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(",")))
                    .put("predefined", predefined).put("test_images", testImages).put("sgd_steps", sgdSteps)
                    .put("latency_nets", latencyNets).put("repeats", repeats).put("train_steps", trainSteps)
                    .put("train_meta_batch", trainMetaBatch).put("train_channels", trainChannels)
                    .put("train_batch", trainBatch).put("train_fc_dim", trainFcDim);
            return o;
        }

        private static void atLeast(String field, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(field + " must be >= " + min + ", but was " + value + ".");
            }
        }
    }

    /**
     * Where the accuracy part records finished nets.
     *
     * @param predicted figures with GHN-predicted parameters (valid for one GHN)
     * @param baselines He-init and SGD figures (valid for any GHN: the same nets, seeds and images)
     */
    public record Journals(BenchmarkJournal predicted, BenchmarkJournal baselines) {
        public Journals {
            requireNonNull(predicted, "predicted");
            requireNonNull(baselines, "baselines");
        }

        /** {@code accuracy-predicted.jsonl} and {@code accuracy-baselines.jsonl} in {@code dir}. */
        public static Journals in(java.nio.file.Path dir) {
            return in(dir, dir.resolve("accuracy-baselines.jsonl"));
        }

        /**
         * {@code accuracy-predicted.jsonl} in {@code dir}, the baselines in a file of their own: they hold for any
         * GHN, so one file serves the benchmarks of every checkpoint.
         */
        public static Journals in(java.nio.file.Path dir, java.nio.file.Path baselines) {
            return new Journals(new BenchmarkJournal(dir.resolve("accuracy-predicted.jsonl")),
                    new BenchmarkJournal(baselines));
        }
    }

    /** One named group of held-out nets. */
    record NetSet(String name, List<? extends Architecture> nets, double goal) {
    }

    private final GraphHyperNetwork ghn;
    private final DatasetSplits data;
    private final Settings settings;
    private final Consumer<String> log;
    private final int workers;
    private final Journals journals;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param log receives one progress line per net and part (e.g. {@code System.err::println})
     * @throws IllegalArgumentException if the dataset's images are not what the GHN predicts for
     */
    public GhnBenchmark(GraphHyperNetwork ghn, DatasetSplits data, Settings settings, Consumer<String> log) {
        this(ghn, data, settings, log, 1, null);
    }

    /**
     * A benchmark whose accuracy part runs {@code workers} nets at a time and, with journals, records each net as it
     * finishes, so that an interrupted run started again with the same journals measures only the missing nets, and
     * a run for another GHN reuses the baseline columns.
     *
     * @param journals where finished nets are recorded, or null
     * @throws IllegalArgumentException if the dataset's images are not what the GHN predicts for, or workers < 1
     */
    public GhnBenchmark(GraphHyperNetwork ghn, DatasetSplits data, Settings settings, Consumer<String> log,
                        int workers, Journals journals) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, but was " + workers + ".");
        }
        this.workers = workers;
        this.journals = journals;
        this.ghn = requireNonNull(ghn, "ghn");
        this.data = requireNonNull(data, "data");
        this.settings = requireNonNull(settings, "settings");
        this.log = requireNonNull(log, "log");
        var in = ghn.input();
        if (data.channels() != in.channels() || data.height() != in.height() || data.width() != in.width()
                || data.classes() != in.classes()) {
            throw new IllegalArgumentException("data must have " + in.channels() + "x" + in.height() + "x"
                    + in.width() + " images of " + in.classes() + " classes (the GHN's input), but "
                    + data.name() + " has " + data.channels() + "x" + data.height() + "x" + data.width() + " and "
                    + data.classes() + " classes.");
        }
    }

    /** The held-out nets of the accuracy part, in report order. */
    List<NetSet> netSets() {
        List<NetSet> sets = new ArrayList<>();
        sets.add(new NetSet("id", sample(Family.ID, settings.idNets()), ID_GOAL));
        for (Family f : settings.oodFamilies()) {
            sets.add(new NetSet(f.name().toLowerCase(Locale.ROOT), sample(f, settings.oodNets()), OOD_GOAL));
        }
        if (settings.predefined()) {
            sets.add(new NetSet("resnet50", List.of(PredefinedNets.resnet50()), Double.NaN));
            sets.add(new NetSet("darts", List.of(PredefinedNets.darts()), Double.NaN));
        }
        return sets;
    }

    /**
     * The first {@code n} nets of family {@code f} from sampler seed {@code seed + f.ordinal()}: ID nets from the
     * seed itself, each OOD family from its own stream (with one shared seed, WIDE and BN-free nets would be the ID
     * nets widened or stripped of BatchNorm).
     */
    private List<NetworkSpec> sample(Family f, int n) {
        return DeepNets1MSampler.builder(settings.seed() + f.ordinal()).family(f).channels(settings.channels()).build()
                .sample(n);
    }

    /** Runs every part and returns the result tree that {@link #markdown} renders. */
    public ObjectNode run() {
        ObjectNode r = mapper.createObjectNode();
        r.put("ghn_sha256", ghn.checksum());
        r.put("dataset", data.name());
        r.put("available_processors", Runtime.getRuntime().availableProcessors());
        r.put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        r.put("vector_api_kernels", VectorApi.available());
        r.put("openblas_coretype", String.valueOf(System.getenv("OPENBLAS_CORETYPE")));
        r.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        cpu().ifPresent(c -> r.put("cpu", c));
        r.set("settings", settings.toJson());
        r.set("accuracy", accuracy());
        r.set("latency", latency());
        if (settings.trainSteps() > 0) {
            r.set("training", training());
        }
        return r;
    }

    ArrayNode accuracy() {
        ImageDataset test = data.test().subset(0, Math.min(settings.testImages(), data.test().size()));
        List<NetSet> sets = netSets();
        // what a net's figures depend on (not how many nets there are, nor the latency and training parts); the
        // He-init and SGD columns do not depend on the GHN, so they are kept apart and reused for other checkpoints
        ObjectNode baselineHeader = mapper.createObjectNode();
        baselineHeader.put("dataset", data.name()).put("seed", settings.seed()).put("channels", settings.channels())
                .put("test_images", settings.testImages()).put("sgd_steps", settings.sgdSteps());
        ObjectNode predictedHeader = baselineHeader.deepCopy().put("ghn_sha256", ghn.checksum());
        predictedHeader.remove("sgd_steps");
        Map<String, ObjectNode> predictedDone = journals == null ? Map.of()
                : journals.predicted().open(predictedHeader);
        Map<String, ObjectNode> baselinesDone = journals == null ? Map.of()
                : journals.baselines().open(baselineHeader);
        ObjectNode[][] results = new ObjectNode[sets.size()][];
        List<Callable<Void>> jobs = new ArrayList<>();
        for (int k = 0; k < sets.size(); k++) {
            NetSet set = sets.get(k);
            results[k] = new ObjectNode[set.nets().size()];
            for (int i = 0; i < set.nets().size(); i++) {
                String key = set.name() + "/" + i;
                ObjectNode predicted = predictedDone.get(key);
                ObjectNode baselines = baselinesDone.get(key);
                if (predicted != null && baselines != null) {
                    results[k][i] = merge(i, predicted, baselines);
                    continue;
                }
                int kk = k;
                int ii = i;
                jobs.add(() -> {
                    ObjectNode p = predicted != null ? predicted : predictedFigures(set.nets().get(ii), test);
                    if (predicted == null && journals != null) {
                        journals.predicted().append(key, p);
                    }
                    ObjectNode b = baselines != null ? baselines : baselineFigures(set.nets().get(ii), test);
                    if (baselines == null && journals != null) {
                        journals.baselines().append(key, b);
                    }
                    ObjectNode n = merge(ii, p, b);
                    results[kk][ii] = n;
                    log.accept(String.format(Locale.ROOT, "accuracy %s %d/%d: %s", set.name(), ii + 1,
                            set.nets().size(), n));
                    return null;
                });
            }
        }
        ParallelTasks.run(workers, jobs, "the accuracy part");
        ArrayNode out = mapper.createArrayNode();
        for (int k = 0; k < sets.size(); k++) {
            NetSet set = sets.get(k);
            if (set.nets().isEmpty()) {
                continue;
            }
            ObjectNode s = out.addObject();
            s.put("set", set.name());
            s.put("nets", set.nets().size());
            if (Double.isFinite(set.goal())) {
                s.put("goal_predicted_mean", set.goal());
            }
            List<Double> predicted = new ArrayList<>();
            List<Double> he = new ArrayList<>();
            List<Double> sgd = new ArrayList<>();
            ArrayNode perNet = mapper.createArrayNode();
            int failed = 0;
            for (ObjectNode n : results[k]) {
                perNet.add(n);
                if (n.has("error")) {
                    failed++;
                    continue;
                }
                predicted.add(n.path("predicted").asDouble());
                he.add(n.path("he_init").asDouble());
                if (settings.sgdSteps() > 0) {
                    sgd.add(n.path("sgd").asDouble());
                }
            }
            s.put("failed", failed);
            s.set("predicted", meanSe(predicted));
            s.set("he_init", meanSe(he));
            if (settings.sgdSteps() > 0) {
                s.set("sgd", meanSe(sgd));
            }
            if (Double.isFinite(set.goal())) {
                s.put("goal_met", !predicted.isEmpty() && mean(predicted) >= set.goal());
            }
            s.set("per_net", perNet);
        }
        return out;
    }

    /** A net's row: its index, then the GHN's figures, then the baselines'; the first error wins. */
    private ObjectNode merge(int index, ObjectNode predicted, ObjectNode baselines) {
        ObjectNode n = mapper.createObjectNode();
        n.put("index", index);
        if (predicted.has("error") || baselines.has("error")) {
            n.put("error", (predicted.has("error") ? predicted : baselines).path("error").asText());
            return n;
        }
        n.setAll(predicted);
        n.setAll(baselines);
        return n;
    }

    /** Prediction time, size and test accuracy with GHN-predicted parameters, or the error. */
    private ObjectNode predictedFigures(Architecture arch, ImageDataset test) {
        return figures(n -> {
            long t0 = System.nanoTime();
            PredictedParameters p = ghn.predict(arch);
            n.put("predict_s", round((System.nanoTime() - t0) / 1e9, 4));
            NetworkPlan plan = p.plan();
            n.put("params", plan.parameterCount());
            n.put("macs", plan.macs());
            double predicted = 100 * SgdTrainer.accuracy(RunnableNetwork.of(plan), p.toNetworkParameters(), test,
                    EVAL_BATCH);
            n.put("predicted", round(predicted, 2));
            n.put("predicted_s", round((System.nanoTime() - t0) / 1e9, 2));
        });
    }

    /** Test accuracy at He init and after the SGD steps from it (no GHN involved), or the error. */
    private ObjectNode baselineFigures(Architecture arch, ImageDataset test) {
        return figures(n -> {
            long t0 = System.nanoTime();
            NetworkPlan plan = ghn.plan(arch);
            RunnableNetwork net = RunnableNetwork.of(plan);
            NetworkParameters init = NetworkParameters.heInit(plan, settings.seed() + 1);
            try {
                n.put("he_init", round(100 * SgdTrainer.accuracy(net, init, test, EVAL_BATCH), 2));
                if (settings.sgdSteps() > 0) {
                    // epochs chosen so that SgdTrainer runs exactly sgdSteps steps of batch 64
                    int perEpoch = (data.train().size() + EVAL_BATCH - 1) / EVAL_BATCH;
                    SgdConfig c = new SgdConfig(0.05, 0.9, 3e-4, EVAL_BATCH, (double) settings.sgdSteps() / perEpoch,
                            settings.seed() + 1);
                    new SgdTrainer(c).train(net, init, data.train(), null);
                    n.put("sgd", round(100 * SgdTrainer.accuracy(net, init, test, EVAL_BATCH), 2));
                }
            } finally {
                init.release();
            }
            n.put("baselines_s", round((System.nanoTime() - t0) / 1e9, 2));
        });
    }

    /** Runs one net's part; an error becomes the row's only figure. Frees the thread's native memory afterwards. */
    private ObjectNode figures(Consumer<ObjectNode> part) {
        ObjectNode n = mapper.createObjectNode();
        try {
            part.accept(n);
        } catch (RuntimeException e) {
            n.removeAll();
            n.put("error", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        } finally {
            Workspaces.release(); // nets differ in size: keep each worker's workspaces from ratcheting up
        }
        return n;
    }

    ObjectNode latency() {
        ObjectNode l = mapper.createObjectNode();
        l.put("repeats", settings.repeats());
        double resnet = medianSeconds(() -> ghn.predict(PredefinedNets.resnet50()));
        l.put("resnet50_predict_s", round(resnet, 4));
        l.put("resnet50_goal_s", RESNET50_GOAL_S);
        l.put("resnet50_goal_met", resnet <= RESNET50_GOAL_S);
        log.accept("latency: resnet50 predict " + round(resnet, 4) + " s");
        List<NetworkSpec> nets = sample(Family.ID, settings.latencyNets());
        if (!nets.isEmpty()) {
            double[] predict = new double[nets.size()];
            double[] embed = new double[nets.size()];
            for (int i = 0; i < nets.size(); i++) {
                NetworkSpec s = nets.get(i);
                predict[i] = medianSeconds(() -> ghn.predict(s));
                embed[i] = medianSeconds(() -> ghn.embed(s));
            }
            double embedMedian = Median.of(embed);
            l.put("id_nets", nets.size());
            l.put("id_predict_median_s", round(Median.of(predict), 4));
            l.put("id_predict_all_s", round(Arrays.stream(predict).sum(), 4));
            l.put("id_embed_median_s", round(embedMedian, 5));
            l.put("id_embed_nets_per_s", round(1 / embedMedian, 1));
            l.put("embed_goal_nets_per_s", EMBED_GOAL_PER_S);
            l.put("embed_goal_met", 1 / embedMedian >= EMBED_GOAL_PER_S);
            // the search's hot path: a whole generation embedded in one call, which spreads over the cores
            double batch = medianSeconds(() -> ghn.embed(nets));
            l.put("id_embed_batch_nets_per_s", round(nets.size() / batch, 1));
            l.put("embed_batch_goal_met", nets.size() / batch >= EMBED_GOAL_PER_S);
            log.accept("latency: " + l);
        }
        return l;
    }

    ObjectNode training() {
        var gc = ghn.config();
        GhnTrainingConfig c = new GhnTrainingConfig(1, settings.trainSteps() + 1, settings.trainMetaBatch(),
                settings.trainChannels(), settings.trainFcDim(), settings.trainBatch(), 1e-3, 1e-5, 5.0, 100,
                gc.hidden(), gc.virtualEdgeCutoff());
        double convMacsPerS = convMacsPerSecond(settings.repeats(), workers);
        try (GhnTrainer trainer = GhnTrainer.start(c, data.train(), workers)) {
            return training(trainer, c, workers, convMacsPerS);
        }
    }

    private ObjectNode training(GhnTrainer trainer, GhnTrainingConfig c, int workers, double convMacsPerS) {
        trainer.step(); // warm-up
        double[] seconds = new double[settings.trainSteps()];
        double[] stepMacs = new double[settings.trainSteps()];
        double[] netSeconds = new double[settings.trainSteps()];
        double[] busy = new double[settings.trainSteps()];
        int nets = 0;
        for (int i = 0; i < seconds.length; i++) {
            long t = trainer.completedSteps();
            long t0 = System.nanoTime();
            GhnTrainer.StepResult r = trainer.step();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            nets += r.nets();
            netSeconds[i] = r.netSeconds();
            busy[i] = r.netSeconds() / (workers * seconds[i]);
            stepMacs[i] = 3.0 * settings.trainBatch() * targetMacs(c, t);
            log.accept(String.format(Locale.ROOT, "training step %d: %.2f s, %d nets", i + 1, seconds[i], r.nets()));
        }
        double sec = Median.of(seconds);
        double achieved = 0;
        for (int i = 0; i < seconds.length; i++) {
            achieved += stepMacs[i] / seconds[i];
        }
        achieved /= seconds.length;
        ObjectNode o = mapper.createObjectNode();
        o.set("config", c.toJson());
        o.put("workers", workers);
        o.put("timed_steps", seconds.length);
        o.put("step_median_s", round(sec, 3));
        // the JIT compiles the kernels over the first tens of steps, which a run of hours pays once
        o.put("step_median_second_half_s",
                round(Median.of(Arrays.copyOfRange(seconds, seconds.length / 2, seconds.length)), 3));
        ArrayNode each = o.putArray("step_seconds");
        for (double x : seconds) {
            each.add(round(x, 3));
        }
        o.put("step_goal_s", STEP_GOAL_S);
        o.put("step_goal_met", sec <= STEP_GOAL_S);
        o.put("mean_nets_per_step", round((double) nets / seconds.length, 2));
        o.put("architecture_images_per_s", round((double) nets / seconds.length * settings.trainBatch() / sec, 1));
        o.put("net_seconds_per_step_median", round(Median.of(netSeconds), 3));
        o.put("workers_busy_share_median", round(Median.of(busy), 3));
        o.put("target_gmacs_per_step", round(Median.of(stepMacs) / 1e9, 3));
        o.put("achieved_gmacs_per_s", round(achieved / 1e9, 3));
        o.put("conv_baseline", "dense conv2d 64x16x32x32, 3x3, 16 out, pad 1, forward, float32, on " + workers
                + " thread(s) at once");
        o.put("conv_baseline_gmacs_per_s", round(convMacsPerS / 1e9, 3));
        o.put("fraction_of_conv_throughput", round(achieved / convMacsPerS, 4));
        return o;
    }

    /** Forward MACs per image of the nets step {@code t} trains (the trainer's own draw, rebuilt here). */
    private long targetMacs(GhnTrainingConfig c, long t) {
        long macs = 0;
        for (NetworkSpec s : DeepNets1MSampler.builder(GhnTrainer.trainingSamplerSeed(c.seed(), t))
                .channels(c.channels()).fcDim(c.fcDim()).build().sample(c.metaBatch())) {
            try {
                macs += NetworkPlan.of(s, ghn.input()).macs();
            } catch (IllegalArgumentException e) {
                // left out by the trainer too
            }
        }
        return macs;
    }

    /**
     * Multiply-accumulates per second of a dense 3x3 convolution on 64x16x32x32 float32 activations, with
     * {@code threads} threads each running such convolutions at once: the machine's figure when the trainer's workers
     * keep that many cores busy.
     */
    static double convMacsPerSecond(int repeats, int threads) {
        List<Callable<Double>> jobs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            jobs.add(() -> convMacsPerSecond(repeats));
        }
        return ParallelTasks.run(threads, jobs, "the convolution baseline").stream().mapToDouble(Double::doubleValue)
                .sum();
    }

    /** The same on the calling thread alone. */
    static double convMacsPerSecond(int repeats) {
        return Workspaces.scoped("conv-baseline", () -> {
            INDArray x = Nd4j.rand(DataType.FLOAT, 64, 16, 32, 32);
            INDArray w = Nd4j.rand(DataType.FLOAT, 16, 16, 3, 3);
            INDArray y = Nd4j.create(DataType.FLOAT, 64, 16, 32, 32);
            DynamicCustomOp op = DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(y)
                    .addIntegerArguments(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1).build();
            int calls = 10;
            double[] s = new double[Math.max(3, repeats)];
            Nd4j.exec(op);
            for (int r = 0; r < s.length; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    Nd4j.exec(op);
                }
                s[r] = (System.nanoTime() - t0) / 1e9 / calls;
            }
            double macs = 64.0 * 16 * 16 * 9 * 32 * 32;
            return macs / Median.of(s);
        });
    }

    private double medianSeconds(Runnable body) {
        return Median.millis(1, settings.repeats(), body) / 1e3;
    }

    private ObjectNode meanSe(List<Double> v) {
        ObjectNode o = mapper.createObjectNode();
        o.put("n", v.size());
        if (v.isEmpty()) {
            return o;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        double se = v.size() < 2 ? Double.NaN : Math.sqrt(ss / (v.size() - 1) / v.size());
        o.put("mean", round(m, 2));
        if (Double.isFinite(se)) {
            o.put("se", round(se, 2));
        }
        return o;
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** This machine's CPU as {@link #describeCpu} names it, where {@code /proc/cpuinfo} can be read. */
    private static Optional<String> cpu() {
        try {
            return describeCpu(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The model name and widest vector instruction set (AVX-512, AVX2, else none named) of the first processor in
     * {@code /proc/cpuinfo}'s lines: training throughput differs by 1.7x between a Xeon with AVX-512 and an EPYC
     * with AVX2 at the same core count, so a timing is only comparable with the CPU beside it.
     */
    static Optional<String> describeCpu(List<String> cpuinfo) {
        String model = null;
        String flags = null;
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (model == null && key.equals("model name")) {
                model = line.substring(colon + 1).trim();
            } else if (flags == null && key.equals("flags")) {
                flags = " " + line.substring(colon + 1).trim() + " ";
            }
        }
        if (model == null || model.isEmpty()) {
            return Optional.empty();
        }
        if (flags != null && flags.contains(" avx512f ")) {
            return Optional.of(model + " (AVX-512)");
        }
        if (flags != null && flags.contains(" avx2 ")) {
            return Optional.of(model + " (AVX2)");
        }
        return Optional.of(model);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Renders a {@link #run} result (with {@code command} and {@code checkpoint} added by the caller) as Markdown. */
    public static String markdown(JsonNode r) {
        StringBuilder b = new StringBuilder();
        b.append("# GHN benchmark\n\n");
        b.append("- command: `").append(r.path("command").asText("(not recorded)")).append("`\n");
        b.append("- checkpoint: ").append(r.path("checkpoint").asText("(not recorded)")).append(", weights SHA-256 `")
                .append(r.path("ghn_sha256").asText()).append("`\n");
        b.append("- machine: ").append(r.path("available_processors").asInt()).append(" available processors, ")
                .append("OMP_NUM_THREADS=").append(r.path("omp_num_threads").asText());
        if (r.has("vector_api_kernels")) {
            b.append(", Vector API kernels ").append(r.path("vector_api_kernels").asBoolean() ? "on" : "off");
        }
        if (r.has("openblas_coretype")) {
            b.append(", OPENBLAS_CORETYPE=").append(r.path("openblas_coretype").asText());
        }
        if (r.has("cpu")) {
            b.append(", CPU ").append(r.path("cpu").asText());
        }
        if (r.has("java")) {
            b.append(", Java ").append(r.path("java").asText());
        }
        b.append("\n");
        JsonNode s = r.path("settings");
        b.append("- dataset: ").append(r.path("dataset").asText()).append(", first ")
                .append(s.path("test_images").asInt()).append(" test images, batches of 64, BN on batch statistics; ")
                .append("held-out nets from sampler seed ").append(s.path("seed").asLong())
                .append(" (OOD families: seed + 1..4) at C=")
                .append(s.path("channels").asInt()).append(" (wide: 4C)\n\n");
        b.append("## 1. Test accuracy (%), mean ± standard error\n\n");
        int sgdSteps = s.path("sgd_steps").asInt();
        b.append("| nets | n | failed | predicted (no SGD) | He init | ")
                .append(sgdSteps > 0 ? sgdSteps + " SGD steps from He" : "SGD (not run)")
                .append(" | goal (predicted) |\n|---|---|---|---|---|---|---|\n");
        for (JsonNode set : r.path("accuracy")) {
            b.append("| ").append(set.path("set").asText()).append(" | ").append(set.path("nets").asInt())
                    .append(" | ").append(set.path("failed").asInt()).append(" | ")
                    .append(cell(set.path("predicted"))).append(" | ").append(cell(set.path("he_init")))
                    .append(" | ").append(cell(set.path("sgd"))).append(" | ");
            if (set.has("goal_predicted_mean")) {
                b.append("≥ ").append(fmt(set.path("goal_predicted_mean").asDouble()))
                        .append(set.path("goal_met").asBoolean() ? " met" : " **not met**");
            } else {
                b.append("–");
            }
            b.append(" |\n");
        }
        JsonNode l = r.path("latency");
        b.append("\n## 2. Latency (median of ").append(l.path("repeats").asInt()).append(" after a warm-up)\n\n");
        b.append("| what | figure | goal |\n|---|---|---|\n");
        b.append("| predict all parameters of ResNet-50 | ").append(l.path("resnet50_predict_s").asDouble())
                .append(" s | ≤ ").append(RESNET50_GOAL_S).append(" s").append(met(l.path("resnet50_goal_met")))
                .append(" |\n");
        if (l.has("id_nets")) {
            b.append("| predict one ID net (median over ").append(l.path("id_nets").asInt()).append(" nets) | ")
                    .append(l.path("id_predict_median_s").asDouble()).append(" s (all ")
                    .append(l.path("id_predict_all_s").asDouble()).append(" s) | – |\n");
            b.append("| embed one ID net | ").append(l.path("id_embed_median_s").asDouble()).append(" s = ")
                    .append(l.path("id_embed_nets_per_s").asDouble()).append(" nets/s | ≥ ")
                    .append(fmt(EMBED_GOAL_PER_S)).append(" nets/s").append(met(l.path("embed_goal_met")))
                    .append(" |\n");
            if (l.has("id_embed_batch_nets_per_s")) {
                b.append("| embed the ").append(l.path("id_nets").asInt()).append(" ID nets in one call (all cores) | ")
                        .append(l.path("id_embed_batch_nets_per_s").asDouble()).append(" nets/s | ≥ ")
                        .append(fmt(EMBED_GOAL_PER_S)).append(" nets/s").append(met(l.path("embed_batch_goal_met")))
                        .append(" |\n");
            }
        }
        JsonNode t = r.path("training");
        if (!t.isMissingNode()) {
            JsonNode c = t.path("config");
            b.append("\n## 3. Training throughput\n\n");
            b.append("Meta-batch ").append(c.path("metaBatch").asInt()).append(", C=")
                    .append(c.path("channels").asInt())
                    .append(", batch ").append(c.path("batchSize").asInt()).append(", fc ")
                    .append(c.path("fcDim").asInt()).append(", GHN hidden ").append(c.path("hidden").asInt())
                    .append(", ").append(t.path("workers").asInt(1)).append(" worker thread(s)")
                    .append("; median of ").append(t.path("timed_steps").asInt()).append(" steps after a warm-up.\n\n");
            b.append("| what | figure |\n|---|---|\n");
            b.append("| seconds per step | ").append(t.path("step_median_s").asDouble()).append(" (goal ≤ ")
                    .append(STEP_GOAL_S).append(met(t.path("step_goal_met"))).append("; reference PyTorch ~15) |\n");
            if (t.has("step_median_second_half_s")) {
                b.append("| seconds per step, median of the second half of the timed steps (the JIT settled) | ")
                        .append(t.path("step_median_second_half_s").asDouble()).append(" |\n");
            }
            b.append("| architecture-images per second | ").append(t.path("architecture_images_per_s").asDouble())
                    .append(" |\n");
            if (t.has("workers_busy_share_median")) {
                b.append("| the nets' passes, summed over nets (median per step) | ")
                        .append(t.path("net_seconds_per_step_median").asDouble()).append(" s |\n");
                b.append("| share of workers × step time spent in the nets' passes (median) | ")
                        .append(fmt(100 * t.path("workers_busy_share_median").asDouble())).append("% |\n");
            }
            b.append("| target nets' work per step (3 × forward MACs × batch) | ")
                    .append(t.path("target_gmacs_per_step").asDouble()).append(" GMAC |\n");
            b.append("| reached | ").append(t.path("achieved_gmacs_per_s").asDouble()).append(" GMAC/s |\n");
            b.append("| baseline: ").append(t.path("conv_baseline").asText()).append(" | ")
                    .append(t.path("conv_baseline_gmacs_per_s").asDouble()).append(" GMAC/s |\n");
            b.append("| fraction of the convolution throughput | ")
                    .append(fmt(100 * t.path("fraction_of_conv_throughput").asDouble())).append("% |\n");
        }
        return b.toString();
    }

    private static String met(JsonNode flag) {
        return flag.asBoolean() ? " met" : " **not met**";
    }

    private static String cell(JsonNode ms) {
        if (ms.isMissingNode() || !ms.has("mean")) {
            return "–";
        }
        return fmt(ms.path("mean").asDouble()) + (ms.has("se") ? " ± " + fmt(ms.path("se").asDouble()) : "");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
