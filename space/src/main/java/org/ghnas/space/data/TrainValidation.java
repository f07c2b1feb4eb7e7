package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

/**
 * A training set split into the part that is fitted and a held-out part for validation, as made by
 * {@link ImageDataset#splitValidation(double)}. Validation accuracy (clean and noisy) is what the reference records as
 * a network's properties.
 *
 * @param train      the images to fit on
 * @param validation the held-out images
 */
public record TrainValidation(ImageDataset train, ImageDataset validation) {
    public TrainValidation {
        requireNonNull(train, "train");
        requireNonNull(validation, "validation");
    }
}
