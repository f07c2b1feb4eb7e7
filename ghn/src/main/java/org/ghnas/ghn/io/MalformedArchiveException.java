package org.ghnas.ghn.io;

/**
 * A checkpoint or parameter file that is missing, truncated, corrupted or of another kind or version. An
 * {@link IllegalArgumentException}, so callers that report bad input in one line keep working; the message starts
 * with the file.
 */
public final class MalformedArchiveException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message one line starting with the file's path */
    public MalformedArchiveException(String message) {
        super(message);
    }
}
