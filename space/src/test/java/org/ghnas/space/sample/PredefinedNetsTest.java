package org.ghnas.space.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.ghnas.space.CellOp;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.ResNet50;
import org.junit.jupiter.api.Test;

class PredefinedNetsTest {

    @Test
    void resnet50IsThePredefinedResNet() {
        assertThat(PredefinedNets.resnet50()).isEqualTo(new ResNet50());
    }

    @Test
    void vitIsTheLoadersTransformer() {
        NetworkSpec vit = PredefinedNets.vit();

        assertThat(vit.isVit()).isTrue();
        assertThat(vit.genotype().normal()).containsExactly(CellOp.of("none", 0), CellOp.of("msa", 1));
        assertThat(vit.genotype().reduce()).containsExactly(CellOp.of("none", 0), CellOp.of("avg_pool_3x3", 1));
        assertThat(vit.genotype().normalConcat()).containsExactly(2);
        assertThat(vit.genotype().reduceConcat()).containsExactly(2);
        assertThat(vit.channels()).isEqualTo(128);
        assertThat(vit.cells()).isEqualTo(12);
        assertThat(vit.preproc()).isFalse();
        assertThat(vit.channelMultiplier()).isEqualTo(1);
        assertThat(vit.globalAvg()).isTrue();
        assertThat(vit.fcLayers()).isEqualTo(1);
        assertThat(vit.norm()).isEqualTo(Norm.BATCH_NORM);
    }

    @Test
    void dartsIsDartsV2WithItsCifarSettings() {
        NetworkSpec darts = PredefinedNets.darts();

        assertThat(darts.genotype().steps()).isEqualTo(4);
        assertThat(darts.genotype().normal()).startsWith(CellOp.of("sep_conv_3x3", 0), CellOp.of("sep_conv_3x3", 1))
                .endsWith(CellOp.of("skip_connect", 0), CellOp.of("dil_conv_3x3", 2));
        assertThat(darts.genotype().reduce()).startsWith(CellOp.of("max_pool_3x3", 0), CellOp.of("max_pool_3x3", 1))
                .endsWith(CellOp.of("skip_connect", 2), CellOp.of("max_pool_3x3", 1));
        assertThat(darts.genotype().normalConcat()).containsExactly(2, 3, 4, 5);
        assertThat(darts.genotype().reduceConcat()).containsExactly(2, 3, 4, 5);
        assertThat(darts.channels()).isEqualTo(36);
        assertThat(darts.cells()).isEqualTo(20);
        assertThat(darts.channelMultiplier()).isEqualTo(2);
        assertThat(darts.preproc()).isTrue();
        assertThat(darts.globalAvg()).isTrue();
        assertThat(darts.stemType()).isZero();
        assertThat(darts.stemKernel()).isEqualTo(3);
        assertThat(darts.fcLayers()).isEqualTo(1);
        assertThat(darts.isVit()).isFalse();
        assertThat(Rejection.ofGenotype(darts.genotype())).isEmpty();
    }
}
