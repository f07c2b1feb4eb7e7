package org.ghnas.ghn.train;

import java.util.List;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageBatch;
import org.ghnas.space.sample.DeepNets1MSampler;

/**
 * What the test-side tools that look at GHN training's target nets share: the nets the trainer draws in its first
 * {@code steps} steps for seed 1 (classifier width 64), one Fashion-MNIST training batch and a freshly initialised
 * GHN. Read from the tools' arguments {@code steps metaBatch C batch}.
 */
record TrainingDraws(int steps, int metaBatch, int channels, int batchSize) {

    static TrainingDraws of(String[] args) {
        return new TrainingDraws(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]));
    }

    /** The nets of training step {@code t} (0-based). */
    List<NetworkSpec> nets(int t) {
        return DeepNets1MSampler.builder(GhnTrainer.trainingSamplerSeed(1, t)).channels(channels).fcDim(64).build()
                .sample(metaBatch);
    }

    /** The first {@code batchSize} training images. */
    ImageBatch batch() {
        return FashionMnist.load(FashionMnist.DEFAULT_DIR).train().batch(0, batchSize);
    }

    /** A GHN of the default training config, initialised from seed 1. */
    Ghn2 ghn() {
        return new Ghn2(GhnTrainingConfig.defaults().ghnConfig(), 1);
    }
}
