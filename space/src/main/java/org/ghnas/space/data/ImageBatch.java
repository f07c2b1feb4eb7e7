package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A mini-batch as plain arrays, ready to be wrapped by any tensor library without a copy of its own making: pixels
 * in NCHW order ({@code pixels[((n * channels + c) * height + y) * width + x]}) and one class index per image.
 *
 * <p>The arrays are not copied: a batch is a short-lived hand-over from a {@link BatchSequence} to the consumer,
 * and equality compares contents.
 *
 * @param pixels   {@code size * channels * height * width} values, normalised unless the sequence was
 *                 {@linkplain BatchSequence#unnormalised() unnormalised}
 * @param labels   {@code size} class indices
 * @param size     number of images
 * @param channels channels per image
 * @param height   image height
 * @param width    image width
 */
public record ImageBatch(float[] pixels, int[] labels, int size, int channels, int height, int width) {

    public ImageBatch {
        requireNonNull(pixels, "pixels");
        requireNonNull(labels, "labels");
        if (size < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("size, channels, height and width must be >= 1, but were "
                    + size + ", " + channels + ", " + height + ", " + width);
        }
        if (labels.length != size) {
            throw new IllegalArgumentException("labels must hold size = " + size + " values, but held " + labels.length);
        }
        long expected = (long) size * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels must hold size*channels*height*width = " + expected
                    + " values, but held " + pixels.length);
        }
    }

    /** The value of one pixel: image {@code n}, channel {@code c}, row {@code y}, column {@code x}. */
    public float pixel(int n, int c, int y, int x) {
        return pixels[((n * channels + c) * height + y) * width + x];
    }

    /** Values per image: {@code channels * height * width}. */
    public int imageLength() {
        return channels * height * width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageBatch b
                && size == b.size && channels == b.channels && height == b.height && width == b.width
                && Arrays.equals(labels, b.labels) && Arrays.equals(pixels, b.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(labels) + Arrays.hashCode(pixels)) + size;
    }

    @Override
    public String toString() {
        return "ImageBatch[" + size + "x" + channels + "x" + height + "x" + width + "]";
    }
}
