package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.ghnas.ghn.GraphEmbedding;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ghnas ghn embed}: the GHN's graph embedding of each architecture in a spec file, as JSON or CSV. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Print the GHN graph embedding of each architecture in SPECS.json.")
final class GhnEmbedCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    SpecsArgument specs;

    @Option(names = "--format", defaultValue = "json", description = "json or csv (default: ${DEFAULT-VALUE})")
    SpecsArgument.Format format;

    @Mixin
    GhnOptions ghnOptions;

    @Override
    public void run() {
        List<Architecture> archs = specs.read();
        GraphHyperNetwork ghn = ghnOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode root = ArchitectureJson.mapper().createObjectNode();
        root.put("ghn_sha256", ghn.checksum());
        ArrayNode list = root.putArray("embeddings");
        if (format == SpecsArgument.Format.csv) {
            StringBuilder h = new StringBuilder("index");
            for (int j = 0; j < ghn.config().hidden(); j++) {
                h.append(",e").append(j);
            }
            out.println(h);
        }
        for (int i = 0; i < archs.size(); i++) {
            GraphEmbedding e;
            try {
                e = ghn.embed(archs.get(i));
            } catch (IllegalArgumentException ex) {
                throw specs.rejected(i, ex);
            }
            if (format == SpecsArgument.Format.csv) {
                StringBuilder row = new StringBuilder().append(i);
                for (float v : e.values()) {
                    row.append(',').append(v);
                }
                out.println(row);
            } else {
                ArrayNode a = list.addArray();
                for (float v : e.values()) {
                    a.add(v);
                }
            }
        }
        if (format == SpecsArgument.Format.json) {
            out.println(root.toPrettyString());
        }
        out.flush();
    }
}
