package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CIFAR-10 from its binary version ({@code cifar-10-binary.tar.gz}, unpacked): {@code data_batch_1.bin} ..
 * {@code data_batch_5.bin} and {@code test_batch.bin}, each a sequence of records of 1 label byte followed by
 * 3072 pixel bytes, the R, G and B planes of a 32x32 image (already the CHW order of a batch). The directory may be
 * the one holding the files or its parent holding {@code cifar-10-batches-bin/}.
 *
 * <p>Normalisation uses the reference's per-channel statistics, mean (0.4914, 0.4822, 0.4465) and std
 * (0.2470, 0.2435, 0.2616).
 *
 * <pre>{@code
 * DatasetSplits data = Cifar10.load(Path.of("/data/cifar-10-batches-bin"));
 * }</pre>
 */
public final class Cifar10 {
    /** The dataset's name in configs and on the command line. */
    public static final String NAME = "cifar10";
    /** The subdirectory that {@code cifar-10-binary.tar.gz} unpacks to. */
    public static final String SUBDIR = "cifar-10-batches-bin";

    static final int SIDE = 32;
    static final int CHANNELS = 3;
    static final int CLASSES = 10;
    static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST_FILE = "test_batch.bin";

    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};
    private static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    private Cifar10() {
    }

    /** The ten class names, indexed by label. */
    public static List<String> classNames() {
        return CLASS_NAMES;
    }

    /** Whether {@code dir} (or its {@code cifar-10-batches-bin} subdirectory) holds all six batch files. */
    public static boolean isPresent(Path dir) {
        requireNonNull(dir, "dir");
        return hasAll(dir) || hasAll(dir.resolve(SUBDIR));
    }

    private static boolean hasAll(Path dir) {
        return Files.isRegularFile(dir.resolve(TEST_FILE))
                && TRAIN_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /**
     * Loads both splits, checking each file's size and every label.
     *
     * @param dir the directory holding the six {@code .bin} files, or its parent
     * @return the train (50,000) and test (10,000) splits, 3x32x32, 10 classes
     * @throws DatasetException with a one-line message naming the file and what was expected
     */
    public static DatasetSplits load(Path dir) {
        requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("CIFAR-10 not found in " + dir + ": no such directory, expected one holding "
                    + expectedFiles());
        }
        Path base = !hasAny(dir) && hasAny(dir.resolve(SUBDIR)) ? dir.resolve(SUBDIR) : dir;
        if (!hasAny(base)) {
            throw new DatasetException("CIFAR-10 not found in " + dir + ": expected " + expectedFiles());
        }
        ByteArrayOutputStream train = new ByteArrayOutputStream(TRAIN_FILES.size() * 10_000 * RECORD_BYTES);
        for (String name : TRAIN_FILES) {
            byte[] records = readBatch(base.resolve(name));
            train.write(records, 0, records.length);
        }
        return new DatasetSplits(NAME, split(NAME + "/train", train.toByteArray()),
                split(NAME + "/test", readBatch(base.resolve(TEST_FILE))));
    }

    private static boolean hasAny(Path dir) {
        return Files.isRegularFile(dir.resolve(TEST_FILE))
                || TRAIN_FILES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static String expectedFiles() {
        return "data_batch_1.bin..data_batch_5.bin and test_batch.bin (CIFAR-10 binary version)";
    }

    private static byte[] readBatch(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file, "missing, expected a CIFAR-10 binary batch (records of 1 label byte + "
                    + IMAGE_BYTES + " pixel bytes)");
        }
        byte[] bytes = DatasetFiles.read(file);
        if (bytes.length == 0 || bytes.length % RECORD_BYTES != 0) {
            throw new DatasetException(file, bytes.length + " bytes, expected a positive multiple of "
                    + RECORD_BYTES + " (records of 1 label byte + " + IMAGE_BYTES + " pixel bytes)");
        }
        for (int r = 0; r < bytes.length / RECORD_BYTES; r++) {
            int label = bytes[r * RECORD_BYTES] & 0xFF;
            if (label >= CLASSES) {
                throw new DatasetException(file, "label " + label + " in record " + r + ", expected 0.."
                        + (CLASSES - 1));
            }
        }
        return bytes;
    }

    private static ImageDataset split(String name, byte[] records) {
        int count = records.length / RECORD_BYTES;
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * IMAGE_BYTES];
        for (int r = 0; r < count; r++) {
            labels[r] = records[r * RECORD_BYTES];
            System.arraycopy(records, r * RECORD_BYTES + 1, pixels, r * IMAGE_BYTES, IMAGE_BYTES);
        }
        return new ImageDataset(name, pixels, labels, CHANNELS, SIDE, SIDE, CLASSES, MEAN, STD);
    }
}
