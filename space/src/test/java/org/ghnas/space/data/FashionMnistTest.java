package org.ghnas.space.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FashionMnistTest {
    private static DatasetSplits real;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadRealData() {
        real = FashionMnist.load(DatasetInstaller.ensureFashionMnist());
    }

    @Test
    void givenDebianPackage_whenLoaded_thenHasOfficialSizesPaddedTo32() {
        assertThat(real.name()).isEqualTo("fashion-mnist");
        assertThat(real.train().size()).isEqualTo(60_000);
        assertThat(real.test().size()).isEqualTo(10_000);
        assertThat(real.classes()).isEqualTo(10);
        assertThat(real.channels()).isEqualTo(1);
        assertThat(real.height()).isEqualTo(32);
        assertThat(real.width()).isEqualTo(32);
        assertThat(real.train().classCounts()).containsOnly(6000);
        assertThat(real.test().classCounts()).containsOnly(1000);
    }

    @Test
    void givenRealImages_thenTheTwoPixelBorderIsZero() {
        ImageDataset train = real.train();
        for (int i = 0; i < 100; i++) {
            for (int k = 0; k < 32; k++) {
                for (int b : new int[] {0, 1, 30, 31}) {
                    assertThat(train.pixel(i, 0, b, k)).isZero();
                    assertThat(train.pixel(i, 0, k, b)).isZero();
                }
            }
        }
    }

    @Test
    void givenRealTrainingSet_whenNormalised_thenPixelsHaveMeanZeroAndStdOne() {
        double sum = 0;
        double sumSquares = 0;
        long count = 0;
        for (ImageBatch batch : real.train().batches(2000)) {
            for (float v : batch.pixels()) {
                sum += v;
                sumSquares += (double) v * v;
            }
            count += batch.pixels().length;
        }
        double mean = sum / count;
        double std = Math.sqrt(sumSquares / count - mean * mean);
        assertThat(mean).isCloseTo(0, within(0.005));
        assertThat(std).isCloseTo(1, within(0.005));
    }

    @Test
    void givenStandardStatistics_thenPaddedStatisticsFollowFromThem() {
        assertThat(FashionMnist.paddedMean()).isCloseTo(0.2860 * 784 / 1024, within(1e-12));
        assertThat(FashionMnist.paddedStd()).isCloseTo(0.3318, within(1e-4));
        assertThat(real.train().mean(0)).isCloseTo(FashionMnist.paddedMean(), within(1e-6));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void givenSmallIdxFiles_whenLoaded_thenImagesArePaddedCopies(boolean gzipped) {
        IdxFiles.writeValid(dir, gzipped);

        DatasetSplits data = FashionMnist.load(dir);

        assertThat(data.train().size()).isEqualTo(3);
        assertThat(data.test().size()).isEqualTo(2);
        assertThat(data.train().label(1)).isEqualTo(9);
        // Image 2, source pixel (y=5, x=7) = (2 * 7 + 5 * 28 + 7) & 0xFF lands at (7, 9).
        assertThat(data.train().pixel(2, 0, 7, 9)).isEqualTo(((2 * 7 + 5 * 28 + 7) & 0xFF) / 255f);
        assertThat(data.train().pixel(2, 0, 1, 9)).isZero();
    }

    @Test
    void givenBadImageMagic_thenOneLineNamesFileAndExpectedMagic() {
        IdxFiles.writeValid(dir, true);
        Path file = IdxFiles.write(dir, "train-images-idx3-ubyte", IdxFiles.images(1234, 3, 28, 28), true);

        assertThatThrownBy(() -> FashionMnist.load(dir)).isInstanceOf(DatasetException.class)
                .hasMessage(file + ": bad magic number 1234, expected 2051 (IDX images)");
    }

    @Test
    void givenBadLabelMagic_thenOneLineNamesFileAndExpectedMagic() {
        IdxFiles.writeValid(dir, false);
        Path file = IdxFiles.write(dir, "t10k-labels-idx1-ubyte", IdxFiles.labels(2051, 1, 2), false);

        assertThatThrownBy(() -> FashionMnist.load(dir))
                .hasMessage(file + ": bad magic number 2051, expected 2049 (IDX labels)");
    }

    @Test
    void givenTruncatedImages_thenSizeErrorNamesExpectedLength() {
        IdxFiles.writeValid(dir, false);
        byte[] images = IdxFiles.images(2051, 3, 28, 28);
        Path file = IdxFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(images, images.length - 5), false);

        assertThatThrownBy(() -> FashionMnist.load(dir)).hasMessage(file
                + ": 2363 bytes (truncated), expected 2368 = 16-byte header + 3 images of 28x28");
    }

    @Test
    void givenTruncatedGzip_thenGzipErrorNamesFile() {
        IdxFiles.writeValid(dir, true);
        byte[] gz = IdxFiles.gzip(IdxFiles.images(2051, 3, 28, 28));
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        write(file, Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> FashionMnist.load(dir))
                .hasMessage(file + ": truncated gzip data, expected a complete gzip file");
    }

    @Test
    void givenGzNameWithoutGzipData_thenSaysSo() {
        IdxFiles.writeValid(dir, true);
        Path file = dir.resolve("t10k-images-idx3-ubyte.gz");
        write(file, IdxFiles.images(2051, 2, 28, 28));

        assertThatThrownBy(() -> FashionMnist.load(dir))
                .hasMessage(file + ": not gzip data, expected a gzip-compressed file (name ends in .gz)");
    }

    @Test
    void givenWrongImageSize_thenSaysExpected28x28() {
        IdxFiles.writeValid(dir, false);
        Path file = IdxFiles.write(dir, "t10k-images-idx3-ubyte", IdxFiles.images(2051, 2, 27, 28), false);

        assertThatThrownBy(() -> FashionMnist.load(dir))
                .hasMessage(file + ": images are 27x28, expected 28x28 (Fashion-MNIST)");
    }

    @Test
    void givenLabelOutOfRange_thenNamesLabelAndIndex() {
        IdxFiles.writeValid(dir, false);
        Path file = IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(2049, 0, 10, 3), false);

        assertThatThrownBy(() -> FashionMnist.load(dir)).hasMessage(file + ": label 10 at index 1, expected 0..9");
    }

    @Test
    void givenFewerLabelsThanImages_thenNamesBothCounts() {
        IdxFiles.writeValid(dir, false);
        Path file = IdxFiles.write(dir, "train-labels-idx1-ubyte", IdxFiles.labels(2049, 0, 1), false);

        assertThatThrownBy(() -> FashionMnist.load(dir))
                .hasMessage(file + ": label count 2, expected 3 to match train-images-idx3-ubyte");
    }

    @Test
    void givenMissingFile_thenNamesItAndBothAcceptedNames() throws IOException {
        IdxFiles.writeValid(dir, true);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));

        assertThatThrownBy(() -> FashionMnist.load(dir)).hasMessage(dir.resolve("t10k-labels-idx1-ubyte")
                + ": missing, expected t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz (IDX labels)");
    }

    @Test
    void givenEmptyDirectory_thenSaysNotFoundAndListsFiles() {
        assertThatThrownBy(() -> FashionMnist.load(dir))
                .hasMessageStartingWith("Fashion-MNIST not found in " + dir + ": expected train-images-idx3-ubyte[.gz]")
                .hasMessageNotContaining("\n");
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
