package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FusedAttentionTest {
    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(VectorApi.available(), "needs --add-modules jdk.incubator.vector");
    }

    @Test
    void givenSoftmaxArguments_whenExp_thenWithinTwoUlpOfMathExp() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[lanes];
        float[] y = new float[lanes];
        for (float start = -87f; start <= 0f; start += lanes * 0.00731f) {
            for (int i = 0; i < lanes; i++) {
                x[i] = Math.min(0f, start + i * 0.00731f);
            }
            FusedAttention.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
            for (int i = 0; i < lanes; i++) {
                float expected = (float) Math.exp(x[i]);
                assertThat(Math.abs(y[i] - expected)).as("exp(%s)", x[i]).isLessThanOrEqualTo(2 * Math.ulp(expected));
            }
        }
    }

    @Test
    void givenArgumentsFarBelowTheRange_whenExp_thenTinyAndFinite() {
        float[] y = new float[FloatVector.SPECIES_PREFERRED.length()];

        FusedAttention.exp(FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, Float.NEGATIVE_INFINITY)).intoArray(y, 0);

        assertThat(y[0]).isPositive().isLessThan(1e-37f);
    }
}
