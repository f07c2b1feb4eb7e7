package org.ghnas.surrogate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SurrogateSetTest {

    static GraphHyperNetwork ghn;
    static List<Observation> train;
    static List<Observation> test;

    /**
     * Observations whose "measured" values are exact functions of the architecture (its size and graph), so that a
     * surrogate that works must rank unseen nets almost perfectly: this checks the fitting machinery, not the GHN.
     */
    @BeforeAll
    static void observations() {
        ghn = GraphHyperNetwork.pretrained();
        List<NetworkSpec> specs = DeepNets1MSampler.builder(11).channels(8).build().stream().limit(140).toList();
        List<Observation> all = new ArrayList<>();
        for (NetworkSpec s : specs) {
            NetworkPlan plan = NetworkPlan.of(s, InputShape.FASHION_MNIST);
            double logP = Math.log(NetworkPlan.parameterCount(s, InputShape.FASHION_MNIST));
            double logM = Math.log(plan.macs());
            Map<Property, Double> v = new EnumMap<>(Property.class);
            v.put(Property.CLEAN_ACCURACY, 0.5 + 0.03 * logP);
            v.put(Property.NOISE_ROBUSTNESS, 0.3 + 0.02 * logP - 0.01 * logM);
            v.put(Property.INFERENCE_LATENCY, Math.exp(0.8 * logM - 8));
            v.put(Property.CONVERGENCE, 1 / (1 + plan.graph().nodeCount() / 100.0));
            all.add(new Observation(s, v));
        }
        train = all.subList(0, 110);
        test = all.subList(110, 140);
    }

    @Test
    void ranksUnseenArchitecturesByALearnableProperty() {
        SurrogateSet s = SurrogateSet.fit(ghn, train, FitOptions.defaults().withKinds(Regressor.Kind.SVR));
        List<PropertyPrediction> p = s.predict(test.stream().map(Observation::architecture).toList());
        for (Property prop : Property.values()) {
            double[] predicted = p.stream().mapToDouble(x -> x.value(prop)).toArray();
            double[] measured = test.stream().mapToDouble(o -> o.value(prop)).toArray();
            assertThat(RankCorrelation.kendall(predicted, measured)).as(prop.key()).isGreaterThan(0.5);
            assertThat(s.surrogate(prop).cvKendall()).as(prop.key()).isGreaterThan(0.5);
        }
        assertThat(p.get(0).value(Property.INFERENCE_LATENCY)).isPositive();
    }

    @Test
    void gaussianProcessReportsAnUncertainty() {
        SurrogateSet s = SurrogateSet.fit(ghn, train, FitOptions.defaults().withKinds(Regressor.Kind.GAUSSIAN_PROCESS));
        PropertyPrediction p = s.predict(List.of(test.get(0).architecture())).get(0);
        assertThat(p.estimate(Property.CLEAN_ACCURACY).hasStddev()).isTrue();
        assertThat(p.estimate(Property.CLEAN_ACCURACY).stddev()).isPositive();
    }

    @Test
    void treeModelsAreSeeded() {
        double[][] x = new double[40][];
        double[] y = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {i % 7, i / 7.0, Math.sin(i)};
            y[i] = x[i][0] - 0.5 * x[i][1] + x[i][2];
        }
        for (Regressor r : Regressor.candidates(3, Regressor.Kind.RANDOM_FOREST, Regressor.Kind.GRADIENT_BOOSTING)) {
            double a = r.fit(x, y, 7).predict(new double[] {3, 2, 0.5})[0];
            double b = r.fit(x, y, 7).predict(new double[] {3, 2, 0.5})[0];
            assertThat(a).as(r.describe()).isEqualTo(b);
        }
    }

    @Test
    void outOfDistributionScoreGrowsAwayFromTheTrainingCloud() {
        SurrogateSet s = SurrogateSet.fit(ghn, train, FitOptions.defaults().withKinds(Regressor.Kind.SVR));
        double inside = s.predict(List.of(test.get(0).architecture())).get(0).oodScore();
        NetworkSpec wide = DeepNets1MSampler.builder(5).channels(64).build().stream().findFirst().orElseThrow();
        double outside = s.predict(List.of(wide)).get(0).oodScore();
        assertThat(inside).isLessThan(3);
        assertThat(outside).isGreaterThan(inside);
    }

    @Test
    void savesAndLoadsAgainstTheSameGhnOnly(@TempDir Path dir) throws Exception {
        SurrogateSet s = SurrogateSet.fit(ghn, train, FitOptions.defaults().withKinds(Regressor.Kind.SVR));
        Path f = dir.resolve("s.ghns");
        s.save(f);
        var arch = List.of(test.get(1).architecture());
        assertThat(SurrogateSet.load(f, ghn).predict(arch).get(0).estimates())
                .isEqualTo(s.predict(arch).get(0).estimates());
        assertThat(SurrogateSet.load(f, ghn).checksum()).isEqualTo(s.checksum()).hasSize(64);
        assertThat(SurrogateSet.fit(ghn, train, FitOptions.defaults().withKinds(Regressor.Kind.SVR).withSeed(99))
                .checksum()).isNotEqualTo(s.checksum());

        GraphHyperNetwork other = GraphHyperNetwork.initialize(new GhnConfig(32, 50, true, 11, 10), 3);
        assertThatThrownBy(() -> SurrogateSet.load(f, other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fitted on GHN").hasMessageNotContaining("\n");

        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(f, bytes);
        assertThatThrownBy(() -> SurrogateSet.load(f, ghn)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f.toString());
        assertThatThrownBy(() -> SurrogateSet.load(dir.resolve("missing.ghns"), ghn))
                .hasMessageContaining("no such surrogate file");
    }

    @Test
    void needsEnoughObservationsForCrossValidation() {
        assertThatThrownBy(() -> SurrogateSet.fit(ghn, train.subList(0, 6), FitOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 10");
    }
}
