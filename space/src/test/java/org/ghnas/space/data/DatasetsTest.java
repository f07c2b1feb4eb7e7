package org.ghnas.space.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void givenUserDirWithIdxFiles_whenOpenedWithoutName_thenDetectsFashionMnist() {
        IdxFiles.writeValid(dir, false);

        DatasetSplits data = Datasets.open(null, dir);

        assertThat(data.name()).isEqualTo("fashion-mnist");
        assertThat(data.train().size()).isEqualTo(3);
    }

    @Test
    void givenUserDirWithCifarBatches_whenOpenedAuto_thenDetectsCifar10() {
        Cifar10Test.writeTinyCifar(dir);

        assertThat(Datasets.detect(dir)).isEqualTo("cifar10");
        assertThat(Datasets.open("auto", dir).channels()).isEqualTo(3);
        assertThat(Datasets.open("CIFAR-10", dir).name()).isEqualTo("cifar10");
    }

    @Test
    void givenNameSpellings_thenCanonicalNames() {
        assertThat(Datasets.canonical("Fashion_MNIST")).isEqualTo("fashion-mnist");
        assertThat(Datasets.canonical("fmnist")).isEqualTo("fashion-mnist");
        assertThat(Datasets.canonical("cifar10")).isEqualTo("cifar10");
    }

    @Test
    void givenUnknownName_thenListsKnownOnes() {
        assertThatThrownBy(() -> Datasets.open("imagenet", dir)).isInstanceOf(DatasetException.class)
                .hasMessage("unknown dataset 'imagenet', expected one of fashion-mnist, cifar10");
    }

    @Test
    void givenCifarWithoutDirectory_thenAsksForOne() {
        assertThatThrownBy(() -> Datasets.open("cifar10", null)).hasMessageStartingWith(
                "CIFAR-10 has no default location: pass --data DIR with data_batch_1.bin");
    }

    @Test
    void givenEmptyDir_whenDetecting_thenListsBothFormats() {
        assertThatThrownBy(() -> Datasets.open(null, dir)).hasMessageStartingWith(dir + ": no dataset found, expected "
                + "Fashion-MNIST (train-images-idx3-ubyte[.gz]").hasMessageContaining("or CIFAR-10 (data_batch_1.bin");
    }

    @Test
    void givenNamedFormatMissingInDir_thenNamedLoaderReportsIt() {
        Cifar10Test.writeTinyCifar(dir);

        assertThatThrownBy(() -> Datasets.open("fashion-mnist", dir))
                .hasMessageStartingWith("Fashion-MNIST not found in " + dir);
    }
}
