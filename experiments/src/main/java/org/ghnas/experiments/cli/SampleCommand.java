package org.ghnas.experiments.cli;

import java.util.List;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.Family;
import org.ghnas.space.sample.PredefinedNets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ghnas space sample}: seeded architectures of a family, printed as a JSON array of specs. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Print N seeded architectures of a family as a JSON array of specs.")
final class SampleCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--family", defaultValue = "id",
            description = "id, wide, deep, dense, bnfree, or a predefined net: resnet50, vit, darts (default: ${DEFAULT-VALUE})")
    String family;

    @Option(names = "--n", defaultValue = "1", description = "Number of architectures (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--channels", defaultValue = "32",
            description = "Base channel count C before the family's factor (default: ${DEFAULT-VALUE}, as the reference generator)")
    int channels;

    @Override
    public void run() {
        if (n < 1) {
            throw new IllegalArgumentException("--n: " + n + " is not positive, expected an integer >= 1");
        }
        List<? extends Architecture> archs = switch (family.toLowerCase()) {
            case "resnet50" -> List.of(PredefinedNets.resnet50());
            case "vit" -> List.of(PredefinedNets.vit());
            case "darts" -> List.of(PredefinedNets.darts());
            default -> DeepNets1MSampler.builder(seed).family(family(family)).channels(channels).build().sample(n);
        };
        spec.commandLine().getOut().println(ArchitectureJson.toJson(archs));
    }

    static Family family(String name) {
        for (Family f : Family.values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--family: unknown family '" + name
                + "', expected id, wide, deep, dense, bnfree, resnet50, vit or darts");
    }
}
