package org.ghnas.space.runtime;

/**
 * Whether the kernels written with the JDK's Vector API ({@code jdk.incubator.vector}) run. The module is an
 * incubator in JDK 17 and resolves only when the JVM starts with {@code --add-modules jdk.incubator.vector} (the
 * {@code ghnas} launcher and the test runner pass it); without it every such kernel falls back to its ND4J or
 * plain-loop version, so the library keeps working in a JVM started any other way, only slower. Classes that name
 * vector types are only loaded behind this check. {@code -Dghnas.vectorApi=false} turns the kernels off, for A/B
 * timings. The two versions agree to float rounding, not bit for bit.
 */
public final class VectorApi {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("ghnas.vectorApi"));

    private VectorApi() {}

    /** Whether this JVM runs the Vector API kernels. */
    public static boolean available() {
        return AVAILABLE;
    }
}
