package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.surrogate.Property;
import org.ghnas.surrogate.PropertyEstimate;
import org.ghnas.surrogate.PropertyPrediction;
import org.ghnas.surrogate.SurrogateSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ghnas predict}: the surrogates' four property estimates and an out-of-distribution score per spec. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Estimate accuracy, noise robustness, latency and convergence of each architecture in "
                + "SPECS.json with the fitted surrogates, without training it.",
                "ood_score is about 1 inside the measured architectures' embedding cloud; above 2 the estimates are "
                        + "extrapolations."})
final class PredictCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    SpecsArgument specs;

    @Option(names = "--format", defaultValue = "json", description = "json or csv (default: ${DEFAULT-VALUE})")
    SpecsArgument.Format format;

    @Mixin
    SurrogateOptions surrogateOptions;

    @Override
    public void run() {
        List<Architecture> archs = specs.read();
        SurrogateSet s = surrogateOptions.load();
        List<PropertyPrediction> preds;
        try {
            preds = s.predict(archs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(specs.file + ": " + OneLineErrors.firstLine(e.getMessage()), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == SpecsArgument.Format.csv) {
            StringBuilder h = new StringBuilder("index");
            for (Property p : Property.values()) {
                h.append(',').append(p.key()).append(',').append(p.key()).append("_sd");
            }
            out.println(h.append(",ood_score"));
            for (int i = 0; i < preds.size(); i++) {
                StringBuilder r = new StringBuilder().append(i);
                for (Property p : Property.values()) {
                    PropertyEstimate e = preds.get(i).estimate(p);
                    r.append(',').append(fmt(e.mean())).append(',').append(e.hasStddev() ? fmt(e.stddev()) : "");
                }
                out.println(r.append(',').append(fmt(preds.get(i).oodScore())));
            }
        } else {
            ObjectNode root = ArchitectureJson.mapper().createObjectNode();
            root.put("ghn_sha256", s.ghnChecksum()).put("surrogates_sha256", s.checksum());
            ArrayNode list = root.putArray("predictions");
            for (PropertyPrediction p : preds) {
                ObjectNode o = list.addObject();
                for (Property prop : Property.values()) {
                    PropertyEstimate e = p.estimate(prop);
                    if (e.hasStddev()) {
                        o.putObject(prop.key()).put("mean", e.mean()).put("sd", e.stddev());
                    } else {
                        o.put(prop.key(), e.mean());
                    }
                }
                o.put("ood_score", p.oodScore());
            }
            out.println(root.toPrettyString());
        }
        out.flush();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
