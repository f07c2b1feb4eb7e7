package org.ghnas.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.jenetics.ext.moea.Vec;
import org.ghnas.space.plan.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the analytic test double in place of the surrogates: determinism, kill/resume, the random
 * baseline, NSGA-II fronts and the report.
 */
class SearchRunTest {

    private static final String GA = """
            name: tiny-ga
            seed: 5
            search: {algorithm: ga, population: 8, generations: 4}
            objectives:
              - {property: accuracy, weight: 1}
            constraints: {maxParams: 60000}
            """;

    private static final String NSGA = """
            name: tiny-nsga
            seed: 6
            search: {algorithm: nsga2, population: 8, generations: 3}
            objectives:
              - {property: accuracy}
              - {property: latency_ms}
            constraints: {maxParams: 60000, maxLatencyMs: 4}
            """;

    private final AnalyticPredictor predictor = new AnalyticPredictor(InputShape.FASHION_MNIST);

    private SearchResult run(String yaml, Path dir, boolean baseline) {
        return new SearchRun(SearchExperiment.parse(yaml, "t.yaml"), predictor, dir).command("test")
                .run(false, baseline, SearchListener.NONE);
    }

    @Test
    void givenSameSeed_whenRunTwice_thenIdenticalPopulationAndHistory(@TempDir Path dir) throws IOException {
        run(GA, dir.resolve("a"), false);
        run(GA, dir.resolve("b"), false);
        for (String f : List.of("population.json", "pareto.json", "history.csv", "checkpoint.json")) {
            assertThat(Files.readString(dir.resolve("b").resolve(f))).isEqualTo(Files.readString(dir.resolve("a").resolve(f)));
        }
        SearchResult other = new SearchRun(SearchExperiment.parse(GA, "t").withSeed(99), predictor, dir.resolve("c"))
                .run(false, false, SearchListener.NONE);
        assertThat(Files.readString(dir.resolve("c/population.json")))
                .isNotEqualTo(Files.readString(dir.resolve("a/population.json")));
        assertThat(other.history()).hasSize(5);
    }

    @Test
    void givenRunStoppedAfterTwoGenerations_whenResumed_thenSameResultAsUninterrupted(@TempDir Path dir)
            throws IOException {
        SearchExperiment exp = SearchExperiment.parse(GA, "t.yaml");
        new SearchRun(exp, predictor, dir.resolve("full")).run(false, true, SearchListener.NONE);

        SearchResult partial = new SearchRun(exp, predictor, dir.resolve("cut")).run(false, true, SearchListener.NONE, 2);
        assertThat(partial.completed()).isFalse();
        assertThat(partial.history()).hasSize(3);
        assertThat(Files.readString(dir.resolve("cut/report.md"))).contains("Partial run");

        SearchResult resumed = new SearchRun(exp, new AnalyticPredictor(InputShape.FASHION_MNIST), dir.resolve("cut"))
                .run(true, true, SearchListener.NONE);
        assertThat(resumed.completed()).isTrue();
        for (String f : List.of("population.json", "pareto.json", "history.csv", "random.json", "checkpoint.json")) {
            assertThat(Files.readString(dir.resolve("cut").resolve(f)))
                    .as(f).isEqualTo(Files.readString(dir.resolve("full").resolve(f)));
        }
    }

    @Test
    void givenBaseline_whenRun_thenRandomSearchHasTheSameEvaluationCountsAndFilesExist(@TempDir Path dir) {
        SearchResult r = run(GA, dir, true);
        assertThat(r.random()).hasSameSizeAs(r.history());
        for (int i = 0; i < r.history().size(); i++) {
            assertThat(r.random().get(i).evaluations()).isEqualTo(r.history().get(i).evaluations());
        }
        assertThat(r.history().get(0).evaluations()).isEqualTo(8);
        assertThat(r.evaluations()).isGreaterThan(8);
        for (String f : List.of("manifest.json", "history.csv", "population.json", "pareto.json", "random.json",
                "best_so_far.png", "pareto.png", "report.md")) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        // random.json names random search's pick, whose score is the baseline's final best
        JsonNode randomBest = RunFiles.readJson(dir.resolve("random.json")).get("best");
        assertThat(RunFiles.evaluation(randomBest, "best").score())
                .isEqualTo(r.random().get(r.random().size() - 1).bestSoFar());
        // every scored net keeps the params budget; best first
        List<RankedNet> pop = r.population();
        assertThat(pop).allSatisfy(n -> assertThat(n.evaluation().params()).isLessThanOrEqualTo(60_000));
        for (int i = 1; i < pop.size(); i++) {
            assertThat(pop.get(i - 1).evaluation().score()).isGreaterThanOrEqualTo(pop.get(i).evaluation().score());
        }
        // best-so-far never falls
        for (int i = 1; i < r.history().size(); i++) {
            assertThat(r.history().get(i).bestSoFar()).isGreaterThanOrEqualTo(r.history().get(i - 1).bestSoFar());
        }
    }

    @Test
    void givenNsga2_whenRun_thenParetoSetIsNonDominatedAndFeasible(@TempDir Path dir) {
        SearchExperiment exp = SearchExperiment.parse(NSGA, "t.yaml");
        SearchResult r = new SearchRun(exp, predictor, dir).run(false, false, SearchListener.NONE);
        Scoring scoring = new Scoring(exp.objectives(), exp.constraints());
        assertThat(r.pareto()).isNotEmpty();
        for (RankedNet a : r.pareto()) {
            assertThat(a.evaluation().feasible()).isTrue();
            assertThat(a.evaluation().predictions().get("latency_ms")).isLessThanOrEqualTo(4);
            for (RankedNet b : r.population()) {
                if (b.evaluation().feasible()) {
                    assertThat(Vec.of(scoring.oriented(b.evaluation())).dominance(Vec.of(scoring.oriented(a.evaluation()))))
                            .as("a Pareto net is dominated").isLessThanOrEqualTo(0);
                }
            }
        }
    }

    @Test
    void givenFinishedRun_whenReportDeletedAndRendered_thenSameReport(@TempDir Path dir) throws IOException {
        run(GA, dir, true);
        String before = Files.readString(dir.resolve("report.md"));
        Files.delete(dir.resolve("report.md"));
        Files.delete(dir.resolve("best_so_far.png"));
        RunReport.render(dir);
        assertThat(Files.readString(dir.resolve("report.md"))).isEqualTo(before).contains("random best-so-far");
        assertThat(dir.resolve("best_so_far.png")).isNotEmptyFile();
    }

    @Test
    void givenExistingRun_whenStartedWithoutResume_thenRefused(@TempDir Path dir) {
        run(GA, dir, false);
        assertThatThrownBy(() -> run(GA, dir, false)).hasMessageContaining("already holds a run")
                .hasMessageContaining("--resume");
        SearchExperiment other = SearchExperiment.parse(GA, "t").withSeed(6);
        assertThatThrownBy(() -> new SearchRun(other, predictor, dir).run(true, false, SearchListener.NONE))
                .hasMessageContaining("experiment: differs");
        assertThatThrownBy(() -> RunReport.render(dir.resolve("nothing"))).hasMessageEndingWith("no such run directory");
    }

    @Test
    void givenPredictionsCached_whenGenerationsRepeatNets_thenPredictorSeesEachNetOnce(@TempDir Path dir) {
        SearchResult r = run(GA, dir, false);
        assertThat(predictor.calls()).isLessThanOrEqualTo(r.history().size());
        assertThat((long) predictor.nets()).isLessThanOrEqualTo(r.evaluations());
    }
}
