package org.ghnas.space.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens a dataset by name, from its default place or from a directory a user points at, so that configs and the
 * command line name datasets in one way: {@code fashion-mnist} (the default, installed from Debian's
 * {@code dataset-fashion-mnist}) or {@code cifar10} (binary batches the user brings).
 *
 * <pre>{@code
 * DatasetSplits fmnist = Datasets.open("fashion-mnist", null);          // the Debian package's files
 * DatasetSplits mine = Datasets.open(null, Path.of("/data/cifar"));     // format detected from the files
 * }</pre>
 */
public final class Datasets {
    private Datasets() {
    }

    /** The names {@link #open} accepts, default first. */
    public static List<String> names() {
        return List.of(FashionMnist.NAME, Cifar10.NAME);
    }

    /**
     * Opens both splits of a dataset.
     *
     * @param name      {@code fashion-mnist} or {@code cifar10} (case, {@code -} and {@code _} ignored; also
     *                  {@code fmnist}, {@code cifar-10}); {@code null} or {@code auto} detects the format in
     *                  {@code dirOrNull}, or means Fashion-MNIST when that is {@code null} too
     * @param dirOrNull a directory holding the dataset's files, or {@code null} for the default place (Fashion-MNIST
     *                  only; installed first if missing and possible, see {@link DatasetInstaller})
     * @return the train and test splits
     * @throws DatasetException with a one-line message if the name is unknown or the files are missing or invalid
     */
    public static DatasetSplits open(String name, Path dirOrNull) {
        String canonical = name == null || name.equalsIgnoreCase("auto") ? null : canonical(name);
        if (dirOrNull == null) {
            if (canonical == null || canonical.equals(FashionMnist.NAME)) {
                return FashionMnist.load(DatasetInstaller.ensureFashionMnist());
            }
            throw new DatasetException("CIFAR-10 has no default location: pass --data DIR with "
                    + "data_batch_1.bin..data_batch_5.bin and test_batch.bin (CIFAR-10 binary version)");
        }
        if (canonical == null) {
            canonical = detect(dirOrNull);
        }
        return canonical.equals(FashionMnist.NAME) ? FashionMnist.load(dirOrNull) : Cifar10.load(dirOrNull);
    }

    /**
     * The name of the dataset whose files {@code dir} holds.
     *
     * @throws DatasetException if it holds neither complete Fashion-MNIST IDX files nor CIFAR-10 batches
     */
    public static String detect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + ": no such directory, expected one holding Fashion-MNIST IDX files or "
                    + "CIFAR-10 binary batches");
        }
        if (FashionMnist.isPresent(dir)) {
            return FashionMnist.NAME;
        }
        if (Cifar10.isPresent(dir)) {
            return Cifar10.NAME;
        }
        throw new DatasetException(dir + ": no dataset found, expected Fashion-MNIST (train-images-idx3-ubyte[.gz], "
                + "train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) or CIFAR-10 "
                + "(data_batch_1.bin..data_batch_5.bin, test_batch.bin)");
    }

    /** The canonical form of a dataset name. */
    static String canonical(String name) {
        String key = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").strip();
        return switch (key) {
            case "fashionmnist", "fmnist" -> FashionMnist.NAME;
            case "cifar10" -> Cifar10.NAME;
            default -> throw new DatasetException("unknown dataset '" + name + "', expected one of "
                    + String.join(", ", names()));
        };
    }
}
