package org.ghnas.space;

/**
 * An architecture spec that breaks a rule of the space. The message is one line that names the field,
 * the offending value and the allowed form, e.g.
 * {@code genotype.normal[2].input: 5 is out of range, expected 0..3 (node 3 reads cell inputs or earlier nodes)}.
 */
public final class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public SpecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The JSON path of the offending field, e.g. {@code genotype.reduce_concat}. */
    public String field() {
        return field;
    }

    /** The same error with a prefix on the field path, for specs nested in arrays or files. */
    public SpecException within(String prefix) {
        SpecException e = new SpecException(prefix + field, getMessage().substring(field.length() + 2));
        e.setStackTrace(getStackTrace());
        return e;
    }
}
