package org.ghnas.space.plan;

/**
 * What a network is built for: the image size, channel count and number of classes, and whether the ImageNet stem
 * strides apply (the reference's {@code is_imagenet_input}).
 *
 * @param channels   image channels (1 for Fashion-MNIST, 3 for CIFAR-10 and ImageNet)
 * @param height     image height in pixels
 * @param width      image width in pixels
 * @param classes    number of classes
 * @param imagenet   ImageNet strides: stride-4 simple stem, stride-2 two-stage stem, 16x16 ViT patches
 */
public record InputShape(int channels, int height, int width, int classes, boolean imagenet) {

    /** CIFAR-10: 3x32x32, 10 classes. */
    public static final InputShape CIFAR10 = new InputShape(3, 32, 32, 10, false);

    /** ImageNet: 3x224x224, 1000 classes, ImageNet stem strides. */
    public static final InputShape IMAGENET = new InputShape(3, 224, 224, 1000, true);

    /**
     * Fashion-MNIST as ghnas feeds it: 1x28x28 images zero-padded to 32x32, so every net sees the reference's
     * CIFAR geometry (32 -> 16 -> 8, even sizes where factorized reductions halve them, 11x11 ViT tokens).
     */
    public static final InputShape FASHION_MNIST = new InputShape(1, 32, 32, 10, false);

    public InputShape {
        if (channels < 1) {
            throw new IllegalArgumentException("Invalid input channels: " + channels + ", expected >= 1");
        }
        if (height < 8 || width < 8) {
            throw new IllegalArgumentException("Invalid input size: " + height + "x" + width + ", expected >= 8x8");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("Invalid number of classes: " + classes + ", expected >= 2");
        }
    }

    /** The input shape of a named dataset: {@code cifar10}, {@code imagenet} or {@code fashion-mnist}. */
    public static InputShape ofDataset(String name) {
        return switch (name.toLowerCase()) {
            case "cifar10", "cifar-10" -> CIFAR10;
            case "imagenet" -> IMAGENET;
            case "fashion-mnist", "fashion_mnist", "fmnist" -> FASHION_MNIST;
            default -> throw new IllegalArgumentException("unknown dataset '" + name
                    + "', expected cifar10, imagenet or fashion-mnist");
        };
    }
}
