package org.ghnas.space.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes files and directories so that readers never see half of one: the content goes to a temporary file or
 * directory beside the target, which is then renamed over it.
 */
public final class AtomicFiles {

    /**
     * Fills a directory; what it writes appears at the target only if it returns normally.
     *
     * @param <T> what the writer reports back (a summary of what it wrote)
     */
    @FunctionalInterface
    public interface DirectoryWriter<T> {
        T write(Path directory) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] bytes) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.write(tmp, bytes);
                makeReadable(tmp, target);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Writes a whole directory: {@code writer} fills a fresh temporary directory beside {@code target}, which then
     * replaces {@code target} (and anything that was there before). If the writer fails, {@code target} is left as
     * it was and the temporary directory is removed.
     *
     * @return what the writer returned
     * @throws UncheckedIOException {@code "TARGET: cannot be written (...)"}
     */
    public static <T> T writeDirectory(Path target, DirectoryWriter<T> writer) {
        Path dir = target.toAbsolutePath().normalize();
        Path tmp = null;
        try {
            Files.createDirectories(dir.getParent());
            tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".");
            T result = writer.write(tmp);
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // temporary directories are owner-only; results are meant to be shared like any other directory
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            replace(tmp, dir);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot be written (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                deleteRecursively(tmp);
            }
        }
    }

    /** Moves {@code tmp} to {@code target}; an earlier {@code target} is moved aside first, then deleted. */
    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover hidden temporary directory is harmless
        }
    }

    /**
     * Temporary files are created owner-only; results are meant to be shared, so the file gets the permissions of
     * the one it replaces, or rw-r--r-- (what a plain write gives under the usual umask).
     */
    private static void makeReadable(Path tmp, Path target) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }
}
