package org.ghnas.experiments.export;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.ghnas.space.Architecture;

/**
 * One exported architecture: where its files are and what the export measured.
 *
 * @param directory          the directory holding {@value ModelExporter#SPEC}, {@value ModelExporter#PARAMETERS},
 *                           {@value ModelExporter#SAMEDIFF}, {@value ModelExporter#ONNX},
 *                           {@value ModelExporter#MANIFEST} and {@value ModelExporter#README}
 * @param architecture       the exported architecture
 * @param testImages         test images the accuracy was measured on
 * @param testAccuracy       accuracy of the exported SameDiff model (read back from its file) on those images
 * @param maxLogitDifference largest absolute difference between the SameDiff model's logits and ghnas's own forward
 *                           pass on the first test batch
 */
public record ExportedModel(Path directory, Architecture architecture, int testImages, double testAccuracy,
                            double maxLogitDifference) {
    public ExportedModel {
        requireNonNull(directory, "directory");
        requireNonNull(architecture, "architecture");
    }

    public Path spec() {
        return directory.resolve(ModelExporter.SPEC);
    }

    public Path parameters() {
        return directory.resolve(ModelExporter.PARAMETERS);
    }

    public Path sameDiff() {
        return directory.resolve(ModelExporter.SAMEDIFF);
    }

    public Path onnx() {
        return directory.resolve(ModelExporter.ONNX);
    }

    public Path manifest() {
        return directory.resolve(ModelExporter.MANIFEST);
    }
}
