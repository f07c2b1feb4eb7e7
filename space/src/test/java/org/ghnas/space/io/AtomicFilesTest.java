package org.ghnas.space.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sub/result.json");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertThat(Files.readString(target)).isEqualTo("second");
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void newFilesAreWorldReadableAndReplacementsKeepTheirPermissions(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("report.md");
        AtomicFiles.writeString(target, "a");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(target, "b");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-rw----");
    }

    @Test
    void failureNamesTheFile(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        assertThatThrownBy(() -> AtomicFiles.writeString(blocker.resolve("child.json"), "y"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("child.json: cannot be written");
    }

    @Test
    void directoryReplacesTheEarlierOneWholeAndIsWorldReadable(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("export");
        AtomicFiles.writeDirectory(target, d -> Files.writeString(d.resolve("old.txt"), "1"));

        int files = AtomicFiles.writeDirectory(target, d -> {
            Files.writeString(d.resolve("a.txt"), "2");
            return 1;
        });

        assertThat(files).isEqualTo(1);
        try (var list = Files.list(target)) {
            assertThat(list).containsExactly(target.resolve("a.txt"));
        }
        try (var list = Files.list(dir)) {
            assertThat(list).containsExactly(target);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void failedDirectoryWriteLeavesTheEarlierOneAndNoTemporaries(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("export");
        AtomicFiles.writeDirectory(target, d -> Files.writeString(d.resolve("old.txt"), "1"));

        assertThatThrownBy(() -> AtomicFiles.writeDirectory(target, d -> {
            Files.writeString(d.resolve("half.txt"), "2");
            throw new java.io.IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class).hasMessage(target + ": cannot be written (disk full)");

        assertThat(Files.readString(target.resolve("old.txt"))).isEqualTo("1");
        try (var list = Files.list(dir)) {
            assertThat(list).containsExactly(target);
        }
    }
}
