package org.ghnas.space.data;

import java.nio.file.Path;

/**
 * A dataset that cannot be found, read or trusted. The message is one line naming the file (or directory) and what
 * was expected, e.g. {@code /x/train-images-idx3-ubyte.gz: bad magic number 1234, expected 2051 (IDX images)}, so a
 * command line can print it as it is.
 */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error about the dataset as a whole (a missing directory, an unknown name). */
    public DatasetException(String message) {
        super(message);
    }

    /** An error about one file: the message becomes {@code file: problem}. */
    public DatasetException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** An error about one file, caused by an I/O failure. */
    public DatasetException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
