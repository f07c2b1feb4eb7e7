package org.ghnas.experiments.finetune;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.space.Architecture;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdConfig;
import org.ghnas.space.runtime.SgdTrainer;

/**
 * Fine-tunes one architecture with SGD twice, from GHN-predicted parameters and from He init, with the same
 * batches, dropout masks and learning-rate schedule, and records test accuracy every few steps: the "toddler"
 * question (does a predicted initialisation train faster than a random one?) that GHN-2 and GHN-3 answer with
 * fine-tuning curves (anchors §0: GHN-3 init beats random init after 1 epoch on 55 of 74 ImageNet models).
 *
 * <pre>{@code
 * FineTuning.Result r = FineTuning.run(PredictedParameters.read(file), Datasets.open(null, null),
 *         FineTuning.Settings.defaults(200), null);
 * System.out.println(r.toMarkdown());
 * }</pre>
 *
 * <p>Accuracy is measured on the first {@code testImages} test images in batches of 64 with BatchNorm on each
 * batch's statistics (the reference's evaluation; predicted parameters come without running statistics).
 */
public final class FineTuning {

    /** Images per evaluation batch (the reference evaluates with batch 64 on batch statistics). */
    public static final int EVAL_BATCH = 64;

    private FineTuning() {
    }

    /**
     * The fine-tuning run.
     *
     * @param steps        SGD steps of each run
     * @param evalEvery    steps between test evaluations (also evaluated at step 0 and at the last step)
     * @param testImages   number of test images (the first ones of the test set)
     * @param seed         batch order, dropout and He-init seed (the same for both runs)
     * @param learningRate initial learning rate, cosine to 0 over the run; default 0.05, the rate the space's
     *                     tests and the ground-truth measurement train with
     * @param momentum     SGD momentum (default 0.9)
     * @param weightDecay  L2 coefficient (default 3e-4)
     * @param batchSize    images per step (default 64)
     */
    public record Settings(int steps, int evalEvery, int testImages, long seed, double learningRate, double momentum,
                           double weightDecay, int batchSize) {
        /** Validates every field; messages name the CLI option. */
        public Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("--steps must be >= 1, but was " + steps + ".");
            }
            if (evalEvery < 1) {
                throw new IllegalArgumentException("--eval-every must be >= 1, but was " + evalEvery + ".");
            }
            if (testImages < 1) {
                throw new IllegalArgumentException("--test-images must be >= 1, but was " + testImages + ".");
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("--lr must be > 0 and finite, but was " + learningRate + ".");
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), but was " + momentum + ".");
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must be >= 0, but was " + weightDecay + ".");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch must be >= 1, but was " + batchSize + ".");
            }
        }

        /** {@code steps} steps, evaluated 10 times, 2000 test images, seed 1, lr 0.05, momentum 0.9, wd 3e-4, batch 64. */
        public static Settings defaults(int steps) {
            return new Settings(steps, Math.max(1, steps / 10), 2000, 1, 0.05, 0.9, 3e-4, 64);
        }
    }

    /**
     * Both runs at one step.
     *
     * @param step              SGD steps taken (0 = the initial parameters)
     * @param predictedAccuracy test accuracy of the run from predicted parameters
     * @param heInitAccuracy    test accuracy of the run from He init
     * @param predictedLoss     mean training loss of the predicted run over the steps since the previous point
     *                          (NaN at step 0)
     * @param heInitLoss        the same for the He-init run
     */
    public record Point(int step, double predictedAccuracy, double heInitAccuracy, double predictedLoss,
                        double heInitLoss) {
    }

    /**
     * The curves of both runs.
     *
     * @param architecture     the fine-tuned net
     * @param dataset          the dataset's name
     * @param settings         how it was fine-tuned
     * @param points           accuracy at step 0, every {@code evalEvery} steps and at the last step
     * @param predictedSeconds wall time of the run from predicted parameters (evaluations included)
     * @param heInitSeconds    the same for the He-init run
     */
    public record Result(Architecture architecture, String dataset, Settings settings, List<Point> points,
                         double predictedSeconds, double heInitSeconds) {
        /** Copies the points. */
        public Result {
            requireNonNull(architecture, "architecture");
            points = List.copyOf(points);
        }

        /** The result as JSON: settings, the spec and one object per point. */
        public ObjectNode toJson() {
            ObjectNode o = ArchitectureJson.mapper().createObjectNode();
            o.set("spec", ArchitectureJson.toNode(architecture));
            o.put("dataset", dataset);
            o.putObject("settings").put("steps", settings.steps()).put("evalEvery", settings.evalEvery())
                    .put("testImages", settings.testImages()).put("seed", settings.seed())
                    .put("learningRate", settings.learningRate()).put("schedule", "cosine")
                    .put("momentum", settings.momentum()).put("weightDecay", settings.weightDecay())
                    .put("batchSize", settings.batchSize())
                    .put("evaluation", "first testImages test images, batches of 64, BatchNorm on batch statistics");
            ArrayNode a = o.putArray("points");
            for (Point p : points) {
                ObjectNode n = a.addObject().put("step", p.step()).put("predictedAccuracy", p.predictedAccuracy())
                        .put("heInitAccuracy", p.heInitAccuracy());
                putNumber(n, "predictedLoss", p.predictedLoss());
                putNumber(n, "heInitLoss", p.heInitLoss());
            }
            o.put("predictedSeconds", predictedSeconds).put("heInitSeconds", heInitSeconds);
            return o;
        }

        private static void putNumber(ObjectNode n, String key, double v) {
            if (Double.isFinite(v)) {
                n.put(key, v);
            } else {
                n.putNull(key);
            }
        }

        /** A Markdown report: settings line and a table of test accuracy (%) against steps for both runs. */
        public String toMarkdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("# Fine-tuning from GHN-predicted parameters vs He init\n\n");
            sb.append(String.format(Locale.ROOT, "%s, %d SGD steps of batch %d (lr %s cosine, momentum %s, weight "
                            + "decay %s, seed %d, same batches for both), test accuracy on the first %d test images.%n%n",
                    dataset, settings.steps(), settings.batchSize(), settings.learningRate(), settings.momentum(),
                    settings.weightDecay(), settings.seed(), settings.testImages()));
            sb.append("| step | predicted init acc % | He init acc % | predicted train loss | He init train loss |\n");
            sb.append("|---:|---:|---:|---:|---:|\n");
            for (Point p : points) {
                sb.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %s | %s |%n", p.step(),
                        100 * p.predictedAccuracy(), 100 * p.heInitAccuracy(), loss(p.predictedLoss()),
                        loss(p.heInitLoss())));
            }
            sb.append(String.format(Locale.ROOT, "%nWall time: predicted init %.1f s, He init %.1f s.%n",
                    predictedSeconds, heInitSeconds));
            return sb.toString();
        }

        private static String loss(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
        }
    }

    /** Told after every SGD step of either run. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param predicted true during the run from predicted parameters, false during the He-init run
         * @param step      steps done in this run
         * @param steps     steps of the run
         */
        void onStep(boolean predicted, int step, int steps);
    }

    /**
     * Fine-tunes {@code predicted}'s architecture from its parameters and from He init.
     *
     * @param listener may be null
     * @throws IllegalArgumentException if the parameters were predicted for another input than the dataset's images
     *                                  or the test set is smaller than {@code settings.testImages()}
     */
    public static Result run(PredictedParameters predicted, DatasetSplits data, Settings settings, Listener listener) {
        requireNonNull(predicted, "predicted");
        requireNonNull(data, "data");
        requireNonNull(settings, "settings");
        NetworkPlan plan = predicted.plan();
        InputShape in = plan.input();
        if (in.channels() != data.channels() || in.height() != data.height() || in.width() != data.width()
                || in.classes() != data.classes()) {
            throw new IllegalArgumentException("parameters were predicted for " + in.channels() + "x" + in.height()
                    + "x" + in.width() + " images and " + in.classes() + " classes, but " + data.name() + " has "
                    + data.channels() + "x" + data.height() + "x" + data.width() + " and " + data.classes());
        }
        if (settings.testImages() > data.test().size()) {
            throw new IllegalArgumentException("--test-images must be <= " + data.test().size() + " (the test set of "
                    + data.name() + "), but was " + settings.testImages() + ".");
        }
        ImageDataset test = data.test().subset(0, settings.testImages());
        RunnableNetwork net = RunnableNetwork.of(plan);
        long t0 = System.nanoTime();
        Curve fromPredicted = curve(net, predicted.toNetworkParameters(), data.train(), test, settings, true, listener);
        long t1 = System.nanoTime();
        Curve fromHe = curve(net, NetworkParameters.heInit(plan, settings.seed()), data.train(), test, settings, false,
                listener);
        long t2 = System.nanoTime();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < fromPredicted.steps.size(); i++) {
            points.add(new Point(fromPredicted.steps.get(i), fromPredicted.accuracy.get(i), fromHe.accuracy.get(i),
                    fromPredicted.loss.get(i), fromHe.loss.get(i)));
        }
        return new Result(plan.architecture(), data.name(), settings, points, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    private record Curve(List<Integer> steps, List<Double> accuracy, List<Double> loss) {
    }

    /** Trains {@code params} in place, evaluating at step 0, every evalEvery steps and at the end. */
    private static Curve curve(RunnableNetwork net, NetworkParameters params, ImageDataset train, ImageDataset test,
                               Settings s, boolean predicted, Listener listener) {
        int perEpoch = (train.size() + s.batchSize() - 1) / s.batchSize();
        SgdTrainer trainer = new SgdTrainer(new SgdConfig(s.learningRate(), s.momentum(), s.weightDecay(),
                s.batchSize(), (double) s.steps() / perEpoch, s.seed()));
        if (trainer.steps(train.size()) != s.steps()) {
            throw new IllegalStateException("SGD would take " + trainer.steps(train.size()) + " steps instead of "
                    + s.steps());
        }
        List<Integer> steps = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        steps.add(0);
        accuracy.add(SgdTrainer.accuracy(net, params, test, EVAL_BATCH));
        loss.add(Double.NaN);
        double[] window = new double[2];
        trainer.train(net, params, train, (step, total, l, acc) -> {
            if (Double.isFinite(l)) {
                window[0] += l;
                window[1]++;
            }
            if (step % s.evalEvery() == 0 || step == total) {
                steps.add(step);
                accuracy.add(SgdTrainer.accuracy(net, params, test, EVAL_BATCH));
                loss.add(window[1] == 0 ? Double.NaN : window[0] / window[1]);
                window[0] = 0;
                window[1] = 0;
            }
            if (listener != null) {
                listener.onStep(predicted, step, total);
            }
        });
        return new Curve(steps, accuracy, loss);
    }
}
