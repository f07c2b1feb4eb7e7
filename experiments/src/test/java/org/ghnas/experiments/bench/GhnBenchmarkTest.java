package org.ghnas.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.ImageDataset;
import org.ghnas.space.sample.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GHN benchmark at tiny sizes: every part runs and the report carries what the issue asks for. */
class GhnBenchmarkTest {

    private static final GraphHyperNetwork GHN = GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 3);

    private static ImageDataset images(String name, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 32 * 32];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int p = 0; p < 32 * 32; p++) {
                pixels[i * 32 * 32 + p] = (byte) rng.nextInt(256);
            }
        }
        return ImageDataset.of(name, pixels, labels, 1, 32, 32, 10, new double[] {0.5}, new double[] {0.3});
    }

    private static final DatasetSplits DATA = new DatasetSplits("noise", images("noise/train", 64, 1),
            images("noise/test", 64, 2));

    private static GhnBenchmark.Settings tiny() {
        return new GhnBenchmark.Settings(0, 8, 2, 1, GhnBenchmark.OOD_FAMILIES, false, 32, 1, 1, 1, 1, 1, 8, 8, 16);
    }

    @Test
    void givenTinySettings_whenRun_thenEveryPartIsReportedAndRendered() {
        // Given
        List<String> log = new ArrayList<>();
        GhnBenchmark bench = new GhnBenchmark(GHN, DATA, tiny(), log::add);

        // When
        ObjectNode r = bench.run();
        r.put("command", "ghnas ghn bench --id 2");
        r.put("checkpoint", "small.ghn");

        // Then: one accuracy row per set, with all three columns
        List<String> sets = new ArrayList<>();
        for (JsonNode s : r.path("accuracy")) {
            sets.add(s.path("set").asText());
            int ok = s.path("nets").asInt() - s.path("failed").asInt();
            assertThat(s.path("per_net")).hasSize(s.path("nets").asInt());
            assertThat(s.path("predicted").path("n").asInt()).isEqualTo(ok);
            assertThat(s.path("sgd").path("n").asInt()).isEqualTo(ok);
            if (ok > 0) {
                assertThat(s.path("predicted").path("mean").asDouble()).isBetween(0.0, 100.0);
                assertThat(s.path("he_init").path("mean").asDouble()).isBetween(0.0, 100.0);
            }
            assertThat(s.has("goal_met")).isTrue();
        }
        assertThat(sets).containsExactly("id", "wide", "deep", "dense", "bnfree");
        assertThat(r.path("accuracy").get(0).path("nets").asInt()).isEqualTo(2);
        assertThat(r.path("ghn_sha256").asText()).isEqualTo(GHN.checksum());
        assertThat(r.path("available_processors").asInt()).isPositive();
        assertThat(r.path("java").asText()).contains(Runtime.version().toString());

        // Then: latency and training figures are positive, the FLOP fraction is a share of a measured baseline
        assertThat(r.path("latency").path("resnet50_predict_s").asDouble()).isPositive();
        assertThat(r.path("latency").path("id_embed_nets_per_s").asDouble()).isPositive();
        JsonNode t = r.path("training");
        assertThat(t.path("step_median_s").asDouble()).isPositive();
        assertThat(t.path("conv_baseline_gmacs_per_s").asDouble()).isPositive();
        assertThat(t.path("fraction_of_conv_throughput").asDouble()).isPositive();
        // one worker: its nets' passes are part of each step, the rest (sampling, Adam) too
        assertThat(t.path("workers_busy_share_median").asDouble()).isStrictlyBetween(0.0, 1.0);
        assertThat(t.path("step_seconds")).hasSize(t.path("timed_steps").asInt());
        assertThat(t.path("step_median_second_half_s").asDouble()).isPositive();
        assertThat(t.path("config").path("metaBatch").asInt()).isEqualTo(1);

        // Then: the Markdown names the command, the checksum and the machine
        String md = GhnBenchmark.markdown(r);
        assertThat(md).contains("`ghnas ghn bench --id 2`", GHN.checksum(), "available processors", "| id | 2 |",
                "| wide | 1 |", "fraction of the convolution throughput", "Java " + r.path("java").asText());
        if (r.has("cpu")) { // Linux with a model name in /proc/cpuinfo, as on every machine the project runs on
            assertThat(md).contains("CPU " + r.path("cpu").asText());
        }
        assertThat(log).isNotEmpty();
    }

    @Test
    void givenCpuinfoOfTwoMachines_whenDescribed_thenTheModelAndItsWidestVectorSetAreNamed() {
        // /proc/cpuinfo repeats one block per processor; the first block names the machine
        List<String> xeon = List.of("processor\t: 0", "model name\t: Intel(R) Xeon(R) Platinum 8488C",
                "flags\t\t: fpu sse2 avx avx2 fma avx512f avx512cd avx512bw", "", "processor\t: 1",
                "model name\t: Intel(R) Xeon(R) Platinum 8488C");
        List<String> epyc = List.of("processor\t: 0", "model name\t: AMD EPYC", "flags\t\t: fpu sse2 avx fma avx2 sha_ni");
        List<String> old = List.of("model name\t: Intel(R) Core(TM)2 Duo", "flags\t\t: fpu sse2 ssse3");

        assertThat(GhnBenchmark.describeCpu(xeon)).contains("Intel(R) Xeon(R) Platinum 8488C (AVX-512)");
        assertThat(GhnBenchmark.describeCpu(epyc)).contains("AMD EPYC (AVX2)");
        assertThat(GhnBenchmark.describeCpu(old)).contains("Intel(R) Core(TM)2 Duo");
        // a machine without a model name (some ARM kernels) gets no CPU line rather than a guess
        assertThat(GhnBenchmark.describeCpu(List.of("processor\t: 0", "Features\t: fp asimd"))).isEmpty();
    }

    @Test
    void givenJournalsOfAKilledRun_whenRunAgainOnTwoWorkers_thenFinishedNetsAreReusedAndTheRestMeasuredAlike(
            @TempDir Path dir) throws IOException {
        // Given: an uninterrupted run on one worker, and journals that hold the first ID net only
        GhnBenchmark.Settings s = tiny().withTrainSteps(0);
        ArrayNode straight = new GhnBenchmark(GHN, DATA, s, m -> { }, 1, null).accuracy();
        GhnBenchmark.Journals journals = GhnBenchmark.Journals.in(dir);
        new GhnBenchmark(GHN, DATA, s, m -> { }, 1, journals).accuracy();
        for (Path file : List.of(journals.predicted().file(), journals.baselines().file())) {
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(1 + 2 + 4); // header, 2 ID nets, 1 per OOD family
            String first = lines.stream().filter(l -> l.contains("\"id/0\"")).findFirst().orElseThrow();
            String marked = first.replaceFirst("\"(predicted|sgd)\":[0-9.]+", "\"$1\":123.0");
            Files.write(file, List.of(lines.get(0), marked, "{\"key\":\"id/1\",\"resu")); // killed mid-line
        }

        // When
        List<String> log = new ArrayList<>();
        ArrayNode resumed = new GhnBenchmark(GHN, DATA, s, log::add, 2, journals).accuracy();

        // Then: net id/0 came from the journals, every other net was measured again with the same result
        assertThat(log).hasSize(5).noneMatch(l -> l.startsWith("accuracy id 1/"));
        assertThat(resumed.get(0).path("per_net").get(0).path("predicted").asDouble()).isEqualTo(123.0);
        assertThat(resumed.get(0).path("per_net").get(0).path("sgd").asDouble()).isEqualTo(123.0);
        for (int k = 0; k < straight.size(); k++) {
            for (int i = 0; i < straight.get(k).path("per_net").size(); i++) {
                if (k == 0 && i == 0) {
                    continue;
                }
                JsonNode a = straight.get(k).path("per_net").get(i);
                JsonNode b = resumed.get(k).path("per_net").get(i);
                for (String f : List.of("predicted", "he_init", "sgd", "error")) {
                    assertThat(b.path(f)).as(k + "/" + i + " " + f).isEqualTo(a.path(f));
                }
            }
        }
    }

    @Test
    void givenBaselinesOfAnotherGhn_whenRun_thenOnlyThePredictedColumnIsMeasured(@TempDir Path dir) {
        // Given: a finished run of another GHN in its own directory, its baselines in a shared file
        GhnBenchmark.Settings s = tiny().withTrainSteps(0);
        GraphHyperNetwork other = GraphHyperNetwork.initialize(new GhnConfig(8, 50, true, 11, 10), 4);
        Path shared = dir.resolve("accuracy-baselines.jsonl");
        ArrayNode first = new GhnBenchmark(other, DATA, s, m -> { }, 1,
                GhnBenchmark.Journals.in(dir.resolve("other"), shared)).accuracy();

        // When: this GHN's run writes to another directory and reads the shared baselines
        GhnBenchmark.Journals journals = GhnBenchmark.Journals.in(dir.resolve("this"), shared);
        ArrayNode second = new GhnBenchmark(GHN, DATA, s, m -> { }, 1, journals).accuracy();

        // Then: the He-init and SGD figures (and the time they took) are the first run's, read back
        JsonNode a = first.get(0).path("per_net").get(0);
        JsonNode b = second.get(0).path("per_net").get(0);
        assertThat(b.path("baselines_s")).isEqualTo(a.path("baselines_s"));
        assertThat(b.path("sgd")).isEqualTo(a.path("sgd"));
        assertThat(b.path("predict_s").asDouble()).isPositive();
    }

    @Test
    void givenJournalOfAnotherRun_whenOpened_thenOneLineErrorNamesTheFile(@TempDir Path dir) {
        GhnBenchmark.Journals journals = GhnBenchmark.Journals.in(dir);
        new GhnBenchmark(GHN, DATA, tiny().withTrainSteps(0), m -> { }, 1, journals).accuracy();

        assertThatThrownBy(() -> new GhnBenchmark(GHN, DATA, tiny().withTestImages(16), m -> { }, 1, journals)
                .accuracy())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(journals.predicted().file() + ": holds a run with other")
                .hasMessageNotContaining("\n");
    }

    @Test
    void givenSameSeed_whenNetSets_thenSameHeldOutNets() {
        var a = new GhnBenchmark(GHN, DATA, tiny().withIdNets(3).withPredefined(true), s -> { }).netSets();
        var b = new GhnBenchmark(GHN, DATA, tiny().withIdNets(3).withPredefined(true), s -> { }).netSets();
        assertThat(a).isEqualTo(b);
        assertThat(a).extracting(GhnBenchmark.NetSet::name)
                .containsExactly("id", "wide", "deep", "dense", "bnfree", "resnet50", "darts");
        assertThat(a.get(0).nets()).hasSize(3);
    }

    @Test
    void givenOneFamily_whenNetSets_thenItsNetsAreThoseOfTheFullRun() {
        var all = new GhnBenchmark(GHN, DATA, tiny().withOodNets(3), s -> { }).netSets();
        var bnFree = new GhnBenchmark(GHN, DATA, tiny().withOodNets(3).withOodFamilies(List.of(Family.BNFREE)),
                s -> { }).netSets();

        assertThat(bnFree).extracting(GhnBenchmark.NetSet::name).containsExactly("id", "bnfree");
        assertThat(bnFree.get(1)).isEqualTo(all.get(4));
        assertThat(tiny().withOodFamilies(List.of(Family.BNFREE, Family.WIDE)).oodFamilies())
                .containsExactly(Family.WIDE, Family.BNFREE);
    }

    @Test
    void givenTheIdFamilyAmongOodFamilies_whenSettings_thenRejected() {
        assertThatThrownBy(() -> tiny().withOodFamilies(List.of(Family.ID)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oodFamilies must be among [WIDE, DEEP, DENSE, BNFREE], but held ID.");
    }

    @Test
    void givenNegativeSeed_whenSettings_thenRejectedNamingTheField() {
        assertThatThrownBy(() -> new GhnBenchmark.Settings(-1, 16, 1, 1, GhnBenchmark.OOD_FAMILIES, false, 10, 0, 0, 1, 0, 8, 16, 64, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("seed must be >= 0, but was -1.");
    }
}
