package org.ghnas.surrogate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class SurrogateReportTest {

    @Test
    void scoresSurrogatesAndBaselinesOnTheTestSplit() {
        SurrogateSetTest.observations();
        var train = SurrogateSetTest.train;
        var test = SurrogateSetTest.test;
        double[] ghnAcc = test.stream().mapToDouble(o -> -o.value(Property.CONVERGENCE)).toArray();
        SurrogateReport r = SurrogateReport.evaluate(SurrogateSetTest.ghn, train, test, ghnAcc,
                FitOptions.defaults().withKinds(Regressor.Kind.SVR, Regressor.Kind.GAUSSIAN_PROCESS), List.of(0L, 1L));

        // accuracy here is a monotone function of the parameter count, so that baseline ranks it perfectly
        assertThat(r.row(Property.CLEAN_ACCURACY, "baseline:params").tauMean()).isCloseTo(1.0, within(1e-9));
        assertThat(r.row(Property.CONVERGENCE, "baseline:ghn_accuracy").tauMean()).isCloseTo(-1.0, within(1e-9));
        assertThat(r.bestBaselineTau(Property.CLEAN_ACCURACY)).isCloseTo(1.0, within(1e-9));
        assertThat(r.meetsGoal(Property.CLEAN_ACCURACY)).isFalse();

        SurrogateReport.Row sel = r.row(Property.INFERENCE_LATENCY, "selected");
        assertThat(sel.models()).hasSize(2);
        assertThat(sel.tauMean()).isGreaterThan(0.5);
        assertThat(r.row(Property.INFERENCE_LATENCY, "svr").tauMean()).isBetween(-1.0, 1.0);

        assertThat(r.toJson().path("rows").size()).isEqualTo(r.rows().size());
        assertThat(r.toJson().path("goals").path("accuracy").path("met").asBoolean()).isFalse();
        assertThat(r.toMarkdown()).contains("**surrogate (CV-selected)**", "baseline:params", "latency_ms τ (ρ)");
    }
}
