package org.ghnas.space.runtime;

import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times float32 matrix products through ND4J (OpenBLAS sgemm underneath) at sizes of the target nets' linear layers
 * and convolution gradients, for A/B runs of OpenBLAS's kernel choice (median of REPS calls after as many warm-up
 * calls, one thread):
 * <pre>
 * CP=space/target/test-classes:space/target/classes:experiments/target/ghnas.jar
 * OMP_NUM_THREADS=1 OPENBLAS_VERBOSE=2 java -cp $CP org.ghnas.space.runtime.BlasBenchmark 200
 * OMP_NUM_THREADS=1 OPENBLAS_VERBOSE=2 OPENBLAS_CORETYPE=SKYLAKEX java -cp $CP org.ghnas.space.runtime.BlasBenchmark 200
 * </pre>
 * ({@code OPENBLAS_VERBOSE=2} makes OpenBLAS print the kernels it chose.)
 */
public final class BlasBenchmark {

    private BlasBenchmark() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int[][] sizes = {{64, 256, 256}, {64, 1024, 256}, {1024, 144, 16}, {4096, 256, 128}, {256, 512, 512}};
        System.out.printf(Locale.ROOT, "OPENBLAS_CORETYPE=%s, OMP_NUM_THREADS=%s, median of %d products%n",
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"), System.getenv("OMP_NUM_THREADS"), reps);
        for (int[] s : sizes) {
            INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1]);
            INDArray w = Nd4j.rand(DataType.FLOAT, s[1], s[2]);
            INDArray out = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            double[] ms = new double[reps];
            for (int i = -reps; i < reps; i++) {
                long t0 = System.nanoTime();
                x.mmul(w, out);
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(ms);
            double median = ms[reps / 2];
            System.out.printf(Locale.ROOT, "%5d x %4d x %4d: %7.3f ms  %6.1f GFLOP/s%n", s[0], s[1], s[2], median,
                    2.0 * s[0] * s[1] * s[2] / median / 1e6);
        }
    }
}
