package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShapeEncoderTest {

    private final ShapeEncoder cifar = new ShapeEncoder(10, 11);

    @Test
    void givenCifarSettings_whenBuilt_thenVocabulariesMatchTheReference() {
        // Given / When: 10 classes, spatial max 11

        // Then
        assertThat(cifar.channelVocabulary()).hasSize(391).startsWith(1, 3, 8, 10, 16).endsWith(8160, 8192);
        assertThat(cifar.channelRows()).isEqualTo(392);
        assertThat(cifar.spatialVocabulary()).containsExactly(1, 3, 5, 7, 9, 11, 14, 16);
        assertThat(cifar.spatialRows()).isEqualTo(9);
    }

    @Test
    void givenImageNetSettings_whenBuilt_thenSpatialVocabularyReachesThirteenAndFifteen() {
        // Given / When
        ShapeEncoder imagenet = new ShapeEncoder(1000, 16);

        // Then
        assertThat(imagenet.spatialVocabulary()).containsExactly(1, 3, 5, 7, 9, 11, 13, 14, 15, 16);
        assertThat(imagenet.channelVocabulary()).hasSize(391).contains(1000);
    }

    @ParameterizedTest(name = "channels {0} -> {1}")
    @CsvSource({"64, 64", "1, 1", "3, 3", "10, 10", "5, 8", "4, 8", "7, 8", "2, 1", "100, 96", "72, 64",
        "73, 80", "9000, 8192", "8192, 8192", "4100, 4096", "0, 8192"})
    void givenChannelCount_whenLookedUp_thenReferenceRuleApplies(int channels, int expected) {
        // When
        int row = cifar.channelRow(channels);

        // Then
        assertThat(cifar.channel(row)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "spatial {0} -> {1}")
    @CsvSource({"1, 1", "3, 3", "2, 3", "4, 3", "12, 11", "13, 14", "15, 14", "16, 16", "32, 16"})
    void givenSpatialSize_whenLookedUp_thenReferenceRuleApplies(int size, int expected) {
        // When
        int row = cifar.spatialRow(size);

        // Then
        assertThat(cifar.spatial(row)).isEqualTo(expected);
    }

    @Test
    void givenShapesOfEveryRank_whenConvertedTo4d_thenReferenceRulesApply() {
        assertThat(ShapeEncoder.to4d(List.of(64))).containsExactly(64, 1, 1, 1);
        assertThat(ShapeEncoder.to4d(List.of(10, 64))).containsExactly(10, 64, 1, 1);
        assertThat(ShapeEncoder.to4d(List.of(1, 197, 768))).containsExactly(1, 768, 14, 14);
        assertThat(ShapeEncoder.to4d(List.of(1, 1, 5))).containsExactly(1, 1, 5, 1);
        assertThat(ShapeEncoder.to4d(List.of(3, 4, 5))).containsExactly(3, 4, 5, 1);
        assertThat(ShapeEncoder.to4d(List.of(64, 32, 3, 3))).containsExactly(64, 32, 3, 3);
        assertThatThrownBy(() -> ShapeEncoder.to4d(List.of(1, 2, 3, 4, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape must have 1 to 4 dimensions, but was [1, 2, 3, 4, 5].");
    }

    @Test
    void givenParameterShapes_whenEncoded_thenRowsNameOutInHeightWidth() {
        // When
        int[] conv = cifar.rows(List.of(64, 5, 7, 1));
        int[] pool = cifar.rows(List.of(1, 1, 3, 3));
        int[] none = cifar.rows(List.of());

        // Then
        assertThat(new int[] {cifar.channel(conv[0]), cifar.channel(conv[1]), cifar.spatial(conv[2]),
            cifar.spatial(conv[3])}).containsExactly(64, 8, 7, 1);
        assertThat(new int[] {cifar.channel(pool[0]), cifar.channel(pool[1]), cifar.spatial(pool[2]),
            cifar.spatial(pool[3])}).containsExactly(1, 1, 3, 3);
        assertThat(none).containsExactly(391, 391, 8, 8);
        assertThat(none[0]).isEqualTo(cifar.noShapeChannelRow());
        assertThat(none[2]).isEqualTo(cifar.noShapeSpatialRow());
    }

    @Test
    void givenInvalidSettings_whenBuilt_thenRejectedWithFieldName() {
        assertThatThrownBy(() -> new ShapeEncoder(0, 11)).hasMessage("numClasses must be >= 1, but was 0.");
        assertThatThrownBy(() -> new ShapeEncoder(10, 0)).hasMessage("spatialMax must be >= 1, but was 0.");
    }
}
