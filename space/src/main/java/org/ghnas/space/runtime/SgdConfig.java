package org.ghnas.space.runtime;

/**
 * Plain SGD with momentum and weight decay (PyTorch semantics: {@code v = mu v + g + wd w; w -= lr v}), the
 * learning rate following a cosine from {@code learningRate} to 0 over the run.
 *
 * @param learningRate initial learning rate
 * @param momentum     momentum coefficient in [0, 1)
 * @param weightDecay  L2 coefficient applied to every tensor
 * @param batchSize    images per step
 * @param epochs       passes over the training set (fractions allowed: 0.25 = a quarter epoch)
 * @param seed         seeds shuffling and dropout
 */
public record SgdConfig(double learningRate, double momentum, double weightDecay, int batchSize, double epochs,
                        long seed) {

    public SgdConfig {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Invalid learning rate: " + learningRate + ", expected > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("Invalid momentum: " + momentum + ", expected in [0, 1)");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("Invalid weight decay: " + weightDecay + ", expected >= 0");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Invalid batch size: " + batchSize + ", expected >= 1");
        }
        if (!(epochs > 0)) {
            throw new IllegalArgumentException("Invalid number of epochs: " + epochs + ", expected > 0");
        }
    }

    /** One epoch, batch 64, lr 0.05 cosine, momentum 0.9, weight decay 3e-4: what the space's tests train with. */
    public static SgdConfig oneEpoch(long seed) {
        return new SgdConfig(0.05, 0.9, 3e-4, 64, 1, seed);
    }

    public SgdConfig withEpochs(double e) {
        return new SgdConfig(learningRate, momentum, weightDecay, batchSize, e, seed);
    }

    public SgdConfig withLearningRate(double lr) {
        return new SgdConfig(lr, momentum, weightDecay, batchSize, epochs, seed);
    }
}
