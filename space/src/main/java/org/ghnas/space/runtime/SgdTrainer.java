package org.ghnas.space.runtime;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.ghnas.space.data.BatchSequence;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.data.ImageDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link RunnableNetwork}'s parameters in place with SGD on an image dataset.
 *
 * <pre>{@code
 * NetworkParameters params = NetworkParameters.heInit(net.plan(), 1);
 * TrainingLog log = new SgdTrainer(SgdConfig.oneEpoch(1)).train(net, params, data.train(), null);
 * double acc = SgdTrainer.accuracy(net, params, data.test(), 64);
 * }</pre>
 */
public final class SgdTrainer {

    /** Called after every step; may stop nothing, only observe. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, int totalSteps, double loss, double accuracy);
    }

    private final SgdConfig config;

    public SgdTrainer(SgdConfig config) {
        this.config = requireNonNull(config, "config");
    }

    public SgdConfig config() {
        return config;
    }

    /** Number of steps a run over {@code trainSize} images takes. */
    public int steps(int trainSize) {
        int perEpoch = (trainSize + config.batchSize() - 1) / config.batchSize();
        return Math.max(1, (int) Math.round(perEpoch * config.epochs()));
    }

    /**
     * Trains {@code params} in place. A step whose loss is not finite is skipped (counted in the log) and leaves the
     * parameters unchanged.
     */
    public TrainingLog train(RunnableNetwork net, NetworkParameters params, ImageDataset train, StepListener listener) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
        int total = steps(train.size());
        INDArray[] velocity = new INDArray[params.size()];
        for (int i = 0; i < velocity.length; i++) {
            velocity[i] = Nd4j.zerosLike(params.tensor(i));
        }
        List<Double> losses = new ArrayList<>(total);
        List<Double> accs = new ArrayList<>(total);
        long images = 0;
        int skipped = 0;
        long start = System.nanoTime();
        int step = 0;
        try {
            while (step < total) {
                BatchSequence epoch = train.shuffledBatches(config.batchSize(), rng);
                for (ImageBatch batch : epoch) {
                    if (step >= total) {
                        break;
                    }
                    double lr = 0.5 * config.learningRate() * (1 + Math.cos(Math.PI * step / total));
                    double[] result = Workspaces.scoped("sgd-step",
                            () -> step(net, params, velocity, batch, rng, lr));
                    if (!Double.isFinite(result[0])) {
                        skipped++;
                    }
                    losses.add(result[0]);
                    accs.add(result[1]);
                    images += batch.size();
                    step++;
                    if (listener != null) {
                        listener.onStep(step, total, result[0], result[1]);
                    }
                }
            }
        } finally {
            // the velocity is the size of the parameters: freeing it now keeps a loop over many nets flat
            for (INDArray v : velocity) {
                if (v.closeable()) {
                    v.close();
                }
            }
        }
        return new TrainingLog(losses, accs, (System.nanoTime() - start) / 1e9, images, skipped);
    }

    /** One SGD step in place; returns {loss, batch accuracy}. */
    private double[] step(RunnableNetwork net, NetworkParameters params, INDArray[] velocity, ImageBatch batch,
                          RandomGenerator rng, double lr) {
        INDArray x = ImageTensors.of(batch, params.tensor(0).dataType());
        LossKernel.Result r;
        INDArray[] grads = null;
        try (RunnableNetwork.Pass pass = net.forward(params, x, true, rng)) {
            r = net.loss(pass, batch.labels());
            if (Double.isFinite(r.loss())) {
                grads = net.backward(pass, r.dLogits());
            }
        }
        double acc = (double) r.correct() / batch.size();
        if (grads != null) {
            // in place (axpy): v = momentum v + g + decay w, w -= lr v, with no temporary per parameter tensor
            for (int i = 0; i < grads.length; i++) {
                INDArray w = params.tensor(i);
                INDArray v = velocity[i];
                v.muli(config.momentum()).addi(grads[i]);
                if (config.weightDecay() > 0) {
                    Nd4j.getBlasWrapper().level1().axpy(v.length(), config.weightDecay(), w, v);
                }
                Nd4j.getBlasWrapper().level1().axpy(w.length(), -lr, v, w);
            }
        }
        return new double[] {r.loss(), acc};
    }

    /**
     * Test accuracy with BatchNorm on the statistics of each evaluation batch (the reference's protocol, batch 64).
     */
    public static double accuracy(RunnableNetwork net, NetworkParameters params, ImageDataset data, int batchSize) {
        long correct = 0;
        for (ImageBatch batch : data.batches(batchSize)) {
            correct += Workspaces.scoped("evaluate", () -> {
                INDArray logits = net.predict(params, ImageTensors.of(batch, params.tensor(0).dataType()));
                return (long) LossKernel.crossEntropy(logits, batch.labels()).correct();
            });
        }
        return (double) correct / data.size();
    }
}
