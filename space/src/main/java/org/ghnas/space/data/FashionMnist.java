package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando; 60,000 training and 10,000 test images of 10 clothing classes) from its IDX files, gzipped
 * or plain: {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}. Debian's {@code dataset-fashion-mnist}
 * installs them gzipped under {@link #DEFAULT_DIR}.
 *
 * <p>The 28x28 images are zero-padded to 32x32 (2 px on each side, in raw pixel space, before normalisation) so that
 * every network of the space sees the reference's CIFAR geometry: 32 -> 16 -> 8 through the reductions, even sizes
 * wherever a factorized reduction halves, 11x11 ViT tokens. Normalisation uses the standard Fashion-MNIST statistics
 * {@link #MEAN} 0.2860 and {@link #STD} 0.3530 of the 28x28 images, carried over exactly to the padded frame (the 240
 * added zeros per image lower the mean to 0.2190 and the std to 0.3318), so normalised training pixels have mean 0 and
 * standard deviation 1 as intended.
 *
 * <pre>{@code
 * DatasetSplits data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
 * }</pre>
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The dataset's name in configs and on the command line. */
    public static final String NAME = "fashion-mnist";
    /** Mean of the 28x28 training pixels in [0, 1]. */
    public static final double MEAN = 0.2860;
    /** Standard deviation of the 28x28 training pixels in [0, 1]. */
    public static final double STD = 0.3530;

    static final int SIDE = 28;
    static final int PAD = 2;
    static final int PADDED = SIDE + 2 * PAD;
    static final int CLASSES = 10;
    static final int IMAGES_MAGIC = 2051;
    static final int LABELS_MAGIC = 2049;
    static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** The ten class names, indexed by label. */
    public static List<String> classNames() {
        return CLASS_NAMES;
    }

    /** The mean of the padded 32x32 images implied by {@link #MEAN}: {@code MEAN * 784 / 1024}. */
    static double paddedMean() {
        return MEAN * SIDE * SIDE / (PADDED * PADDED);
    }

    /** The standard deviation of the padded 32x32 images implied by {@link #MEAN} and {@link #STD}. */
    static double paddedStd() {
        double share = (double) (SIDE * SIDE) / (PADDED * PADDED);
        double secondMoment = (STD * STD + MEAN * MEAN) * share;
        return Math.sqrt(secondMoment - paddedMean() * paddedMean());
    }

    /** Whether {@code dir} holds all four IDX files (each plain or gzipped). */
    public static boolean isPresent(Path dir) {
        requireNonNull(dir, "dir");
        return FILES.stream().allMatch(base -> DatasetFiles.find(dir, base) != null);
    }

    /**
     * Loads both splits from {@code dir}, checking every header, count and label.
     *
     * @param dir a directory holding the four IDX files
     * @return the train (60,000) and test (10,000) splits, 1x32x32, 10 classes
     * @throws DatasetException with a one-line message naming the file and what was expected
     */
    public static DatasetSplits load(Path dir) {
        requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("Fashion-MNIST not found in " + dir
                    + ": no such directory, expected one holding " + expectedFiles());
        }
        if (FILES.stream().allMatch(base -> DatasetFiles.find(dir, base) == null)) {
            throw new DatasetException("Fashion-MNIST not found in " + dir + ": expected " + expectedFiles());
        }
        ImageDataset train = loadSplit(NAME + "/train", file(dir, FILES.get(0)), file(dir, FILES.get(1)));
        ImageDataset test = loadSplit(NAME + "/test", file(dir, FILES.get(2)), file(dir, FILES.get(3)));
        return new DatasetSplits(NAME, train, test);
    }

    private static String expectedFiles() {
        return String.join(", ", FILES.stream().map(f -> f + "[.gz]").toList()) + " (IDX format)";
    }

    private static Path file(Path dir, String base) {
        Path file = DatasetFiles.find(dir, base);
        if (file == null) {
            throw new DatasetException(dir.resolve(base), "missing, expected " + base + " or " + base + ".gz"
                    + (base.contains("images") ? " (IDX images)" : " (IDX labels)"));
        }
        return file;
    }

    static ImageDataset loadSplit(String name, Path imagesFile, Path labelsFile) {
        byte[] images = DatasetFiles.read(imagesFile);
        if (images.length < 16) {
            throw new DatasetException(imagesFile, images.length + " bytes, expected at least a 16-byte IDX images header");
        }
        int magic = DatasetFiles.int32(images, 0);
        if (magic != IMAGES_MAGIC) {
            throw new DatasetException(imagesFile, "bad magic number " + magic + ", expected " + IMAGES_MAGIC
                    + " (IDX images)");
        }
        int count = DatasetFiles.int32(images, 4);
        int rows = DatasetFiles.int32(images, 8);
        int cols = DatasetFiles.int32(images, 12);
        if (count < 1) {
            throw new DatasetException(imagesFile, "image count " + count + ", expected a positive count");
        }
        if (rows != SIDE || cols != SIDE) {
            throw new DatasetException(imagesFile, "images are " + rows + "x" + cols + ", expected " + SIDE + "x"
                    + SIDE + " (Fashion-MNIST)");
        }
        long expectedImages = 16L + (long) count * SIDE * SIDE;
        if (images.length != expectedImages) {
            throw new DatasetException(imagesFile, images.length + " bytes" + (images.length < expectedImages
                    ? " (truncated)" : " (trailing data)") + ", expected " + expectedImages + " = 16-byte header + "
                    + count + " images of " + SIDE + "x" + SIDE);
        }

        byte[] labelBytes = DatasetFiles.read(labelsFile);
        if (labelBytes.length < 8) {
            throw new DatasetException(labelsFile, labelBytes.length
                    + " bytes, expected at least an 8-byte IDX labels header");
        }
        int labelMagic = DatasetFiles.int32(labelBytes, 0);
        if (labelMagic != LABELS_MAGIC) {
            throw new DatasetException(labelsFile, "bad magic number " + labelMagic + ", expected " + LABELS_MAGIC
                    + " (IDX labels)");
        }
        int labelCount = DatasetFiles.int32(labelBytes, 4);
        if (labelCount != count) {
            throw new DatasetException(labelsFile, "label count " + labelCount + ", expected " + count
                    + " to match " + imagesFile.getFileName());
        }
        if (labelBytes.length != 8L + count) {
            throw new DatasetException(labelsFile, labelBytes.length + " bytes" + (labelBytes.length < 8L + count
                    ? " (truncated)" : " (trailing data)") + ", expected " + (8L + count) + " = 8-byte header + "
                    + count + " labels");
        }
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = labelBytes[8 + i] & 0xFF;
            if (label >= CLASSES) {
                throw new DatasetException(labelsFile, "label " + label + " at index " + i + ", expected 0.."
                        + (CLASSES - 1));
            }
            labels[i] = (byte) label;
        }

        byte[] padded = new byte[Math.toIntExact((long) count * PADDED * PADDED)];
        for (int i = 0; i < count; i++) {
            int src = 16 + i * SIDE * SIDE;
            int dst = i * PADDED * PADDED + PAD * PADDED + PAD;
            for (int y = 0; y < SIDE; y++) {
                System.arraycopy(images, src + y * SIDE, padded, dst + y * PADDED, SIDE);
            }
        }
        return new ImageDataset(name, padded, labels, 1, PADDED, PADDED, CLASSES,
                new float[] {(float) paddedMean()}, new float[] {(float) paddedStd()});
    }
}
