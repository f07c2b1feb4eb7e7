package org.ghnas.ghn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TilingTest {

    @Test
    void givenTwoByTwoBlock_whenTiledToThreeByFive_thenRowsRepeatAlongInChannels() {
        // Given block [[1, 2], [3, 4]] as (2 out, 2 in, 1, 1), target (3, 5, 1, 1)
        double[] block = {1, 2, 3, 4};

        // When (rows are the first min(out, 2) target rows; target row 2 is row 0 again)
        double[] rows = Tiling.tileRows(block, new int[] {2, 2, 1, 1}, new int[] {3, 5, 1, 1});

        // Then
        assertThat(rows).containsExactly(1, 2, 1, 2, 1, 3, 4, 3, 4, 3);
    }

    @Test
    void givenSpatialMapSmallerThanKernel_whenTiled_thenMapRepeats() {
        // Given a 2x2 map for a 1x1x3x3 kernel (the reference repeats the decoder's s x s map 2x2)
        double[] block = {1, 2, 3, 4};

        double[] rows = Tiling.tileRows(block, new int[] {1, 1, 2, 2}, new int[] {1, 1, 3, 3});

        assertThat(rows).containsExactly(1, 2, 1, 3, 4, 3, 1, 2, 1);
    }

    @Test
    void givenRandomShapes_whenFolding_thenFoldIsTheAdjointOfTile() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            // Given
            int[] t = {1 + r.nextInt(5), 1 + r.nextInt(7), 1 + r.nextInt(4), 1 + r.nextInt(4)};
            int[] b = {1 + r.nextInt(t[0]), 1 + r.nextInt(t[1]), 1 + r.nextInt(t[2]), 1 + r.nextInt(t[3])};
            double[] x = r.doubles((long) b[0] * b[1] * b[2] * b[3], -1, 1).toArray();
            double[] y = r.doubles((long) b[0] * t[1] * t[2] * t[3], -1, 1).toArray();

            // When
            double[] tiled = Tiling.tileRows(x, b, t);
            double[] folded = Tiling.foldRows(y, b, t);

            // Then <tile(x), y> == <x, fold(y)>
            assertThat(dot(tiled, y)).isCloseTo(dot(x, folded), within(1e-9));
        }
    }

    @Test
    void givenBlockLargerThanTarget_thenRejected() {
        assertThatThrownBy(() -> Tiling.tileRows(new double[4], new int[] {4, 1, 1, 1}, new int[] {2, 1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block dimension 0: 4");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
