package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ghnas.experiments.export.ExportedModel;
import org.ghnas.experiments.export.ModelExporter;
import org.ghnas.experiments.export.Population;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.surrogate.SurrogateSet;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ghnas export}: writes architectures with their GHN-predicted parameters as models that run without ghnas
 * (SameDiff and ONNX), one directory each; see {@link ModelExporter} for the files.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export architectures with their GHN-predicted parameters as SameDiff and ONNX models.",
            "ghnas export RUN_DIR --top K       the K best of RUN_DIR/population.json, to RUN_DIR/export/",
            "ghnas export --spec SPEC.json --out DIR   every spec of the file, to DIR/<index>-<hash>/"})
final class ExportCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_DIR", description = "A search run directory")
    Path runDir;

    @Option(names = "--top", paramLabel = "K", description = "Export the K best of the run's population (default: 1)")
    Integer top;

    @Option(names = "--spec", paramLabel = "SPEC.json", description = "One spec or a JSON list of specs")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default with RUN_DIR: RUN_DIR/export)")
    Path out;

    @Option(names = "--calibration-images", paramLabel = "N", defaultValue = "640",
            description = "Training images BatchNorm statistics are calibrated on, a multiple of 64 (default: ${DEFAULT-VALUE})")
    int calibrationImages;

    @Option(names = "--calibration-seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the draw of calibration images (default: ${DEFAULT-VALUE})")
    long calibrationSeed;

    @Option(names = "--test-images", paramLabel = "M", defaultValue = "10000",
            description = "Test images the exported model's accuracy is measured on (default: ${DEFAULT-VALUE})")
    int testImages;

    @Mixin
    GhnOptions ghnOptions;

    @Mixin
    DataOptions data;

    /** One architecture to export, where to, and what the search said about it. */
    private record Job(Architecture architecture, Path directory, String origin, JsonNode searchResults) {}

    @Override
    public void run() {
        List<Job> jobs = jobs();
        GraphHyperNetwork ghn = ghnOptions.load();
        ModelExporter.Builder b = ModelExporter.builder(ghn, data.load())
                .calibrationImages(calibrationImages).calibrationSeed(calibrationSeed).testImages(testImages);
        SurrogateSet surrogates = surrogatesFor(ghn);
        if (surrogates != null) {
            b.predictor(surrogates);
        }
        ModelExporter exporter = b.build();
        var stdout = spec.commandLine().getOut();
        for (Job job : jobs) {
            ExportedModel m;
            try {
                m = exporter.export(job.architecture(), job.directory(), job.searchResults());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(job.origin() + ": " + OneLineErrors.firstLine(e.getMessage()), e);
            }
            stdout.printf("%s: test accuracy %.2f%% on %d images, max |logit - ghnas| %.2g%n", m.directory(),
                    100 * m.testAccuracy(), m.testImages(), m.maxLogitDifference());
        }
    }

    /**
     * The surrogates that go with the GHN in use, for the manifest's predicted properties: the shipped ones for the
     * shipped GHN, {@code surrogates.ghns} beside a checkpoint otherwise; none (no predictions) where there are none.
     */
    private SurrogateSet surrogatesFor(GraphHyperNetwork ghn) {
        if (ghnOptions.checkpoint == null) {
            try {
                return SurrogateSet.pretrained();
            } catch (IllegalStateException e) {
                return null;
            }
        }
        Path sibling = SurrogateOptions.sibling(ghnOptions.checkpoint);
        return java.nio.file.Files.exists(sibling) ? SurrogateSet.load(sibling, ghn) : null;
    }

    /** The entry as the search wrote it, without the spec (which the manifest holds already). */
    private static JsonNode searchResults(Population.Entry e) {
        ObjectNode copy = e.record().deepCopy();
        copy.remove("spec");
        return copy;
    }

    private List<Job> jobs() {
        if ((runDir == null) == (specFile == null)) {
            throw new IllegalArgumentException("export: give either RUN_DIR (with --top K) or --spec SPEC.json --out DIR");
        }
        List<Job> jobs = new ArrayList<>();
        if (runDir != null) {
            Path dir = out != null ? out : runDir.resolve("export");
            for (Population.Entry e : Population.read(runDir, top == null ? 1 : top)) {
                jobs.add(new Job(e.spec(), dir.resolve(ModelExporter.directoryName(e.rank(), e.spec())),
                        runDir.resolve(Population.FILE) + ": entry " + e.rank(), searchResults(e)));
            }
            return jobs;
        }
        if (top != null) {
            throw new IllegalArgumentException("--top: only applies to RUN_DIR, not to --spec");
        }
        if (out == null) {
            throw new IllegalArgumentException("--out: required with --spec, expected the directory to export to");
        }
        List<Architecture> archs = ArchitectureJson.read(specFile);
        for (int i = 0; i < archs.size(); i++) {
            jobs.add(new Job(archs.get(i), out.resolve(ModelExporter.directoryName(i, archs.get(i))),
                    specFile + ": architecture " + i, null));
        }
        return jobs;
    }
}
