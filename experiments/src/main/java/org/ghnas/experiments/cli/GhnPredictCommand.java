package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.ghn.PredictedParameters;
import org.ghnas.space.Architecture;
import org.ghnas.space.data.DatasetSplits;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.runtime.RunnableNetwork;
import org.ghnas.space.runtime.SgdTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ghnas ghn predict}: predicts all parameters of each architecture in a spec file, optionally writes them
 * ({@code OUT/net-<i>.params}, the {@link PredictedParameters} format) and evaluates them on the test images with
 * BatchNorm on batch statistics of 64 (the reference's protocol, no SGD).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict all parameters of the architectures in SPECS.json; optionally write and evaluate them.")
final class GhnPredictCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    SpecsArgument specs;

    @Option(names = "--out", paramLabel = "DIR", description = "Write net-<i>.params files here")
    Path out;

    @Option(names = "--evaluate", description = "Test accuracy of each predicted net (BN on batch statistics, batch 64)")
    boolean evaluate;

    @Mixin
    GhnOptions ghnOptions;

    @Mixin
    DataOptions data;

    @Override
    public void run() {
        List<Architecture> archs = specs.read();
        GraphHyperNetwork ghn = ghnOptions.load();
        DatasetSplits splits = evaluate ? data.load() : null;
        ObjectNode result = ArchitectureJson.mapper().createObjectNode();
        result.put("ghn_sha256", ghn.checksum());
        ArrayNode nets = result.putArray("nets");
        for (int i = 0; i < archs.size(); i++) {
            PredictedParameters p;
            try {
                p = ghn.predict(archs.get(i));
            } catch (IllegalArgumentException e) {
                throw specs.rejected(i, e);
            }
            ObjectNode n = nets.addObject();
            n.put("index", i);
            n.put("params", p.parameterCount());
            if (out != null) {
                Path file = out.resolve("net-" + i + ".params");
                p.write(file);
                n.put("file", file.toString());
            }
            if (evaluate) {
                double acc = SgdTrainer.accuracy(RunnableNetwork.of(p.plan()), p.toNetworkParameters(), splits.test(), 64);
                n.put("test_accuracy", Math.round(10000 * acc) / 100.0);
            }
        }
        spec.commandLine().getOut().println(result.toPrettyString());
    }
}
