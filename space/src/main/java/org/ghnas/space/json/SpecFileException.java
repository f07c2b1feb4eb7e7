package org.ghnas.space.json;

/**
 * A spec file that cannot be read: missing, not JSON, or holding an invalid spec. The message is one line
 * naming the file, the JSON path of the field and the expected form, e.g.
 * {@code nets.json: [2].genotype.normal[0]: unknown op 'conv_9x9', expected one of none, ...}.
 */
public final class SpecFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SpecFileException(String message, Throwable cause) {
        super(message, cause);
    }

    public SpecFileException(String message) {
        super(message);
    }
}
