package org.ghnas.space.sample;

import java.util.List;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.ResNet50;

/**
 * Hand-designed networks used as fixed reference points: the reference's "predefined" split (ResNet-50 and a ViT,
 * facts §1.5) and the DARTS cell that the DeepNets-1M space was modelled on.
 *
 * <pre>{@code
 * NetworkSpec vit = PredefinedNets.vit();   // 12 cells of C=128 attention
 * }</pre>
 */
public final class PredefinedNets {

    /** The reference's {@code genotypes.ViT}: one attention op per normal cell, average pooling in reduction cells. */
    public static final Genotype VIT_GENOTYPE = new Genotype(
            List.of(CellOp.of("none", 0), CellOp.of("msa", 1)), List.of(2),
            List.of(CellOp.of("none", 0), CellOp.of("avg_pool_3x3", 1)), List.of(2));

    /** The reference's {@code genotypes.DARTS} (DARTS V2), both concat lists {@code [2, 3, 4, 5]}. */
    public static final Genotype DARTS_GENOTYPE = new Genotype(
            List.of(CellOp.of("sep_conv_3x3", 0), CellOp.of("sep_conv_3x3", 1),
                    CellOp.of("sep_conv_3x3", 0), CellOp.of("sep_conv_3x3", 1),
                    CellOp.of("sep_conv_3x3", 1), CellOp.of("skip_connect", 0),
                    CellOp.of("skip_connect", 0), CellOp.of("dil_conv_3x3", 2)),
            List.of(2, 3, 4, 5),
            List.of(CellOp.of("max_pool_3x3", 0), CellOp.of("max_pool_3x3", 1),
                    CellOp.of("skip_connect", 2), CellOp.of("max_pool_3x3", 1),
                    CellOp.of("max_pool_3x3", 0), CellOp.of("skip_connect", 2),
                    CellOp.of("skip_connect", 2), CellOp.of("max_pool_3x3", 1)),
            List.of(2, 3, 4, 5));

    private PredefinedNets() {
    }

    /** Predefined net 0: torchvision's ResNet-50 (CIFAR-adjusted on 32&times;32 inputs). */
    public static ResNet50 resnet50() {
        return new ResNet50();
    }

    /**
     * Predefined net 1, as the reference loader builds it: the ViT genotype with C=128, 12 cells, no preprocessing,
     * C_mult 1 and global pooling; every other field keeps the {@code Network} defaults of
     * {@link NetworkSpec.Builder} (a ViT net ignores stem kernel, stem type and stem pool anyway).
     */
    public static NetworkSpec vit() {
        return NetworkSpec.builder(VIT_GENOTYPE).channels(128).cells(12).preproc(false).channelMultiplier(1)
                .globalAvg(true).build();
    }

    /** DARTS V2 with its CIFAR-10 settings: C=36, 20 cells, C_mult 2, preprocessing, 3&times;3 simple stem. */
    public static NetworkSpec darts() {
        return NetworkSpec.builder(DARTS_GENOTYPE).channels(36).cells(20).channelMultiplier(2).preproc(true)
                .globalAvg(true).stemKernel(3).stemType(0).stemPool(false).fcLayers(1).build();
    }
}
