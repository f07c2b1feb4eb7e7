package org.ghnas.ghn.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ghnas.space.io.AtomicFiles;

/**
 * Named float32 tensors plus a JSON header in one checksummed file: the format of GHN checkpoints and of predicted
 * parameters, so that other tools (the export step, Python) can read them with a few lines.
 *
 * <p>Layout, all integers little-endian:
 * <pre>
 *   8 bytes   magic "GHNASTNS"
 *   4 bytes   int32 H, length of the header
 *   H bytes   UTF-8 JSON: {"kind": K, "version": V, "meta": {...},
 *                          "tensors": [{"name": N, "shape": [..], "offset": O, "length": L}, ...]}
 *   data      float32 little-endian; tensor N occupies floats [O, O + L) of this section, row-major (C order)
 *   32 bytes  SHA-256 of every byte before it
 * </pre>
 *
 * @param kind    what the file holds, e.g. {@code ghn-checkpoint} or {@code predicted-parameters}
 * @param version format version of that kind
 * @param meta    free-form JSON metadata of the kind
 * @param tensors tensors by name, in file order
 * @implNote Immutable apart from the float arrays, which callers must not modify.
 */
public record TensorArchive(String kind, int version, ObjectNode meta, Map<String, Tensor> tensors) {

    private static final byte[] MAGIC = "GHNASTNS".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Compact constructor; keeps the tensors' order. */
    public TensorArchive {
        requireNonNull(kind, "kind");
        requireNonNull(meta, "meta");
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** One tensor: its shape and its values, row-major. */
    public record Tensor(long[] shape, float[] values) {
        /** @throws IllegalArgumentException if the shape does not match the number of values */
        public Tensor {
            requireNonNull(shape, "shape");
            requireNonNull(values, "values");
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("tensor values must number " + n + " for shape "
                        + Arrays.toString(shape) + ", but were " + values.length + ".");
            }
        }
    }

    /** A fresh, empty JSON object for {@code meta}. */
    public static ObjectNode newMeta() {
        return JSON.createObjectNode();
    }

    /** The tensor called {@code name}. @throws IllegalArgumentException naming the file kind if it is missing */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(kind + " has no tensor " + name);
        }
        return t;
    }

    /** The file's bytes. */
    public byte[] toBytes() {
        ObjectNode header = JSON.createObjectNode();
        header.put("kind", kind);
        header.put("version", version);
        header.set("meta", meta);
        ArrayNode list = header.putArray("tensors");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = list.addObject();
            t.put("name", e.getKey());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.put("offset", offset);
            t.put("length", e.getValue().values().length);
            offset += e.getValue().values().length;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(MAGIC.length + 4 + h.length + 4 * offset + 32))
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(h.length).put(h);
        for (Tensor t : tensors.values()) {
            buf.asFloatBuffer().put(t.values());
            buf.position(buf.position() + 4 * t.values().length);
        }
        byte[] sha = sha256(buf.array(), buf.position());
        buf.put(sha);
        return buf.array();
    }

    /** Writes the file atomically (temporary file, then rename). */
    public void write(Path file) {
        AtomicFiles.write(file, toBytes());
    }

    /**
     * Reads and verifies a file.
     *
     * @param expectedKind the kind the caller wants
     * @throws MalformedArchiveException naming the file if it is missing, truncated, corrupted (checksum), of
     *                                   another kind, or of an unknown version above {@code maxVersion}
     */
    public static TensorArchive read(Path file, String expectedKind, int maxVersion) {
        return read(file, java.util.Set.of(expectedKind), maxVersion);
    }

    /** Like {@link #read(Path, String, int)}, accepting any of several kinds. */
    public static TensorArchive read(Path file, java.util.Set<String> expectedKinds, int maxVersion) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new MalformedArchiveException(file + ": no such file");
        } catch (IOException e) {
            throw new MalformedArchiveException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        return parse(bytes, file.toString(), expectedKinds, maxVersion);
    }

    /** Like {@link #read} for bytes from elsewhere (a classpath resource), {@code source} naming them. */
    public static TensorArchive parse(byte[] bytes, String source, java.util.Set<String> expectedKinds,
                                      int maxVersion) {
        if (bytes.length < MAGIC.length + 4 + 32
                || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new MalformedArchiveException(source + ": not a ghnas tensor file (bad magic or truncated)");
        }
        byte[] expected = sha256(bytes, bytes.length - 32);
        if (!Arrays.equals(expected, Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))) {
            throw new MalformedArchiveException(source + ": SHA-256 checksum mismatch (file corrupted or truncated)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, bytes.length - 32).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(MAGIC.length);
        int h = buf.getInt();
        if (h < 0 || h > buf.remaining()) {
            throw new MalformedArchiveException(source + ": header length " + h + " exceeds the file");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, buf.position(), h, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MalformedArchiveException(source + ": header is not JSON (" + firstLine(e.getMessage()) + ")");
        }
        buf.position(buf.position() + h);
        String kind = header.path("kind").asText();
        int version = header.path("version").asInt(-1);
        if (!expectedKinds.contains(kind)) {
            throw new MalformedArchiveException(source + ": expected a " + String.join(" or ", expectedKinds)
                    + " file, got " + (kind.isEmpty() ? "no kind" : kind));
        }
        if (version < 1 || version > maxVersion) {
            throw new MalformedArchiveException(source + ": expected format version 1.." + maxVersion + ", got "
                    + version);
        }
        int dataStart = buf.position();
        long floats = (bytes.length - 32 - dataStart) / 4;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode t : header.path("tensors")) {
            List<Long> shape = new ArrayList<>();
            t.path("shape").forEach(d -> shape.add(d.asLong()));
            long offset = t.path("offset").asLong();
            int length = t.path("length").asInt();
            if (offset < 0 || length < 0 || offset + length > floats) {
                throw new MalformedArchiveException(source + ": tensor " + t.path("name").asText()
                        + " lies outside the data section");
            }
            float[] v = new float[length];
            ByteBuffer.wrap(bytes, Math.toIntExact(dataStart + 4 * offset), 4 * length).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(v);
            try {
                tensors.put(t.path("name").asText(), new Tensor(shape.stream().mapToLong(Long::longValue).toArray(), v));
            } catch (IllegalArgumentException e) {
                throw new MalformedArchiveException(source + ": tensor " + t.path("name").asText() + ": "
                        + e.getMessage());
            }
        }
        JsonNode meta = header.path("meta");
        return new TensorArchive(kind, version, meta.isObject() ? (ObjectNode) meta : JSON.createObjectNode(), tensors);
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "no message";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** SHA-256 of the first {@code length} bytes, as lower-case hex. */
    public static String sha256Hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : sha256(bytes, bytes.length)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
