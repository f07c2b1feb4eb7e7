package org.ghnas.surrogate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.space.Architecture;
import org.ghnas.space.io.AtomicFiles;

/**
 * One fitted surrogate per property, tied to the GHN whose embeddings they were fitted on: a surrogate is only
 * meaningful with the exact embedding function it learned from, so loading checks the GHN's checksum.
 *
 * <pre>{@code
 * GraphHyperNetwork ghn = GraphHyperNetwork.pretrained();
 * SurrogateSet s = SurrogateSet.fit(ghn, trainObservations, FitOptions.defaults());
 * s.save(Path.of("surrogates.ghns"));
 * List<PropertyPrediction> p = SurrogateSet.load(Path.of("surrogates.ghns"), ghn).predict(specs);
 * }</pre>
 *
 * <p>File format ({@value #FORMAT}, version {@value #VERSION}): a zip with {@code manifest.json} (format, version,
 * GHN checksum, features, per-property model and CV tau, SHA-256 of the payload) and {@code payload.bin} (the
 * Java-serialised Smile models and scalers, Smile's own persistence mechanism).
 */
public final class SurrogateSet implements PropertyPredictor {

    /** The file format name in the manifest. */
    public static final String FORMAT = "ghnas-surrogates";
    /** The format version this code reads and writes. */
    public static final int VERSION = 1;
    /** Classpath location of the surrogates shipped with the pretrained GHN. */
    public static final String PRETRAINED_RESOURCE = "/org/ghnas/surrogate/surrogates-fashion-mnist.ghns";

    private final GraphHyperNetwork ghn;
    private final State state;
    private final byte[] payload;

    /** Everything but the GHN: what the payload holds. */
    record State(String ghnChecksum, boolean cheapFeatures, int embeddingDimension, List<String> featureNames,
            Standardizer features, Map<Property, PropertySurrogate> surrogates, Novelty novelty, int trainingSize,
            FitOptions options) implements Serializable {
    }

    private SurrogateSet(GraphHyperNetwork ghn, State state, byte[] payload) {
        this.ghn = ghn;
        this.state = state;
        this.payload = payload;
    }

    private SurrogateSet(GraphHyperNetwork ghn, State state) {
        this(ghn, state, serialise(state));
    }

    private static byte[] serialise(State state) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise surrogates: " + e.getMessage(), e);
        }
    }

    /**
     * SHA-256 of the fitted models (the payload {@link #save} writes and {@link #load} verifies): what a search
     * manifest records so a result can be traced to the exact surrogates that scored it.
     */
    public String checksum() {
        return sha256(payload);
    }

    /**
     * Fits one surrogate per property on measured architectures: features from {@code ghn}, model chosen by seeded
     * k-fold CV among {@link FitOptions#candidates}.
     *
     * @throws IllegalArgumentException if there are fewer than {@code 2 * folds} observations
     */
    public static SurrogateSet fit(GraphHyperNetwork ghn, List<Observation> train, FitOptions options) {
        Objects.requireNonNull(ghn, "ghn");
        if (train.size() < 2 * options.folds()) {
            throw new IllegalArgumentException("training observations: expected at least " + 2 * options.folds()
                    + " for " + options.folds() + "-fold cross-validation, got " + train.size());
        }
        List<Architecture> archs = train.stream().map(Observation::architecture).toList();
        double[][] raw = Features.of(ghn, archs, options.cheapFeatures());
        int embDim = ghn.config().hidden();
        return fitOnRows(ghn, train, raw, embDim, options);
    }

    static SurrogateSet fitOnRows(GraphHyperNetwork ghn, List<Observation> train, double[][] raw, int embDim,
            FitOptions options) {
        Standardizer scaler = Standardizer.fit(raw);
        double[][] x = scaler.apply(raw);
        List<Regressor> candidates = Regressor.candidates(x[0].length, options.kinds().toArray(Regressor.Kind[]::new));
        Map<Property, PropertySurrogate> fitted = new EnumMap<>(Property.class);
        for (Property p : Property.values()) {
            double[] y = train.stream().mapToDouble(o -> o.value(p)).toArray();
            fitted.put(p, PropertySurrogate.fit(p, x, y, candidates, options.folds(), options.seed()));
        }
        double[][] emb = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            emb[i] = Features.embeddingPart(x[i], embDim);
        }
        State s = new State(ghn.checksum(), options.cheapFeatures(), embDim,
                Features.names(embDim, options.cheapFeatures()), scaler, Map.copyOf(fitted), Novelty.fit(emb, 5),
                train.size(), options);
        return new SurrogateSet(ghn, s);
    }

    @Override
    public List<PropertyPrediction> predict(List<? extends Architecture> architectures) {
        double[][] raw = Features.of(ghn, architectures, state.cheapFeatures());
        List<PropertyPrediction> out = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length; i++) {
            out.add(predictRow(architectures.get(i), raw[i]));
        }
        return out;
    }

    PropertyPrediction predictRow(Architecture a, double[] rawRow) {
        double[] x = state.features().apply(rawRow);
        Map<Property, PropertyEstimate> est = new EnumMap<>(Property.class);
        for (Property p : Property.values()) {
            est.put(p, state.surrogates().get(p).predict(x));
        }
        return new PropertyPrediction(a, est, state.novelty().score(Features.embeddingPart(x, state.embeddingDimension())));
    }

    /** The surrogate of one property (its chosen model and CV score). */
    public PropertySurrogate surrogate(Property property) {
        return state.surrogates().get(property);
    }

    /** SHA-256 of the GHN weights these surrogates were fitted on. */
    public String ghnChecksum() {
        return state.ghnChecksum();
    }

    /** The GHN that embeds architectures for these surrogates. */
    public GraphHyperNetwork ghn() {
        return ghn;
    }

    /** Number of measured architectures the surrogates were fitted on. */
    public int trainingSize() {
        return state.trainingSize();
    }

    /** The options the surrogates were fitted with. */
    public FitOptions options() {
        return state.options();
    }

    /** Feature column names, embedding first. */
    public List<String> featureNames() {
        return state.featureNames();
    }

    /** Writes the file described in the class comment, atomically. */
    public void save(Path file) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode();
        m.put("format", FORMAT).put("version", VERSION).put("ghn_checksum", state.ghnChecksum())
                .put("training_size", state.trainingSize()).put("cheap_features", state.cheapFeatures())
                .put("folds", state.options().folds()).put("seed", state.options().seed())
                .put("payload_sha256", sha256(payload));
        ObjectNode props = m.putObject("properties");
        for (Property p : Property.values()) {
            PropertySurrogate s = state.surrogates().get(p);
            props.putObject(p.key()).put("model", s.regressor().describe()).put("cv_kendall_tau", s.cvKendall());
        }
        m.putPOJO("features", state.featureNames());
        try (ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
                ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("payload.bin"));
            zip.write(payload);
            zip.closeEntry();
            zip.finish();
            AtomicFiles.write(file, zipBytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write surrogates to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads surrogates written by {@link #save} and binds them to {@code ghn}.
     *
     * @throws IllegalArgumentException (one line, naming the file) if the file is missing, not a surrogate file, of
     *                                  another version, corrupted, or fitted on another GHN checkpoint
     */
    public static SurrogateSet load(Path file, GraphHyperNetwork ghn) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), ghn);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such surrogate file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read surrogate file: " + e.getMessage(), e);
        }
    }

    /**
     * The surrogates shipped with {@link GraphHyperNetwork#pretrained()}, fitted on the committed measurement table.
     *
     * @throws IllegalStateException if the build lacks them
     */
    public static SurrogateSet pretrained() {
        try (InputStream in = SurrogateSet.class.getResourceAsStream(PRETRAINED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("this build has no shipped surrogates (" + PRETRAINED_RESOURCE + ")");
            }
            return read(in, "classpath:" + PRETRAINED_RESOURCE, GraphHyperNetwork.pretrained());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read shipped surrogates: " + e.getMessage(), e);
        }
    }

    private static SurrogateSet read(InputStream in, String name, GraphHyperNetwork ghn) throws IOException {
        byte[] manifest = null;
        byte[] payload = null;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("manifest.json")) {
                    manifest = zip.readAllBytes();
                } else if (e.getName().equals("payload.bin")) {
                    payload = zip.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": not a surrogate file (expected a zip written by ghnas): "
                    + e.getMessage());
        }
        if (manifest == null || payload == null) {
            throw new IllegalArgumentException(name + ": not a surrogate file (expected manifest.json and payload.bin)");
        }
        JsonNode m;
        try {
            m = new ObjectMapper().readTree(new String(manifest, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": manifest.json is not valid JSON");
        }
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new IllegalArgumentException(name + ": format: expected '" + FORMAT + "', got '"
                    + m.path("format").asText() + "'");
        }
        if (m.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException(name + ": version: expected " + VERSION + ", got "
                    + m.path("version").asText());
        }
        if (!sha256(payload).equals(m.path("payload_sha256").asText())) {
            throw new IllegalArgumentException(name + ": payload checksum mismatch (file corrupted)");
        }
        String fittedOn = m.path("ghn_checksum").asText();
        if (!fittedOn.equals(ghn.checksum())) {
            throw new IllegalArgumentException(name + ": ghn_checksum: these surrogates were fitted on GHN "
                    + fittedOn.substring(0, Math.min(12, fittedOn.length())) + ", not on the loaded GHN "
                    + ghn.checksum().substring(0, 12) + "; refit them with `ghnas surrogate fit`");
        }
        State s;
        try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            s = (State) o.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException(name + ": payload cannot be read by this version of ghnas: " + e);
        }
        return new SurrogateSet(ghn, s, payload);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SurrogateSet[ghn=").append(state.ghnChecksum(), 0, 12)
                .append(", n=").append(state.trainingSize());
        for (Property p : Property.values()) {
            PropertySurrogate s = state.surrogates().get(p);
            b.append(", ").append(p.key()).append('=').append(s.regressor().describe());
        }
        return b.append(']').toString();
    }
}
