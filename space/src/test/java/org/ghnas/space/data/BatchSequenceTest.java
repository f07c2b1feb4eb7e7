package org.ghnas.space.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchSequenceTest {
    /** 100 one-channel 4x4 images: image i has every pixel i, label i % 10. Pixel 0 is black, 99 near mid-grey. */
    static ImageDataset counting() {
        byte[] pixels = new byte[100 * 16];
        byte[] labels = new byte[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = (byte) (i % 10);
            java.util.Arrays.fill(pixels, i * 16, (i + 1) * 16, (byte) (i == 99 ? 255 : i));
        }
        return ImageDataset.of("counting", pixels, labels, 1, 4, 4, 10, new double[] {0.2}, new double[] {0.3});
    }

    @Test
    void givenSequentialBatches_thenEveryImageOnceInOrderWithSmallerLastBatch() {
        BatchSequence batches = counting().batches(32);

        assertThat(batches.size()).isEqualTo(4);
        assertThat(batches.get(3).size()).isEqualTo(4);
        assertThat(batches.indices(3)).containsExactly(96, 97, 98, 99);
        assertThat(batches.stream().mapToInt(ImageBatch::size).sum()).isEqualTo(100);
    }

    @Test
    void givenSameSeed_whenShuffled_thenSameEpoch() {
        ImageDataset data = counting();

        BatchSequence a = data.shuffledBatches(16, new SplittableRandom(7));
        BatchSequence b = data.shuffledBatches(16, new SplittableRandom(7));

        assertThat(a.size()).isEqualTo(7);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i));
        }
    }

    @Test
    void givenDifferentSeeds_whenShuffled_thenDifferentOrderOfTheSameImages() {
        ImageDataset data = counting();

        List<Integer> a = order(data.shuffledBatches(16, new SplittableRandom(7)));
        List<Integer> b = order(data.shuffledBatches(16, new SplittableRandom(8)));

        assertThat(a).isNotEqualTo(b);
        assertThat(a).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(b).containsExactlyInAnyOrderElementsOf(a);
    }

    @Test
    void givenShuffledBatch_thenLabelsFollowTheirImages() {
        ImageBatch batch = counting().shuffledBatches(10, new SplittableRandom(3)).unnormalised().get(0);

        for (int n = 0; n < batch.size(); n++) {
            int image = Math.round(batch.pixel(n, 0, 0, 0) * 255);
            assertThat(batch.labels()[n]).isEqualTo(image == 255 ? 9 : image % 10);
        }
    }

    @Test
    void givenNoise_thenRawPixelsStayInUnitIntervalAndBlackPixelsGetOnlyNonNegativeNoise() {
        BatchSequence noisy = counting().batches(100).withNoise(0.5, new SplittableRandom(1)).unnormalised();

        ImageBatch batch = noisy.get(0);

        for (float v : batch.pixels()) {
            assertThat(v).isBetween(0f, 1f);
        }
        // image 0 is black: half its noise is clipped to exactly 0; image 99 is white: clipped to exactly 1.
        long zeros = IntStream.range(0, 16).filter(p -> batch.pixels()[p] == 0f).count();
        long ones = IntStream.range(99 * 16, 100 * 16).filter(p -> batch.pixels()[p] == 1f).count();
        assertThat(zeros).isBetween(2L, 15L);
        assertThat(ones).isBetween(2L, 15L);
    }

    @Test
    void givenNoise_thenNormalisationIsAppliedAfterClipping() {
        ImageDataset data = counting();
        ImageBatch raw = data.batches(10).withNoise(0.08, new SplittableRandom(5)).unnormalised().get(1);
        ImageBatch normalised = data.batches(10).withNoise(0.08, new SplittableRandom(5)).get(1);

        for (int k = 0; k < raw.pixels().length; k++) {
            assertThat(normalised.pixels()[k]).isCloseTo((float) ((raw.pixels()[k] - 0.2) / 0.3),
                    org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void givenNoiseSeed_thenBatchesAreReproducibleInAnyAccessOrderAndDifferAcrossSeeds() {
        ImageDataset data = counting();
        BatchSequence a = data.batches(25).withNoise(0.08, new SplittableRandom(11));
        BatchSequence b = data.batches(25).withNoise(0.08, new SplittableRandom(11));
        BatchSequence c = data.batches(25).withNoise(0.08, new SplittableRandom(12));

        assertThat(a.get(2)).isEqualTo(b.get(2));
        assertThat(List.of(a.get(3), a.get(0))).isEqualTo(List.of(b.get(3), b.get(0)));
        assertThat(a.get(2)).isNotEqualTo(c.get(2));
        assertThat(a.get(0)).isNotEqualTo(data.batches(25).get(0));
        Set<ImageBatch> distinct = new HashSet<>();
        a.forEach(distinct::add);
        assertThat(distinct).hasSize(4);
    }

    @Test
    void givenSigmaOutOfRange_thenRejected() {
        BatchSequence batches = counting().batches(10);

        assertThatThrownBy(() -> batches.withNoise(1.5, new SplittableRandom(1)))
                .hasMessage("noise sigma must be in [0, 1], but was 1.5");
    }

    private static List<Integer> order(BatchSequence batches) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            order.addAll(batches.indices(i));
        }
        return order;
    }
}
