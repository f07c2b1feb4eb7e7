package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes sure the embedded default dataset is there, so that {@code mvn test} and {@code ./ghnas} work on a fresh
 * Debian machine: when the Fashion-MNIST directory is missing and we run as root with {@code apt-get} on the
 * {@code PATH}, it installs Debian's {@value #PACKAGE} (running {@code apt-get update} only if the first install
 * fails) and says so in one line on stderr; otherwise it fails with a one-line message giving the command to run.
 *
 * <pre>{@code
 * Path dir = DatasetInstaller.ensureFashionMnist();   // FashionMnist.DEFAULT_DIR, installed if need be
 * }</pre>
 */
public final class DatasetInstaller {
    /** The Debian package that holds Fashion-MNIST. */
    public static final String PACKAGE = "dataset-fashion-mnist";

    /** Runs a command and reports its exit code and the last line of its output. */
    interface CommandRunner {
        Result run(List<String> command) throws IOException, InterruptedException;

        /** An exit code and the last non-blank output line (empty if none). */
        record Result(int exitCode, String lastLine) {
        }
    }

    private final Path dir;
    private final boolean root;
    private final boolean aptAvailable;
    private final CommandRunner runner;
    private final PrintStream log;

    DatasetInstaller(Path dir, boolean root, boolean aptAvailable, CommandRunner runner, PrintStream log) {
        this.dir = requireNonNull(dir, "dir");
        this.root = root;
        this.aptAvailable = aptAvailable;
        this.runner = requireNonNull(runner, "runner");
        this.log = requireNonNull(log, "log");
    }

    /**
     * {@link FashionMnist#DEFAULT_DIR}, after installing {@value #PACKAGE} if it is missing and this process may.
     *
     * @return the directory holding the Fashion-MNIST IDX files
     * @throws DatasetException with a one-line message when the files are missing and cannot be installed
     */
    public static Path ensureFashionMnist() {
        return new DatasetInstaller(FashionMnist.DEFAULT_DIR, isRoot(), onPath("apt-get"),
                DatasetInstaller::runQuietly, System.err).ensure();
    }

    Path ensure() {
        if (FashionMnist.isPresent(dir)) {
            return dir;
        }
        if (!root || !aptAvailable) {
            throw new DatasetException("Fashion-MNIST not found in " + dir + ": run 'apt-get install -y " + PACKAGE
                    + "' (as root) or pass --data DIR with the IDX files");
        }
        log.println("ghnas: Fashion-MNIST not found in " + dir + ", installing it with 'apt-get install -y "
                + PACKAGE + "'");
        CommandRunner.Result result = run(List.of("apt-get", "install", "-y", PACKAGE));
        if (result.exitCode() != 0 && !FashionMnist.isPresent(dir)) {
            // A fresh machine often has no package lists yet.
            CommandRunner.Result update = run(List.of("apt-get", "update"));
            result = update.exitCode() != 0 ? update : run(List.of("apt-get", "install", "-y", PACKAGE));
        }
        if (!FashionMnist.isPresent(dir)) {
            throw new DatasetException("Fashion-MNIST not found in " + dir + " and 'apt-get install -y " + PACKAGE
                    + "' did not install it (exit " + result.exitCode()
                    + (result.lastLine().isEmpty() ? "" : ": " + result.lastLine())
                    + "): install it by hand or pass --data DIR with the IDX files");
        }
        return dir;
    }

    private CommandRunner.Result run(List<String> command) {
        try {
            return runner.run(command);
        } catch (IOException e) {
            return new CommandRunner.Result(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while running '" + String.join(" ", command) + "'");
        }
    }

    private static CommandRunner.Result runQuietly(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        process.getOutputStream().close();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int exit = process.waitFor();
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return new CommandRunner.Result(exit, lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip());
    }

    static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
