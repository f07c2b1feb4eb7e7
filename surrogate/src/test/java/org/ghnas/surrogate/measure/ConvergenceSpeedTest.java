package org.ghnas.surrogate.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceSpeedTest {

    private static List<Double> ramp(int rising, double top, int flat) {
        List<Double> acc = new ArrayList<>();
        for (int t = 1; t <= rising; t++) {
            acc.add(top * t / rising);
        }
        acc.addAll(Collections.nCopies(flat, top));
        return acc;
    }

    @Test
    void givenALinearRampThenAPlateau_whenWindowOne_thenTheFirstStepAtNinetyPercentOfTheFinalValue() {
        // 10 rising steps 0.08 .. 0.8, then 10 steps at 0.8: 0.9 * 0.8 = 0.72 is first reached at step 9 of 20
        ConvergenceSpeed s = ConvergenceSpeed.of(ramp(10, 0.8, 10), 1, 0.9);

        assertThat(s.converged()).isTrue();
        assertThat(s.fraction()).isEqualTo(9 / 20.0);
    }

    @Test
    void givenTheSameCurve_whenSmoothedOverFourSteps_thenTheThresholdIsReachedLater() {
        // trailing mean over 4 steps of the ramp: at step 11 (index 10) it is (0.64+0.72+0.8+0.8)/4 = 0.74 >= 0.72,
        // at step 10 it is (0.56+0.64+0.72+0.8)/4 = 0.68 < 0.72
        ConvergenceSpeed s = ConvergenceSpeed.of(ramp(10, 0.8, 10), 4, 0.9);

        assertThat(s.fraction()).isEqualTo(11 / 20.0);
        assertThat(ConvergenceSpeed.smoothed(List.of(1.0, 0.0, 0.5, 0.5), 2)).containsExactly(1.0, 0.5, 0.25, 0.5);
    }

    @Test
    void givenAnAlreadyConvergedCurve_thenTheFirstStep() {
        assertThat(ConvergenceSpeed.of(Collections.nCopies(50, 0.7), 5, 0.9).fraction()).isEqualTo(1 / 50.0);
    }

    @Test
    void givenACurveThatStaysNearChance_thenNeverConverged() {
        ConvergenceSpeed s = ConvergenceSpeed.of(ramp(10, 0.19, 10), 3, 0.9);

        assertThat(s.converged()).isFalse();
        assertThat(s.fraction()).isEqualTo(1.0);
    }

    @Test
    void givenNonFiniteAccuracies_thenTheyCountAsZero() {
        List<Double> acc = new ArrayList<>(Collections.nCopies(4, 0.8));
        acc.set(3, Double.NaN);
        acc.add(0.8);

        // smoothed over 2: 0.8 0.8 0.8 0.4 0.4; final 0.4 -> 0.36 reached at step 1
        assertThat(ConvergenceSpeed.of(acc, 2, 0.9).fraction()).isEqualTo(1 / 5.0);
    }

    @Test
    void givenInvalidArguments_thenOneLineMessages() {
        assertThatThrownBy(() -> ConvergenceSpeed.of(List.of(), 1, 0.9))
                .hasMessage("accuracy must hold at least one step, but was empty.");
        assertThatThrownBy(() -> ConvergenceSpeed.of(List.of(0.5), 0, 0.9))
                .hasMessage("window must be >= 1, but was 0.");
        assertThatThrownBy(() -> ConvergenceSpeed.of(List.of(0.5), 1, 1.5))
                .hasMessage("threshold must be in (0, 1], but was 1.5.");
    }
}
