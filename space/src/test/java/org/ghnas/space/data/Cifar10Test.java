package org.ghnas.space.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    @TempDir
    Path dir;

    /** Record r of a file: label (first + r) % 10, pixel byte p = (first + r) * 13 + p. */
    static byte[] records(int first, int count) {
        byte[] bytes = new byte[count * 3073];
        for (int r = 0; r < count; r++) {
            bytes[r * 3073] = (byte) ((first + r) % 10);
            for (int p = 0; p < 3072; p++) {
                bytes[r * 3073 + 1 + p] = (byte) ((first + r) * 13 + p);
            }
        }
        return bytes;
    }

    /** Five training batches of 2 records each and a test batch of 3. */
    static void writeTinyCifar(Path dir) {
        for (int b = 1; b <= 5; b++) {
            write(dir.resolve("data_batch_" + b + ".bin"), records(2 * (b - 1), 2));
        }
        write(dir.resolve("test_batch.bin"), records(100, 3));
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void givenTinyBatchFiles_whenLoaded_thenRecordsRoundTripAsRgbPlanes() {
        writeTinyCifar(dir);

        DatasetSplits data = Cifar10.load(dir);

        assertThat(data.name()).isEqualTo("cifar10");
        assertThat(data.train().size()).isEqualTo(10);
        assertThat(data.test().size()).isEqualTo(3);
        assertThat(data.channels()).isEqualTo(3);
        assertThat(data.height()).isEqualTo(32);
        assertThat(data.width()).isEqualTo(32);
        for (int i = 0; i < 10; i++) {
            assertThat(data.train().label(i)).isEqualTo(i % 10);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y += 5) {
                    for (int x = 0; x < 32; x += 3) {
                        int p = c * 1024 + y * 32 + x;
                        assertThat(data.train().pixel(i, c, y, x)).isEqualTo(((i * 13 + p) & 0xFF) / 255f);
                    }
                }
            }
        }
        assertThat(data.test().label(2)).isEqualTo(102 % 10);
        assertThat(data.train().mean(2)).isEqualTo(0.4465, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(data.train().std(0)).isEqualTo(0.2470, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void givenNormalisedBatch_thenEachChannelUsesItsOwnStatistics() {
        writeTinyCifar(dir);
        ImageDataset train = Cifar10.load(dir).train();

        ImageBatch batch = train.batch(3, 4);

        assertThat(batch.pixel(0, 1, 4, 5)).isCloseTo(
                (float) ((train.pixel(3, 1, 4, 5) - 0.4822) / 0.2435), org.assertj.core.api.Assertions.within(1e-5f));
    }

    @Test
    void givenParentOfUnpackedArchive_thenFindsTheSubdirectory() {
        writeTinyCifar(dir.resolve("cifar-10-batches-bin"));

        assertThat(Cifar10.isPresent(dir)).isTrue();
        assertThat(Cifar10.load(dir).train().size()).isEqualTo(10);
    }

    @Test
    void givenPartialRecord_thenNamesFileAndRecordSize() {
        writeTinyCifar(dir);
        Path file = dir.resolve("data_batch_3.bin");
        write(file, new byte[3073 + 100]);

        assertThatThrownBy(() -> Cifar10.load(dir)).isInstanceOf(DatasetException.class).hasMessage(file
                + ": 3173 bytes, expected a positive multiple of 3073 (records of 1 label byte + 3072 pixel bytes)");
    }

    @Test
    void givenLabelOutOfRange_thenNamesRecord() {
        writeTinyCifar(dir);
        Path file = dir.resolve("test_batch.bin");
        byte[] records = records(0, 2);
        records[3073] = 42;
        write(file, records);

        assertThatThrownBy(() -> Cifar10.load(dir)).hasMessage(file + ": label 42 in record 1, expected 0..9");
    }

    @Test
    void givenMissingBatch_thenNamesIt() throws IOException {
        writeTinyCifar(dir);
        Files.delete(dir.resolve("data_batch_5.bin"));

        assertThatThrownBy(() -> Cifar10.load(dir)).hasMessage(dir.resolve("data_batch_5.bin")
                + ": missing, expected a CIFAR-10 binary batch (records of 1 label byte + 3072 pixel bytes)");
    }
}
