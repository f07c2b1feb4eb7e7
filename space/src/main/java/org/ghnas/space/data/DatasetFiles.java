package org.ghnas.space.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reading dataset files whole, gzipped or plain, with one-line errors that name the file. */
final class DatasetFiles {
    private DatasetFiles() {
    }

    /** {@code dir/base} if it exists, else {@code dir/base.gz} if that exists, else {@code null}. */
    static Path find(Path dir, String base) {
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gzipped = dir.resolve(base + ".gz");
        return Files.isRegularFile(gzipped) ? gzipped : null;
    }

    /**
     * The bytes of {@code file}, decompressed when its content is gzip (whatever its name); a file named
     * {@code .gz} must be gzip.
     */
    static byte[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "no such file", e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b;
        if (!gzip) {
            if (file.getFileName().toString().endsWith(".gz")) {
                throw new DatasetException(file, "not gzip data, expected a gzip-compressed file (name ends in .gz)");
            }
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new DatasetException(file, "truncated gzip data, expected a complete gzip file", e);
        } catch (ZipException e) {
            throw new DatasetException(file, "corrupt gzip data (" + e.getMessage() + "), expected a valid gzip file", e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot be decompressed (" + e.getMessage() + ")", e);
        }
    }

    /** The big-endian 32-bit integer at {@code at}. */
    static int int32(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }
}
