package org.ghnas.experiments.cli;

import java.nio.file.Path;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.data.Datasets;
import org.ghnas.space.plan.InputShape;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option shared by every command that reads images. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory with the Fashion-MNIST IDX files or CIFAR-10 binary batches "
                    + "(default: Fashion-MNIST from /usr/share/datasets/fashion-mnist, installed when missing)")
    Path dir;

    DatasetSplits load() {
        return Datasets.open(null, dir);
    }

    /** The input shape nets are built for on this dataset. */
    InputShape inputShape(DatasetSplits splits) {
        var t = splits.train();
        return new InputShape(t.channels(), t.height(), t.width(), t.classes(), false);
    }
}
