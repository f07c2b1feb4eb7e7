package org.ghnas.ghn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.ghnas.ghn.io.MalformedArchiveException;
import org.ghnas.ghn.io.TensorArchive;
import org.ghnas.ghn.model.Ghn2;
import org.ghnas.ghn.model.GhnConfig;
import org.ghnas.ghn.model.Parameter;
import org.ghnas.space.Architecture;
import org.ghnas.space.graph.ComputationalGraph;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.plan.ParameterSpec;
import org.ghnas.space.runtime.NetworkParameters;
import org.ghnas.space.runtime.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained (or freshly initialised) GHN-2: predicts all parameters of an architecture and embeds its graph in one
 * forward pass. This is what the search, the surrogates and the export use; tensors never leave it as ND4J arrays.
 *
 * <pre>{@code
 * GraphHyperNetwork ghn = GraphHyperNetwork.pretrained();          // the checkpoint shipped in the jar
 * PredictedParameters p = ghn.predict(spec);                      // for Fashion-MNIST inputs (1x32x32, 10 classes)
 * GraphEmbedding e = ghn.embed(spec);                              // 32 floats
 * }</pre>
 *
 * @implNote The weights never change after construction. {@link #embed} is thread-safe (a frozen snapshot of the
 * GNN); {@link #predict} may run concurrently as well, since it only reads the weights.
 */
public final class GraphHyperNetwork {

    /** The {@link TensorArchive} kind written by {@link #save}. */
    public static final String WEIGHTS_KIND = "ghn-weights";
    /** Classpath location of the shipped checkpoint. */
    public static final String PRETRAINED_RESOURCE = "/org/ghnas/ghn/ghn2-fashion-mnist.ghn";
    private static final Set<String> KINDS = Set.of(WEIGHTS_KIND, "ghn-checkpoint");

    private final Ghn2 ghn;
    private final InputShape input;
    private final Function<ComputationalGraph, float[]> embedder;
    private final String checksum;

    private GraphHyperNetwork(Ghn2 ghn) {
        this.ghn = ghn;
        GhnConfig c = ghn.config();
        this.input = new InputShape(1, 32, 32, c.numClasses(), false);
        this.embedder = ghn.gnn().embedder();
        this.checksum = computeChecksum(ghn.parameters());
    }

    /**
     * An untrained GHN with initial values drawn from {@code seed} (same seed, same weights).
     *
     * @throws NullPointerException if {@code config} is null
     */
    public static GraphHyperNetwork initialize(GhnConfig config, long seed) {
        return new GraphHyperNetwork(new Ghn2(requireNonNull(config, "config"), seed));
    }

    /**
     * Loads the weights of a training checkpoint ({@code ghnas ghn train}) or of a {@link #save}d file.
     *
     * @throws MalformedArchiveException naming the file if it is missing, corrupted or not a GHN file
     */
    public static GraphHyperNetwork load(Path file) {
        return fromArchive(TensorArchive.read(file, KINDS, 1), file.toString());
    }

    /**
     * The GHN-2 shipped with ghnas, trained on Fashion-MNIST ({@value #PRETRAINED_RESOURCE}; its training config
     * and log sit beside it).
     *
     * @throws IllegalStateException if the resource is missing from the classpath
     */
    public static GraphHyperNetwork pretrained() {
        try (InputStream in = GraphHyperNetwork.class.getResourceAsStream(PRETRAINED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + PRETRAINED_RESOURCE
                        + " is missing; rebuild ghnas-ghn with its resources");
            }
            byte[] bytes = in.readAllBytes();
            return fromArchive(TensorArchive.parse(bytes, "classpath:" + PRETRAINED_RESOURCE, KINDS, 1),
                    "classpath:" + PRETRAINED_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("classpath:" + PRETRAINED_RESOURCE + ": cannot be read", e);
        }
    }

    /**
     * The GHN whose every weight is the mean of the given GHNs' weights (checkpoint averaging, as in stochastic weight
     * averaging): checkpoints taken along one run at a small learning rate scatter around a region of low loss, and
     * their mean can lie nearer its centre than any one of them. Whether it predicts better is an empirical question:
     * on the shipped GHN's release branch the mean of its last seven checkpoints scored below the last one
     * (results/ghn/benchmark-decayAG-average-76400-77600 in the repository).
     *
     * @throws IllegalArgumentException if {@code ghns} is empty or the GHNs' configs differ
     * @throws NullPointerException     if {@code ghns} or one of its GHNs is null
     */
    public static GraphHyperNetwork average(List<GraphHyperNetwork> ghns) {
        requireNonNull(ghns, "ghns");
        if (ghns.isEmpty()) {
            throw new IllegalArgumentException("average: at least one GHN is needed");
        }
        GhnConfig config = requireNonNull(ghns.get(0), "ghns[0]").config();
        for (int i = 1; i < ghns.size(); i++) {
            GhnConfig c = requireNonNull(ghns.get(i), "ghns[" + i + "]").config();
            if (!c.equals(config)) {
                throw new IllegalArgumentException("average: GHN " + i + " has config " + c + ", GHN 0 has " + config);
            }
        }
        Ghn2 mean = new Ghn2(config, 0);
        List<Parameter> out = mean.parameters();
        for (int k = 0; k < out.size(); k++) {
            Parameter p = out.get(k);
            double[] sum = new double[Math.toIntExact(p.value().length())];
            for (GraphHyperNetwork g : ghns) {
                float[] v = values(g.ghn.parameters().get(k).value());
                for (int j = 0; j < v.length; j++) {
                    sum[j] += v[j];
                }
            }
            float[] m = new float[sum.length];
            for (int j = 0; j < m.length; j++) {
                m[j] = (float) (sum[j] / ghns.size());
            }
            p.value().assign(Nd4j.create(m, p.value().shape(), 'c'));
        }
        return new GraphHyperNetwork(mean);
    }

    private static GraphHyperNetwork fromArchive(TensorArchive a, String source) {
        JsonNode g = a.meta().path("ghn");
        GhnConfig config;
        try {
            config = new GhnConfig(g.path("hidden").asInt(), g.path("virtualEdgeCutoff").asInt(),
                    g.path("layerNorm").asBoolean(), g.path("spatialMax").asInt(), g.path("numClasses").asInt());
        } catch (IllegalArgumentException e) {
            throw new MalformedArchiveException(source + ": ghn config: " + e.getMessage());
        }
        Ghn2 ghn = new Ghn2(config, 0);
        for (Parameter p : ghn.parameters()) {
            TensorArchive.Tensor t;
            try {
                t = a.tensor("param/" + p.name());
            } catch (IllegalArgumentException e) {
                throw new MalformedArchiveException(source + ": " + e.getMessage());
            }
            if (!Arrays.equals(t.shape(), p.value().shape())) {
                throw new MalformedArchiveException(source + ": tensor param/" + p.name() + " has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(p.value().shape()));
            }
            p.value().assign(Nd4j.create(t.values(), p.value().shape(), 'c'));
        }
        return new GraphHyperNetwork(ghn);
    }

    /** Writes the weights (kind {@value #WEIGHTS_KIND}), atomically; {@link #load} reads them back. */
    public void save(Path file) {
        ObjectNode meta = TensorArchive.newMeta();
        GhnConfig c = ghn.config();
        meta.putObject("ghn").put("hidden", c.hidden()).put("virtualEdgeCutoff", c.virtualEdgeCutoff())
                .put("layerNorm", c.layerNorm()).put("spatialMax", c.spatialMax()).put("numClasses", c.numClasses());
        meta.put("checksum", checksum);
        Map<String, TensorArchive.Tensor> t = new LinkedHashMap<>();
        for (Parameter p : ghn.parameters()) {
            t.put("param/" + p.name(), new TensorArchive.Tensor(p.value().shape(), p.value().dup('c').data().asFloat()));
        }
        new TensorArchive(WEIGHTS_KIND, 1, meta, t).write(file);
    }

    /** Sizes and variant of this GHN. */
    public GhnConfig config() {
        return ghn.config();
    }

    /** Learnable scalars of the GHN. */
    public long parameterCount() {
        return ghn.parameterCount();
    }

    /** The input shape predicted networks are built for: 1x32x32 images (Fashion-MNIST), the GHN's class count. */
    public InputShape input() {
        return input;
    }

    /**
     * SHA-256 (hex) of the weights: names, shapes and float32 values in parameter order. Equal for equal weights
     * however they were obtained (initialised, loaded, trained).
     */
    public String checksum() {
        return checksum;
    }

    /**
     * Predicts every parameter of an architecture built for {@link #input()}.
     *
     * @throws IllegalArgumentException (one line) if the architecture cannot be built for this input or the GHN
     *                                  cannot produce one of its tensors
     */
    public PredictedParameters predict(Architecture architecture) {
        NetworkPlan plan = plan(architecture);
        float[][] tensors = Workspaces.scoped("ghn-predict", () -> {
            NetworkParameters p;
            try {
                p = ghn.forward(plan).parameters();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("GHN cannot predict the parameters of this architecture: "
                        + firstLine(e.getMessage()), e);
            }
            float[][] out = new float[p.size()][];
            for (ParameterSpec s : plan.parameters()) {
                out[s.index()] = values(p.tensor(s.index()));
            }
            return out;
        });
        return new PredictedParameters(plan, tensors);
    }

    /** The values of {@code t} in C order, copied straight from its buffer when that holds exactly them. */
    private static float[] values(INDArray t) {
        boolean whole = !t.isView() && t.offset() == 0 && t.ordering() == 'c' && t.dataType() == DataType.FLOAT
                && t.data().length() == t.length();
        return (whole ? t : t.dup('c')).data().asFloat();
    }

    /** {@link #predict(Architecture)} for each architecture, in order. */
    public List<PredictedParameters> predict(List<? extends Architecture> architectures) {
        List<PredictedParameters> out = new ArrayList<>(architectures.size());
        for (Architecture a : architectures) {
            out.add(predict(a));
        }
        return out;
    }

    /**
     * The graph embedding of an architecture (mean final node state of its graph).
     *
     * @throws IllegalArgumentException (one line) if the architecture cannot be built for {@link #input()}
     */
    public GraphEmbedding embed(Architecture architecture) {
        return embed(plan(architecture));
    }

    /**
     * The graph embedding of an architecture already compiled for {@link #input()} (callers that need the plan too
     * build it once).
     *
     * @throws IllegalArgumentException if the plan was built for another input shape
     */
    public GraphEmbedding embed(NetworkPlan plan) {
        requireNonNull(plan, "plan");
        if (!plan.input().equals(input)) {
            throw new IllegalArgumentException("plan: built for " + plan.input() + ", this GHN embeds " + input);
        }
        return new GraphEmbedding(embedder.apply(plan.graph()));
    }

    /**
     * {@link #embed(Architecture)} for each architecture, in order. The embeddings are computed in parallel (plain
     * Java on frozen weights, independent per net): a search's generation uses every core.
     */
    public List<GraphEmbedding> embed(List<? extends Architecture> architectures) {
        GraphEmbedding[] out = new GraphEmbedding[architectures.size()];
        IntStream.range(0, out.length).parallel().forEach(i -> out[i] = embed(architectures.get(i)));
        return List.of(out);
    }

    /**
     * The plan of an architecture for {@link #input()}.
     *
     * @throws IllegalArgumentException (one line) if the architecture cannot be built for {@link #input()}
     */
    public NetworkPlan plan(Architecture architecture) {
        requireNonNull(architecture, "architecture");
        try {
            return NetworkPlan.of(architecture, input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture cannot be built for " + input.channels() + "x"
                    + input.height() + "x" + input.width() + " inputs: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "(no message)";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String computeChecksum(List<Parameter> ps) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Parameter p : ps) {
                md.update(p.name().getBytes(StandardCharsets.UTF_8));
                md.update(Arrays.toString(p.value().shape()).getBytes(StandardCharsets.UTF_8));
                float[] v = p.value().dup('c').data().asFloat();
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "GraphHyperNetwork[" + ghn.config() + ", parameters=" + parameterCount() + ", sha256="
                + checksum.substring(0, 12) + "]";
    }
}
