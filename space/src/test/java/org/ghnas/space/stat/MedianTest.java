package org.ghnas.space.stat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MedianTest {

    @Test
    void anOddSampleGivesItsMiddleValue() {
        assertThat(Median.of(3.0, 1.0, 100.0)).isEqualTo(3.0);
        assertThat(Median.of(7.5)).isEqualTo(7.5);
    }

    @Test
    void anEvenSampleGivesTheMeanOfItsTwoMiddleValues() {
        assertThat(Median.of(4.0, 1.0, 2.0, 1000.0)).isEqualTo(3.0);
    }

    @Test
    void theSampleIsLeftAsItWas() {
        double[] sample = {5.0, 1.0, 3.0};
        Median.of(sample);
        assertThat(sample).containsExactly(5.0, 1.0, 3.0);
    }

    @Test
    void anEmptySampleOrANaNIsRefused() {
        assertThatThrownBy(Median::of).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Median.of(1.0, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void millisRunsTheWarmupsUntimedAndTimesEachRepetition() {
        AtomicInteger calls = new AtomicInteger();
        double ms = Median.millis(2, 3, () -> {
            calls.incrementAndGet();
            sleep(5);
        });
        assertThat(calls).hasValue(5);
        assertThat(ms).isGreaterThanOrEqualTo(5.0);
        assertThatThrownBy(() -> Median.millis(0, 0, () -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repetitions >= 1");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
