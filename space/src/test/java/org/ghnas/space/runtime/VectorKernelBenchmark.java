package org.ghnas.space.runtime;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.Supplier;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times the kernels that have a Vector API version, calling them directly (N=64, one thread, median of REPS calls
 * after as many warm-up calls), for A/B runs of one build:
 * <pre>
 * CP=space/target/test-classes:space/target/classes:experiments/target/ghnas.jar
 * for v in true false; do OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -Dghnas.vectorApi=$v \
 *     -cp $CP org.ghnas.space.runtime.VectorKernelBenchmark 20; done
 * </pre>
 * The 1x1 rows also time libnd4j's conv2d and conv2d_bp on the same arrays, the choice PointwiseConv makes; the
 * depthwise rows time the loops and ConvKernel.forward (oneDNN for undilated convs, the loops for dilated ones).
 * Outside a network pass every call allocates fresh arrays, so libnd4j's rows in particular vary between runs.
 */
public final class VectorKernelBenchmark {
    private static final int N = 64;

    private VectorKernelBenchmark() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        System.out.printf(Locale.ROOT, "Vector API kernels %s, OMP_NUM_THREADS=%s, N=%d, median of %d calls (ms)%n",
                VectorApi.available() ? "on" : "off", System.getenv("OMP_NUM_THREADS"), N, reps);
        for (int c : new int[] {8, 16, 32}) {
            INDArray qkv = Nd4j.rand(DataType.FLOAT, N, 3 * c, 11, 11);
            // the batched version's backward overwrites its cache: a fresh forward for each backward
            row("attention core C=" + c + " 11x11, 8 heads: forward / forward+backward", reps,
                    () -> AttentionKernel.forward(qkv, 8), () -> {
                        AttentionKernel.Cache cache = AttentionKernel.forward(qkv, 8);
                        return AttentionKernel.backward(cache, cache.output());
                    });
        }
        for (int[] s : new int[][] {{16, 32}, {48, 16}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, N, s[0], s[1], s[1]);
            INDArray gamma = Nd4j.rand(DataType.FLOAT, s[0]);
            INDArray beta = Nd4j.rand(DataType.FLOAT, s[0]);
            BatchNormKernel.Cache cache = FusedBatchNorm.forwardTrain(x, gamma, beta);
            row("batchnorm C=" + s[0] + " " + s[1] + "x" + s[1] + ": forward / backward", reps,
                    () -> FusedBatchNorm.forwardTrain(x, gamma, beta), () -> FusedBatchNorm.backward(cache, x));
        }
        Method opWeights = ConvKernel.class.getDeclaredMethod("opWeights", INDArray.class, ConvGeometry.class);
        Method opArgs = ConvKernel.class.getDeclaredMethod("opArgs", ConvGeometry.class);
        opWeights.setAccessible(true);
        opArgs.setAccessible(true);
        ConvGeometry one = ConvGeometry.square(1, 1, 0, 1, 1);
        for (int[] s : new int[][] {{8, 32}, {16, 32}, {32, 32}, {48, 32}, {16, 16}, {64, 16}, {24, 11}, {32, 8},
            {64, 8}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, N, s[0], s[1], s[1]);
            INDArray w = Nd4j.rand(DataType.FLOAT, s[0], s[0], 1, 1);
            INDArray opW = (INDArray) opWeights.invoke(null, w, one);
            int[] a = (int[]) opArgs.invoke(null, one);
            String shape = "[" + N + "," + s[0] + "," + s[1] + "," + s[1] + "]";
            row("1x1 " + shape + " PointwiseConv: forward / backward", reps, () -> PointwiseConv.forward(x, w),
                    () -> PointwiseConv.backward(x, w, x));
            row("1x1 " + shape + " libnd4j: forward / backward", reps, () -> {
                INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
                CustomOps.exec("conv2d", new INDArray[] {x, opW}, new INDArray[] {y}, a);
                return y;
            }, () -> {
                INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
                INDArray dw = Nd4j.createUninitialized(DataType.FLOAT, opW.shape());
                CustomOps.exec("conv2d_bp", new INDArray[] {x, opW, x}, new INDArray[] {dx, dw}, a);
                return dx;
            });
        }
        for (int[] s : new int[][] {{16, 32, 5, 1}, {48, 16, 5, 1}, {16, 32, 3, 2}, {32, 8, 3, 2}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, N, s[0], s[1], s[1]);
            INDArray w = Nd4j.rand(DataType.FLOAT, s[0], 1, s[2], s[2]);
            ConvGeometry g = ConvGeometry.square(s[2], 1, (s[2] - 1) / 2 * s[3], s[3], s[0]);
            String name = "depthwise " + s[2] + "x" + s[2] + (s[3] > 1 ? " dil " + s[3] : "") + " C=" + s[0] + " "
                    + s[1] + "x" + s[1];
            row(name + " loops: forward / weight gradient", reps, () -> DepthwiseConv.forward(x, w, g, x.shape()),
                    () -> DepthwiseConv.weightGradient(x, x, g, w.shape()));
            row(name + " loops: input gradient / ConvKernel.forward", reps,
                    () -> DepthwiseConv.inputGradient(x, w, x, g), () -> ConvKernel.forward(x, w, g));
        }
    }

    private static void row(String name, int reps, Supplier<Object> first, Supplier<Object> second) {
        System.out.printf(Locale.ROOT, "%-70s %9.2f %9.2f%n", name, Median.millis(reps, reps, first::get),
                Median.millis(reps, reps, second::get));
    }
}
