package org.ghnas.space.plan;

/**
 * The per-example shape of a tensor flowing through a plan: a feature map (channels x height x width) or a
 * feature vector (after pooling or flattening; height = width = 1).
 */
public record TensorShape(int channels, int height, int width, boolean vector) {

    public TensorShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("Invalid tensor shape: " + channels + "x" + height + "x" + width);
        }
        if (vector && (height != 1 || width != 1)) {
            throw new IllegalArgumentException("A vector has no spatial size: " + height + "x" + width);
        }
    }

    public static TensorShape map(int channels, int height, int width) {
        return new TensorShape(channels, height, width, false);
    }

    public static TensorShape vector(int features) {
        return new TensorShape(features, 1, 1, true);
    }

    /** Number of scalars per example. */
    public long size() {
        return (long) channels * height * width;
    }

    /** Same spatial size and kind. */
    public boolean sameSpatial(TensorShape o) {
        return vector == o.vector && height == o.height && width == o.width;
    }

    public TensorShape withChannels(int c) {
        return new TensorShape(c, height, width, vector);
    }

    @Override
    public String toString() {
        return vector ? "[" + channels + "]" : "[" + channels + "x" + height + "x" + width + "]";
    }
}
