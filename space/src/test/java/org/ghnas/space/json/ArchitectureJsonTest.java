package org.ghnas.space.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.ResNet50;
import org.ghnas.space.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchitectureJsonTest {

    static final String SPEC = """
            {"genotype": {"normal": [["sep_conv_3x3", 1], ["skip_connect", 0], ["conv_1x1", 2], ["msa", 1]],
                          "normal_concat": [2, 3],
                          "reduce": [["max_pool_3x3", 0], ["avg_pool_3x3", 1], ["skip_connect", 2], ["none", 0]],
                          "reduce_concat": [2, 3]},
             "C": 32, "n_cells": 8, "ks": 3, "C_mult": 2, "preproc": true, "glob_avg": true,
             "norm": "bn", "stem_type": 0, "stem_pool": false, "fc_layers": 1, "fc_dim": 256}
            """;

    @Test
    void readsTheDocumentedExampleAndWritesItBack() {
        NetworkSpec spec = (NetworkSpec) ArchitectureJson.parseOne(SPEC);
        assertThat(spec.channels()).isEqualTo(32);
        assertThat(spec.genotype().steps()).isEqualTo(2);
        assertThat(spec.isVit()).isTrue();
        assertThat(spec.norm()).isEqualTo(Norm.BATCH_NORM);
        assertThat(ArchitectureJson.parseOne(ArchitectureJson.toJson(spec))).isEqualTo(spec);
    }

    @Test
    void arraysAndPredefinedNetsRoundTrip() {
        List<Architecture> all = List.of(ArchitectureJson.parseOne(SPEC), new ResNet50());
        assertThat(ArchitectureJson.parse(ArchitectureJson.toJson(all))).isEqualTo(all);
        assertThat(ArchitectureJson.toCompactJson(new ResNet50())).isEqualTo("{\"predefined\":\"resnet50\"}");
    }

    @Test
    void nullNormMeansNormalisationFree() {
        NetworkSpec spec = (NetworkSpec) ArchitectureJson.parseOne(SPEC.replace("\"bn\"", "null"));
        assertThat(spec.norm()).isEqualTo(Norm.NONE);
        assertThat(ArchitectureJson.toJson(spec)).contains("\"norm\" : null");
    }

    @Test
    void badSpecsNameTheFieldTheValueAndTheAllowedForm() {
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("conv_1x1", "conv_9x9")))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("genotype.normal[2].op: unknown op 'conv_9x9', expected one of none,");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("[\"msa\", 1]", "[\"msa\", 4]")))
                .hasMessageStartingWith("genotype.normal[3].input: 4 is out of range, expected 0..2");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("\"normal_concat\": [2, 3]", "\"normal_concat\": []")))
                .hasMessageStartingWith("genotype.normal_concat: empty");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("\"preproc\": true", "\"preproc\": false")))
                .hasMessageStartingWith("preproc: false is not allowed here");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("\"C\": 32", "\"C\": 6")))
                .hasMessageStartingWith("C: 6 is too small for msa, expected C >= 8");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("\"C\": 32", "\"C\": \"wide\"")))
                .hasMessageStartingWith("C: expected an integer, got \"wide\"");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(SPEC.replace("\"ks\": 3", "\"kernel\": 3")))
                .hasMessageStartingWith("kernel: unknown key, expected one of");
        assertThatThrownBy(() -> ArchitectureJson.parse("[" + SPEC + ", {\"predefined\": \"vgg\"}]"))
                .hasMessageStartingWith("[1].predefined: unknown network 'vgg', expected 'resnet50'");
    }

    @Test
    void oddWidthsWhereAFactorizedReductionHalvesThemAreRejected() {
        String noMsa = SPEC.replace("[\"msa\", 1]", "[\"conv_3x3\", 1]");
        assertThatThrownBy(() -> ArchitectureJson.parseOne(noMsa.replace("\"C\": 32", "\"C\": 15")
                        .replace("\"C_mult\": 2", "\"C_mult\": 1")))
                .hasMessageStartingWith("C: 15 gives an odd width 15 at cell 3 where a factorized reduction halves it");
    }

    @Test
    void filesAreNamedInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nets.json");
        Files.writeString(file, "[" + SPEC + "," + SPEC.replace("\"n_cells\": 8", "\"n_cells\": 0") + "]");
        assertThatThrownBy(() -> ArchitectureJson.read(file))
                .isInstanceOf(SpecFileException.class)
                .hasMessage(file + ": [1].n_cells: 0 is not positive, expected an integer >= 1");
        assertThatThrownBy(() -> ArchitectureJson.read(dir.resolve("missing.json")))
                .hasMessageContaining("missing.json: no such file");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> ArchitectureJson.read(file)).hasMessageContaining("nets.json: (document): not valid JSON");
    }
}
