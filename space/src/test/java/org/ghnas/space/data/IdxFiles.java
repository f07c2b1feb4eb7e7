package org.ghnas.space.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files, well-formed or deliberately broken, for loader tests. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** An IDX images file: magic, count, rows, cols, then pixel {@code (i * 7 + p) & 0xFF} of image i. */
    static byte[] images(int magic, int count, int rows, int cols) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * cols);
        buffer.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                buffer.put((byte) (i * 7 + p));
            }
        }
        return buffer.array();
    }

    /** An IDX labels file with the given labels. */
    static byte[] labels(int magic, int... labels) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length);
        buffer.putInt(magic).putInt(labels.length);
        for (int label : labels) {
            buffer.put((byte) label);
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes a complete, valid Fashion-MNIST-shaped set: 3 train and 2 test images. */
    static void writeValid(Path dir, boolean gzipped) {
        write(dir, "train-images-idx3-ubyte", images(2051, 3, 28, 28), gzipped);
        write(dir, "train-labels-idx1-ubyte", labels(2049, 0, 9, 4), gzipped);
        write(dir, "t10k-images-idx3-ubyte", images(2051, 2, 28, 28), gzipped);
        write(dir, "t10k-labels-idx1-ubyte", labels(2049, 1, 2), gzipped);
    }

    /** Writes {@code dir/base} (or {@code dir/base.gz}, compressed) and returns its path. */
    static Path write(Path dir, String base, byte[] bytes, boolean gzipped) {
        try {
            Path plain = dir.resolve(base);
            Path gz = dir.resolve(base + ".gz");
            Files.deleteIfExists(plain);
            Files.deleteIfExists(gz);
            return Files.write(gzipped ? gz : plain, gzipped ? gzip(bytes) : bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
