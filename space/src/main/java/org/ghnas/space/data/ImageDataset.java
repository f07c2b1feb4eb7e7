package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A labelled set of images held as compact bytes (one byte per pixel and channel, raw value {@code b / 255} in
 * [0, 1]), with the per-channel mean and standard deviation that batches are normalised with.
 *
 * <p>Images of one dataset share one geometry. The Fashion-MNIST loader zero-pads its 28x28 images to 32x32 (2 px on
 * each side, in raw pixel space, before normalisation), so that every network sees the reference's CIFAR geometry:
 * 32 -> 16 -> 8 through the reductions, even sizes wherever a factorized reduction halves, 11x11 ViT tokens.
 *
 * <pre>{@code
 * DatasetSplits data = Datasets.open("fashion-mnist", null);
 * TrainValidation tv = data.train().splitValidation(0.1);
 * for (ImageBatch batch : tv.train().shuffledBatches(64, new SplittableRandom(seed))) { ... }
 * }</pre>
 *
 * <p>{@link #subset(int, int)} is a view over the same bytes; no image data is copied after loading.
 *
 * @implNote Immutable and thread-safe: the byte arrays never leave this class.
 */
public final class ImageDataset {
    private static final int MAX_CLASSES = 256;

    private final String name;
    private final byte[] pixels;
    private final byte[] labels;
    private final int offset;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final float[] mean;
    private final float[] std;
    /** normalised[c][b] = (b / 255 - mean[c]) / std[c]: normalisation is one table look-up per pixel. */
    private final float[][] normalised;

    /** Takes ownership of the arrays (loaders hand over freshly read ones) and checks them. */
    ImageDataset(String name, byte[] pixels, byte[] labels, int channels, int height, int width, int classes,
            float[] mean, float[] std) {
        this.name = requireNonNull(name, "name");
        this.pixels = requireNonNull(pixels, "pixels");
        this.labels = requireNonNull(labels, "labels");
        requireNonNull(mean, "mean");
        requireNonNull(std, "std");
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("channels, height and width must be >= 1, but were "
                    + channels + ", " + height + ", " + width);
        }
        if (classes < 2 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in [2, " + MAX_CLASSES + "], but was " + classes);
        }
        if (labels.length < 1) {
            throw new IllegalArgumentException("labels must hold at least one image, but held none");
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels must hold labels*channels*height*width = " + expected
                    + " bytes, but held " + pixels.length);
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std must hold one value per channel (" + channels
                    + "), but held " + mean.length + " and " + std.length);
        }
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, " + (classes - 1)
                        + "], but was " + label);
            }
        }
        for (int c = 0; c < channels; c++) {
            if (!(mean[c] >= 0 && mean[c] <= 1) || !(std[c] > 0)) {
                throw new IllegalArgumentException("mean[" + c + "] must be in [0, 1] and std[" + c
                        + "] > 0, but were " + mean[c] + " and " + std[c]);
            }
        }
        this.offset = 0;
        this.size = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.mean = mean.clone();
        this.std = std.clone();
        this.normalised = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int b = 0; b < 256; b++) {
                normalised[c][b] = (float) ((b / 255.0 - mean[c]) / std[c]);
            }
        }
    }

    private ImageDataset(ImageDataset parent, String name, int from, int to) {
        this.name = name;
        this.pixels = parent.pixels;
        this.labels = parent.labels;
        this.offset = parent.offset + from;
        this.size = to - from;
        this.channels = parent.channels;
        this.height = parent.height;
        this.width = parent.width;
        this.classes = parent.classes;
        this.mean = parent.mean;
        this.std = parent.std;
        this.normalised = parent.normalised;
    }

    /**
     * A dataset from raw bytes, e.g. a synthetic one for tests. The arrays are copied.
     *
     * @param name     a name for messages and reports, e.g. {@code fashion-mnist/train}
     * @param pixels   {@code labels.length * channels * height * width} bytes, image-major then CHW; raw value
     *                 {@code (b & 0xFF) / 255}
     * @param labels   one class index per image, {@code 0 <= (label & 0xFF) < classes}
     * @param channels channels per image
     * @param height   image height
     * @param width    image width
     * @param classes  number of classes, 2 to 256
     * @param mean     per-channel mean in raw [0, 1] pixel space, used for normalisation
     * @param std      per-channel standard deviation in raw pixel space, positive
     * @return the dataset
     * @throws IllegalArgumentException if sizes disagree, a label is out of range or mean/std are invalid
     */
    public static ImageDataset of(String name, byte[] pixels, byte[] labels, int channels, int height, int width,
            int classes, double[] mean, double[] std) {
        requireNonNull(mean, "mean");
        requireNonNull(std, "std");
        return new ImageDataset(name, pixels.clone(), labels.clone(), channels, height, width, classes,
                toFloats(mean), toFloats(std));
    }

    private static float[] toFloats(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    /** The name used in messages and reports, e.g. {@code fashion-mnist/train} or {@code cifar10/train[0,45000)}. */
    public String name() {
        return name;
    }

    /** Number of images. */
    public int size() {
        return size;
    }

    /** Channels per image: 1 for Fashion-MNIST, 3 for CIFAR-10. */
    public int channels() {
        return channels;
    }

    /** Image height in pixels (32 for both built-in datasets). */
    public int height() {
        return height;
    }

    /** Image width in pixels (32 for both built-in datasets). */
    public int width() {
        return width;
    }

    /** Number of classes; labels lie in {@code [0, classes)}. */
    public int classes() {
        return classes;
    }

    /** Values per image: {@code channels * height * width}. */
    public int imageLength() {
        return channels * height * width;
    }

    /** The mean of channel {@code c} in raw [0, 1] pixel space that normalisation subtracts. */
    public double mean(int c) {
        return mean[checkChannel(c)];
    }

    /** The standard deviation of channel {@code c} in raw pixel space that normalisation divides by. */
    public double std(int c) {
        return std[checkChannel(c)];
    }

    /** The class index of image {@code i}. */
    public int label(int i) {
        return labels[offset + checkIndex(i)] & 0xFF;
    }

    /** The raw value of one pixel in [0, 1]: image {@code i}, channel {@code c}, row {@code y}, column {@code x}. */
    public float pixel(int i, int c, int y, int x) {
        checkIndex(i);
        checkChannel(c);
        if (y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException("pixel (y, x) must be in [0, " + height + ") x [0, " + width
                    + "), but was (" + y + ", " + x + ")");
        }
        return (pixels[(offset + i) * imageLength() + (c * height + y) * width + x] & 0xFF) / 255f;
    }

    /** How many images each class has, indexed by class. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int i = 0; i < size; i++) {
            counts[labels[offset + i] & 0xFF]++;
        }
        return counts;
    }

    /**
     * The images {@code [from, to)} as a dataset of their own, sharing this one's bytes.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from < to <= size()}
     */
    public ImageDataset subset(int from, int to) {
        if (from < 0 || to > size || from >= to) {
            throw new IndexOutOfBoundsException("subset [from, to) must satisfy 0 <= from < to <= " + size
                    + ", but was [" + from + ", " + to + ")");
        }
        if (from == 0 && to == size) {
            return this;
        }
        return new ImageDataset(this, baseName() + "[" + (offset + from) + "," + (offset + to) + ")", from, to);
    }

    private String baseName() {
        int bracket = name.indexOf('[');
        return bracket < 0 ? name : name.substring(0, bracket);
    }

    /**
     * Holds out the last {@code fraction} of the images for validation, in file order, as the reference does
     * (CIFAR-10: the first 45,000 training images train, the last 5,000 validate).
     *
     * @param fraction the share held out, in (0, 1); the held-out count is {@code round(size * fraction)}
     * @throws IllegalArgumentException if the fraction is out of range or leaves either part empty
     */
    public TrainValidation splitValidation(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), but was " + fraction);
        }
        int held = (int) Math.round(size * fraction);
        if (held < 1 || held >= size) {
            throw new IllegalArgumentException("validation fraction " + fraction + " of " + size
                    + " images must leave both parts non-empty, but held out " + held);
        }
        return new TrainValidation(subset(0, size - held), subset(size - held, size));
    }

    /** The normalised images {@code [from, to)} as one batch. */
    public ImageBatch batch(int from, int to) {
        if (from < 0 || to > size || from >= to) {
            throw new IndexOutOfBoundsException("batch [from, to) must satisfy 0 <= from < to <= " + size
                    + ", but was [" + from + ", " + to + ")");
        }
        int[] indices = new int[to - from];
        Arrays.setAll(indices, k -> from + k);
        return fill(indices, 0, indices.length, true, 0, null);
    }

    /** The normalised images at the given indices, in that order, as one batch. */
    public ImageBatch batch(int[] indices) {
        requireNonNull(indices, "indices");
        if (indices.length == 0) {
            throw new IllegalArgumentException("indices must name at least one image, but named none");
        }
        for (int index : indices) {
            checkIndex(index);
        }
        return fill(indices, 0, indices.length, true, 0, null);
    }

    /** Sequential batches of {@code batchSize} images for evaluation; the last one may be smaller. */
    public BatchSequence batches(int batchSize) {
        return BatchSequence.sequential(this, batchSize);
    }

    /**
     * One epoch of shuffled batches of {@code batchSize} images; the last one may be smaller (as the reference's
     * loader, 704 steps for 45,000 images in batches of 64). The permutation is drawn from {@code rng} now, so the
     * same seed gives the same epoch.
     */
    public BatchSequence shuffledBatches(int batchSize, RandomGenerator rng) {
        requireNonNull(rng, "rng");
        int[] order = new int[size];
        Arrays.setAll(order, k -> k);
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return BatchSequence.shuffled(this, batchSize, order);
    }

    /**
     * Copies images {@code indices[from..to)} into a new batch.
     *
     * @param normalise whether to apply {@code (x - mean) / std}
     * @param sigma     standard deviation of additive Gaussian noise in raw [0, 1] pixel space (0 for none); noisy
     *                  values are clipped to [0, 1] before normalisation
     * @param noise     the generator of the noise; only read when {@code sigma > 0}
     */
    ImageBatch fill(int[] indices, int from, int to, boolean normalise, double sigma, RandomGenerator noise) {
        int n = to - from;
        int length = imageLength();
        int plane = height * width;
        float[] out = new float[n * length];
        int[] outLabels = new int[n];
        for (int k = 0; k < n; k++) {
            int image = offset + indices[from + k];
            outLabels[k] = labels[image] & 0xFF;
            int src = image * length;
            int dst = k * length;
            if (sigma == 0) {
                for (int c = 0; c < channels; c++) {
                    float[] table = normalised[c];
                    for (int p = 0; p < plane; p++) {
                        int b = pixels[src + p] & 0xFF;
                        out[dst + p] = normalise ? table[b] : b / 255f;
                    }
                    src += plane;
                    dst += plane;
                }
            } else {
                for (int c = 0; c < channels; c++) {
                    double m = mean[c];
                    double s = std[c];
                    for (int p = 0; p < plane; p++) {
                        double x = (pixels[src + p] & 0xFF) / 255.0 + sigma * noise.nextGaussian();
                        x = x < 0 ? 0 : x > 1 ? 1 : x;
                        out[dst + p] = (float) (normalise ? (x - m) / s : x);
                    }
                    src += plane;
                    dst += plane;
                }
            }
        }
        return new ImageBatch(out, outLabels, n, channels, height, width);
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("image index must be in [0, " + size + "), but was " + i);
        }
        return i;
    }

    private int checkChannel(int c) {
        if (c < 0 || c >= channels) {
            throw new IndexOutOfBoundsException("channel must be in [0, " + channels + "), but was " + c);
        }
        return c;
    }

    @Override
    public String toString() {
        return name + " (" + size + " images, " + channels + "x" + height + "x" + width + ", " + classes + " classes)";
    }
}
