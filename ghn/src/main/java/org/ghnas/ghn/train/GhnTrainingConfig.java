package org.ghnas.ghn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.space.io.StrictYaml;

/**
 * Settings of one GHN-2 training run (facts §4), with defaults chosen for 2 CPU cores.
 *
 * <p><b>Why these defaults.</b> The reference trains with meta-batch 8, C from {32..128} and image batch 64 for
 * ~211k steps on a GPU. Measured here (2 shared cores, OMP_NUM_THREADS=1, median of 3 steps,
 * {@code GhnTrainBenchmark}): m=8, C=16, batch 64, fc 256 takes 10.5 s per step (~340 steps/hour); m=4, C=8,
 * batch 32, fc 64 takes 2.0 s (~1,800 steps/hour; 2.2-3 s with other jobs on the machine). {@code GhnStepProfile}
 * shows where the time goes: ~85-90% in the target nets' forward and backward passes ({@code space.runtime}), ~10%
 * in the GHN's own passes (GNN + decoders, 0.1-0.2 s per net at hidden 32), a few % in sampling and planning. So
 * the defaults shrink the target-net work (m=4, C=8, batch 32, classifier width 64) for 5x more updates per hour
 * while keeping every other choice of the reference (Adam 1e-3, weight decay 1e-5, clip 5, hidden 32, virtual
 * edges 50, LayerNorm); the decoders tile to any width, so predicted nets are evaluated at their own C later.
 * Faster runtime kernels make larger settings affordable without other changes.
 *
 * @param seed              root seed: GHN initialisation, per-step architecture samples, image order, dropout
 * @param steps             total optimiser steps of the run
 * @param metaBatch         architectures per step (m)
 * @param channels          base channel count C of the sampled training architectures
 * @param fcDim             hidden width of sampled two-layer classifiers
 * @param batchSize         images per step (the same batch goes through all m nets)
 * @param learningRate      Adam step size
 * @param weightDecay       L2 penalty added to the gradient (PyTorch Adam's {@code weight_decay})
 * @param gradClip          largest global gradient norm; larger gradients are scaled down to it
 * @param checkpointEvery   steps between checkpoints
 * @param hidden            GHN node state width
 * @param virtualEdgeCutoff longest shortest-path distance of a virtual edge (1 = none)
 * @param lrMilestones      steps (0-based) from which the learning rate is multiplied by {@code lrGamma} once more,
 *                          strictly increasing (PyTorch's MultiStepLR, as the reference schedules it); empty = constant
 * @param lrGamma           factor applied at each milestone, in (0, 1]
 * @param sampleWidthsFrom  0-based step from which each training net's C and fc_dim are drawn as the reference draws
 *                          them, scaled to {@code channels} and {@code fcDim} (up to 4x; {@link WidthSampler}); -1:
 *                          never, every net at {@code channels} and {@code fcDim}. Like the learning-rate schedule it
 *                          may change on resume, so a long run at the base width can branch into mixed widths
 * @param bnFreeShare       probability that a training net is replaced by an in-distribution net without
 *                          BatchNorm (the reference's sampler draws about 3% of those: only nets of at most 5 cells
 *                          and 2 steps may be BN-free); 0 keeps the reference's distribution. BN-free nets leave
 *                          each layer's scale to the predicted weights, which 3% of the draws teach too slowly
 *                          here (facts §4 trains on ~2000x more draws). May change on resume
 * @param scaleAnchor       weight of a penalty that pulls the spread of each predicted conv weight towards the scale
 *                          of the predicted-parameter normalisation (facts §3.7, sqrt(beta / fan_in)): the mean over a
 *                          net's conv tensors of (std(W) / scale - 1)^2, averaged over the step's nets like the
 *                          loss. BN nets, most of the draws, leave that spread free, and the GHN lets it drift to
 *                          about 0.6 of the scale, at which the signal of deep BN-free nets fades layer by layer;
 *                          0 = off (the reference). May change on resume
 * @implNote Immutable value type.
 */
public record GhnTrainingConfig(long seed, int steps, int metaBatch, int channels, int fcDim, int batchSize,
                                double learningRate, double weightDecay, double gradClip, int checkpointEvery,
                                int hidden, int virtualEdgeCutoff, List<Integer> lrMilestones, double lrGamma,
                                int sampleWidthsFrom, double bnFreeShare, double scaleAnchor) {

    private static final List<String> FIELDS = List.of("seed", "steps", "metaBatch", "channels", "fcDim",
            "batchSize", "learningRate", "weightDecay", "gradClip", "checkpointEvery", "hidden", "virtualEdgeCutoff",
            "lrMilestones", "lrGamma", "sampleWidthsFrom", "bnFreeShare", "scaleAnchor");

    /** Compact constructor that validates every field. */
    public GhnTrainingConfig {
        positive("steps", steps);
        positive("metaBatch", metaBatch);
        if (channels < 8 || channels % 2 != 0) {
            throw new IllegalArgumentException("channels must be an even integer >= 8, but was " + channels + ".");
        }
        positive("fcDim", fcDim);
        positive("batchSize", batchSize);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, but was " + learningRate + ".");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be >= 0 and finite, but was " + weightDecay + ".");
        }
        if (!(gradClip > 0)) {
            throw new IllegalArgumentException("gradClip must be > 0, but was " + gradClip + ".");
        }
        positive("checkpointEvery", checkpointEvery);
        if (hidden < 4 || hidden % 4 != 0) {
            throw new IllegalArgumentException("hidden must be a positive multiple of 4, but was " + hidden + ".");
        }
        positive("virtualEdgeCutoff", virtualEdgeCutoff);
        lrMilestones = List.copyOf(lrMilestones);
        for (int i = 0; i < lrMilestones.size(); i++) {
            if (lrMilestones.get(i) < 1 || i > 0 && lrMilestones.get(i) <= lrMilestones.get(i - 1)) {
                throw new IllegalArgumentException("lrMilestones must be strictly increasing steps >= 1, but was "
                        + lrMilestones + ".");
            }
        }
        if (!(lrGamma > 0 && lrGamma <= 1)) {
            throw new IllegalArgumentException("lrGamma must be in (0, 1], but was " + lrGamma + ".");
        }
        if (sampleWidthsFrom < -1) {
            throw new IllegalArgumentException("sampleWidthsFrom must be a step >= 0 (or -1 for never), but was "
                    + sampleWidthsFrom + ".");
        }
        if (!(bnFreeShare >= 0 && bnFreeShare <= 1)) {
            throw new IllegalArgumentException("bnFreeShare must be a probability in [0, 1], but was " + bnFreeShare
                    + ".");
        }
        if (!(scaleAnchor >= 0) || !Double.isFinite(scaleAnchor)) {
            throw new IllegalArgumentException("scaleAnchor must be >= 0 and finite, but was " + scaleAnchor + ".");
        }
    }

    /** A config with a constant learning rate (no milestones). */
    public GhnTrainingConfig(long seed, int steps, int metaBatch, int channels, int fcDim, int batchSize,
                             double learningRate, double weightDecay, double gradClip, int checkpointEvery,
                             int hidden, int virtualEdgeCutoff) {
        this(seed, steps, metaBatch, channels, fcDim, batchSize, learningRate, weightDecay, gradClip, checkpointEvery,
                hidden, virtualEdgeCutoff, List.of(), 0.1, -1, 0, 0);
    }

    /** The Adam step size of 0-based step {@code step}: {@code learningRate} times lrGamma per milestone reached. */
    public double learningRateAt(long step) {
        double lr = learningRate;
        for (int m : lrMilestones) {
            if (step >= m) {
                lr *= lrGamma;
            }
        }
        return lr;
    }

    /** Whether the nets of 0-based step {@code step} get drawn widths ({@link #sampleWidthsFrom}). */
    public boolean samplesWidthsAt(long step) {
        return sampleWidthsFrom >= 0 && step >= sampleWidthsFrom;
    }

    /**
     * Whether a run with this config can continue one trained with {@code other}: the same in everything but the
     * step count, the learning-rate schedule, the step from which widths are sampled, the share of BN-free nets and
     * the scale anchor, which may be extended or changed for the steps still to come.
     */
    public boolean continues(GhnTrainingConfig other) {
        return withSchedule(other).withSteps(other.steps).equals(other);
    }

    private static void positive(String field, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, but was " + value + ".");
        }
    }

    /**
     * The defaults (see the class comment): seed 1, 100k steps, m=4, C=8, fc 64, batch 32, Adam 1e-3/1e-5, clip 5,
     * constant learning rate.
     */
    public static GhnTrainingConfig defaults() {
        return new GhnTrainingConfig(1, 100_000, 4, 8, 64, 32, 1e-3, 1e-5, 5.0, 100, 32, 50, List.of(), 0.1, -1, 0,
                0);
    }

    /** The GHN this run trains: GHN-2 with this run's hidden width and virtual-edge cutoff, 10 classes. */
    public GhnConfig ghnConfig() {
        return new GhnConfig(hidden, virtualEdgeCutoff, true, 11, 10);
    }

    /** A copy with another step count. */
    public GhnTrainingConfig withSteps(int n) {
        return new GhnTrainingConfig(seed, n, metaBatch, channels, fcDim, batchSize, learningRate, weightDecay,
                gradClip, checkpointEvery, hidden, virtualEdgeCutoff, lrMilestones, lrGamma, sampleWidthsFrom,
                bnFreeShare, scaleAnchor);
    }

    /**
     * A copy with the learning-rate schedule, the width-sampling start, the BN-free share and the scale anchor of
     * {@code other}.
     */
    public GhnTrainingConfig withSchedule(GhnTrainingConfig other) {
        return new GhnTrainingConfig(seed, steps, metaBatch, channels, fcDim, batchSize, learningRate, weightDecay,
                gradClip, checkpointEvery, hidden, virtualEdgeCutoff, other.lrMilestones, other.lrGamma,
                other.sampleWidthsFrom, other.bnFreeShare, other.scaleAnchor);
    }

    /** A copy whose nets get drawn widths from 0-based step {@code step} on (-1: never). */
    public GhnTrainingConfig withSampleWidthsFrom(int step) {
        return new GhnTrainingConfig(seed, steps, metaBatch, channels, fcDim, batchSize, learningRate, weightDecay,
                gradClip, checkpointEvery, hidden, virtualEdgeCutoff, lrMilestones, lrGamma, step, bnFreeShare,
                scaleAnchor);
    }

    /** The config as a JSON object with one key per field. */
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("seed", seed).put("steps", steps).put("metaBatch", metaBatch).put("channels", channels)
                .put("fcDim", fcDim).put("batchSize", batchSize).put("learningRate", learningRate)
                .put("weightDecay", weightDecay).put("gradClip", gradClip).put("checkpointEvery", checkpointEvery)
                .put("hidden", hidden).put("virtualEdgeCutoff", virtualEdgeCutoff);
        lrMilestones.forEach(o.putArray("lrMilestones")::add);
        o.put("lrGamma", lrGamma);
        if (sampleWidthsFrom >= 0) {
            o.put("sampleWidthsFrom", sampleWidthsFrom);
        }
        if (bnFreeShare > 0) {
            // absent at 0, so checkpoints of runs without it keep their bytes
            o.put("bnFreeShare", bnFreeShare);
        }
        if (scaleAnchor > 0) {
            o.put("scaleAnchor", scaleAnchor);
        }
        return o;
    }

    /**
     * Reads a config from a JSON/YAML object tree strictly: every key must be a field name, every value of the
     * field's type; missing keys take the defaults.
     *
     * @param source names the file in messages
     * @throws IllegalArgumentException {@code "SOURCE: field: message"} for an unknown key, a wrong type or an
     *                                  invalid value
     */
    public static GhnTrainingConfig fromJson(JsonNode node, String source) {
        StrictYaml y = StrictYaml.of(node, source, "", FIELDS);
        GhnTrainingConfig d = defaults();
        try {
            return new GhnTrainingConfig(
                    y.longOf("seed", d.seed), y.intOf("steps", d.steps),
                    y.intOf("metaBatch", d.metaBatch), y.intOf("channels", d.channels),
                    y.intOf("fcDim", d.fcDim), y.intOf("batchSize", d.batchSize),
                    y.doubleOf("learningRate", d.learningRate),
                    y.doubleOf("weightDecay", d.weightDecay),
                    y.doubleOf("gradClip", d.gradClip),
                    y.intOf("checkpointEvery", d.checkpointEvery),
                    y.intOf("hidden", d.hidden),
                    y.intOf("virtualEdgeCutoff", d.virtualEdgeCutoff),
                    milestones(y), y.doubleOf("lrGamma", d.lrGamma),
                    y.intOf("sampleWidthsFrom", d.sampleWidthsFrom),
                    y.doubleOf("bnFreeShare", d.bnFreeShare),
                    y.doubleOf("scaleAnchor", d.scaleAnchor));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source + ": ")) {
                throw e;
            }
            // the constructor's messages start with the field name
            String m = e.getMessage();
            throw y.invalid(m.substring(0, m.indexOf(' ')), m);
        }
    }

    private static List<Integer> milestones(StrictYaml y) {
        JsonNode v = y.child("lrMilestones");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw y.invalid("lrMilestones", "must be a list of steps like [8000, 12000], but was " + v + ".");
        }
        List<Integer> steps = new java.util.ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw y.invalid("lrMilestones", "must be a list of integer steps, but held " + e + ".");
            }
            steps.add(e.asInt());
        }
        return steps;
    }
}
