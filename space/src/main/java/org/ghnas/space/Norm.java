package org.ghnas.space;

/** The normalisation layers of a network. */
public enum Norm {
    /** BatchNorm2d with affine parameters, run on batch statistics as in the reference. */
    BATCH_NORM("bn"),
    /** Normalisation-free: the BN layers are identities. */
    NONE(null);

    private final String specName;

    Norm(String specName) {
        this.specName = specName;
    }

    /** The JSON value: {@code "bn"} or {@code null}. */
    public String specName() {
        return specName;
    }
}
