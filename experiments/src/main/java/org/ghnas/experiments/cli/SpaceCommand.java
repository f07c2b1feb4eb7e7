package org.ghnas.experiments.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.space.io.AtomicFiles;
import org.ghnas.space.Architecture;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.space.json.SpecFileException;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ghnas space ...}: sample and describe architectures of the space. */
@Command(name = "space", mixinStandardHelpOptions = true,
        description = "Sample and describe architectures of the DeepNets-1M-style space.",
        subcommands = {SpaceCommand.Describe.class, SampleCommand.class, TrainCommand.class, SpaceBenchCommand.class})
final class SpaceCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Print parameters, FLOPs and graph size of each spec in FILE (a JSON spec or an array of specs).")
    static final class Describe implements Runnable {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "JSON spec or array of specs")
        Path file;

        @Option(names = "--dataset", defaultValue = "fashion-mnist",
                description = "Input the nets are built for: cifar10, imagenet or fashion-mnist (default: ${DEFAULT-VALUE})")
        String dataset;

        @Option(names = "--dot", paramLabel = "PATH",
                description = "Also write the computational graph as Graphviz DOT: a file for one spec, a directory "
                        + "(graph-000.dot, ...) for an array")
        Path dot;

        @Override
        public void run() {
            InputShape input = InputShape.ofDataset(dataset);
            List<Architecture> archs = ArchitectureJson.read(file);
            boolean array = ArchitectureJson.isArray(file);
            ArrayNode out = ArchitectureJson.mapper().createArrayNode();
            for (int i = 0; i < archs.size(); i++) {
                NetworkPlan plan;
                try {
                    plan = NetworkPlan.of(archs.get(i), input);
                } catch (IllegalArgumentException e) {
                    throw new SpecFileException(file + ": " + (array ? "[" + i + "]." : "") + e.getMessage(), e);
                }
                out.add(describe(plan, dataset));
                if (dot != null) {
                    Path target = array ? dot.resolve(String.format("graph-%03d.dot", i)) : dot;
                    AtomicFiles.writeString(target, plan.graph().toDot());
                }
            }
            String json = (array ? out : out.get(0)).toPrettyString();
            spec.commandLine().getOut().println(json);
        }
    }

    /** The figures of one plan as a JSON object. */
    static ObjectNode describe(NetworkPlan plan, String dataset) {
        ObjectNode o = ArchitectureJson.mapper().createObjectNode();
        o.put("dataset", dataset);
        o.put("params", plan.parameterCount());
        o.put("live_params", plan.liveParameterCount());
        o.put("flops", plan.flops());
        o.put("nodes", plan.graph().nodeCount());
        o.put("edges", plan.graph().realEdgeCount());
        o.put("virtual_edges", plan.graph().edges().size() - plan.graph().realEdgeCount());
        o.put("layers", plan.layers().size());
        return o;
    }
}
