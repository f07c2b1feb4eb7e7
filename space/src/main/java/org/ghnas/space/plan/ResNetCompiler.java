package org.ghnas.space.plan;

import org.ghnas.space.ResNet50;

/**
 * torchvision's ResNet-50 (v1.5: the stride sits on the 3x3 convolution). For small inputs (not ImageNet) it takes
 * the reference's CIFAR adjustment: a 3x3 stride-1 first convolution and no max-pool.
 */
final class ResNetCompiler {

    private static final int[] BLOCKS = {3, 4, 6, 3};
    private static final int EXPANSION = 4;

    private ResNetCompiler() {
    }

    static NetworkPlan resnet50(InputShape input) {
        PlanBuilder b = new PlanBuilder(0);
        int h = b.input(TensorShape.map(input.channels(), input.height(), input.width()));
        if (input.imagenet()) {
            h = b.add("conv1", 0, new Op.Conv(input.channels(), 64, 7, 7, 2, 2, 3, 3, 1, 1), h);
        } else {
            h = b.add("conv1", 0, new Op.Conv(input.channels(), 64, 3, 3, 1, 1, 1, 1, 1, 1), h);
        }
        h = b.add("bn1", 0, new Op.BatchNorm(64), h);
        h = b.add("relu", 0, new Op.Activation(Op.Activation.Kind.RELU), h);
        if (input.imagenet()) {
            h = b.add("maxpool", 0, new Op.MaxPool(3, 2, 1), h);
        }
        int inplanes = 64;
        for (int layer = 0; layer < BLOCKS.length; layer++) {
            int planes = 64 << layer;
            for (int block = 0; block < BLOCKS[layer]; block++) {
                int stride = block == 0 && layer > 0 ? 2 : 1;
                String p = "layer" + (layer + 1) + "." + block + ".";
                int identity = h;
                int y = b.add(p + "conv1", 0, new Op.Conv(inplanes, planes, 1, 1, 1, 1, 0, 0, 1, 1), h);
                y = b.add(p + "bn1", 0, new Op.BatchNorm(planes), y);
                y = b.add(p + "relu1", 0, new Op.Activation(Op.Activation.Kind.RELU), y);
                y = b.add(p + "conv2", 0, new Op.Conv(planes, planes, 3, 3, stride, stride, 1, 1, 1, 1), y);
                y = b.add(p + "bn2", 0, new Op.BatchNorm(planes), y);
                y = b.add(p + "relu2", 0, new Op.Activation(Op.Activation.Kind.RELU), y);
                y = b.add(p + "conv3", 0, new Op.Conv(planes, planes * EXPANSION, 1, 1, 1, 1, 0, 0, 1, 1), y);
                y = b.add(p + "bn3", 0, new Op.BatchNorm(planes * EXPANSION), y);
                if (block == 0) {
                    identity = b.add(p + "downsample.0", 0,
                            new Op.Conv(inplanes, planes * EXPANSION, 1, 1, stride, stride, 0, 0, 1, 1), h);
                    identity = b.add(p + "downsample.1", 0, new Op.BatchNorm(planes * EXPANSION), identity);
                }
                y = b.add(p + "add", 0, new Op.Sum(), y, identity);
                h = b.add(p + "relu3", 0, new Op.Activation(Op.Activation.Kind.RELU), y);
                inplanes = planes * EXPANSION;
            }
        }
        h = b.add("avgpool", 0, new Op.GlobalAvgPool(), h);
        h = b.add("fc", 0, new Op.Linear(inplanes, input.classes(), true), h);
        return b.build(new ResNet50(), input, h);
    }
}
