package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

/**
 * The official train and test splits of one dataset. Both share one image geometry and class count, so a network
 * built for one runs on the other.
 *
 * @param name  the dataset's name, e.g. {@code fashion-mnist} or {@code cifar10}
 * @param train the training images
 * @param test  the test images
 */
public record DatasetSplits(String name, ImageDataset train, ImageDataset test) {
    public DatasetSplits {
        requireNonNull(name, "name");
        requireNonNull(train, "train");
        requireNonNull(test, "test");
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()
                || train.classes() != test.classes()) {
            throw new IllegalArgumentException("train and test must share channels, height, width and classes, but were "
                    + train.channels() + "x" + train.height() + "x" + train.width() + "/" + train.classes() + " and "
                    + test.channels() + "x" + test.height() + "x" + test.width() + "/" + test.classes());
        }
    }

    /** Channels per image. */
    public int channels() {
        return train.channels();
    }

    /** Image height. */
    public int height() {
        return train.height();
    }

    /** Image width. */
    public int width() {
        return train.width();
    }

    /** Number of classes. */
    public int classes() {
        return train.classes();
    }
}
