package org.ghnas.space;

/**
 * torchvision's ResNet-50 (bottleneck blocks [3, 4, 6, 3]). On 32&times;32 inputs it takes the reference's CIFAR
 * adjustment: a 3&times;3 stride-1 first convolution and no max-pool (23,520,842 parameters for CIFAR-10).
 * In spec JSON it is written {@code {"predefined": "resnet50"}}.
 */
public record ResNet50() implements Architecture {
    /** The JSON value of the {@code predefined} field. */
    public static final String NAME = "resnet50";
}
