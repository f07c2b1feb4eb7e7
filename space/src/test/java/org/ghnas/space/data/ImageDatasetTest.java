package org.ghnas.space.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ImageDatasetTest {
    /** 10 two-channel 2x3 images; pixel byte = 10 * image + position, label = image % 3. */
    static ImageDataset tiny() {
        byte[] pixels = new byte[10 * 12];
        byte[] labels = new byte[10];
        for (int i = 0; i < 10; i++) {
            labels[i] = (byte) (i % 3);
            for (int p = 0; p < 12; p++) {
                pixels[i * 12 + p] = (byte) (10 * i + p);
            }
        }
        return ImageDataset.of("tiny", pixels, labels, 2, 2, 3, 3, new double[] {0.5, 0.25}, new double[] {0.5, 0.1});
    }

    @Test
    void givenBatchOfIndices_thenPixelsAreNormalisedNchwInRequestedOrder() {
        ImageDataset data = tiny();

        ImageBatch batch = data.batch(new int[] {7, 2});

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.labels()).containsExactly(1, 2);
        assertThat(batch.pixels()).hasSize(2 * 2 * 2 * 3);
        // image 7, channel 1, y 1, x 2 -> byte 70 + 6 + 3 + 2 = 81
        assertThat(batch.pixel(0, 1, 1, 2)).isCloseTo((float) ((81 / 255.0 - 0.25) / 0.1), within(1e-6f));
        assertThat(batch.pixel(1, 0, 0, 0)).isCloseTo((float) ((20 / 255.0 - 0.5) / 0.5), within(1e-6f));
    }

    @Test
    void givenUnnormalisedSequence_thenPixelsAreRawValues() {
        ImageBatch batch = tiny().batches(4).unnormalised().get(2);

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.pixel(1, 0, 1, 0)).isEqualTo((90 + 3) / 255f);
    }

    @Test
    void givenSubset_thenIndicesAreRelativeAndBytesShared() {
        ImageDataset data = tiny();

        ImageDataset sub = data.subset(4, 8).subset(1, 3);

        assertThat(sub.size()).isEqualTo(2);
        assertThat(sub.name()).isEqualTo("tiny[5,7)");
        assertThat(sub.label(0)).isEqualTo(data.label(5));
        assertThat(sub.batch(0, 2)).isEqualTo(data.batch(5, 7));
        assertThat(sub.classCounts()).containsExactly(1, 0, 1);
    }

    @Test
    void givenValidationFraction_thenLastImagesAreHeldOutInFileOrder() {
        TrainValidation split = tiny().splitValidation(0.2);

        assertThat(split.train().size()).isEqualTo(8);
        assertThat(split.validation().size()).isEqualTo(2);
        assertThat(split.validation().batch(0, 2)).isEqualTo(tiny().batch(8, 10));
    }

    @Test
    void givenInvalidArguments_thenMessagesNameFieldAndAllowedRange() {
        ImageDataset data = tiny();

        assertThatThrownBy(() -> data.subset(3, 11)).hasMessage(
                "subset [from, to) must satisfy 0 <= from < to <= 10, but was [3, 11)");
        assertThatThrownBy(() -> data.splitValidation(1.0)).hasMessage(
                "validation fraction must be in (0, 1), but was 1.0");
        assertThatThrownBy(() -> data.batches(0)).hasMessage("batch size must be >= 1, but was 0");
        assertThatThrownBy(() -> data.label(10)).hasMessage("image index must be in [0, 10), but was 10");
        assertThatThrownBy(() -> ImageDataset.of("x", new byte[12], new byte[] {3}, 2, 2, 3, 3,
                new double[] {0.5, 0.5}, new double[] {1, 1})).hasMessage("labels[0] must be in [0, 2], but was 3");
        assertThatThrownBy(() -> ImageDataset.of("x", new byte[11], new byte[] {0}, 2, 2, 3, 3,
                new double[] {0.5, 0.5}, new double[] {1, 1}))
                .hasMessage("pixels must hold labels*channels*height*width = 12 bytes, but held 11");
    }

    @Test
    void givenArraysPassedToOf_whenCallerChangesThem_thenDatasetIsUnchanged() {
        byte[] pixels = new byte[4];
        byte[] labels = {0};
        ImageDataset data = ImageDataset.of("x", pixels, labels, 1, 2, 2, 2, new double[] {0}, new double[] {1});

        pixels[0] = 100;
        labels[0] = 1;

        assertThat(data.pixel(0, 0, 0, 0)).isZero();
        assertThat(data.label(0)).isZero();
    }
}
