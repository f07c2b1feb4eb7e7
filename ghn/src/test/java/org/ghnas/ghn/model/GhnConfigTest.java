package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GhnConfigTest {

    @Test
    void givenPresets_whenRead_thenTheyMatchTheReferenceVariants() {
        // When
        GhnConfig ghn2 = GhnConfig.ghn2();
        GhnConfig ghn1 = GhnConfig.ghn1();

        // Then
        assertThat(ghn2).isEqualTo(new GhnConfig(32, 50, true, 11, 10));
        assertThat(ghn2.virtualEdges()).isTrue();
        assertThat(ghn2.messageHidden()).isEqualTo(16);
        assertThat(ghn1.virtualEdges()).isFalse();
        assertThat(ghn1.layerNorm()).isFalse();
        assertThat(ghn1.messageHidden()).isEqualTo(32);
    }

    @Test
    void givenInvalidFields_whenBuilt_thenTheMessageNamesFieldValueAndRule() {
        assertThatThrownBy(() -> new GhnConfig(30, 50, true, 11, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden must be a positive multiple of 4, but was 30.");
        assertThatThrownBy(() -> new GhnConfig(32, 0, true, 11, 10))
                .hasMessage("virtualEdgeCutoff must be >= 1, but was 0.");
        assertThatThrownBy(() -> new GhnConfig(32, 50, true, 0, 10))
                .hasMessage("spatialMax must be >= 1, but was 0.");
        assertThatThrownBy(() -> new GhnConfig(32, 50, true, 11, 0))
                .hasMessage("numClasses must be >= 1, but was 0.");
    }
}
