package org.ghnas.space.runtime;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.ghnas.space.stat.Median;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Prints median float32 timings of the layer kernels at the sizes of a target network step (batch 64), forward
 * and forward+backward, so the thread setting and the oneDNN build can be judged by measurement. Run it with
 * OMP_NUM_THREADS=1 and with 2; the figures are noisy on a shared machine.
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp "$(cat /tmp/cp.txt):space/target/classes" org.ghnas.space.runtime.KernelBenchmark [reps]
 * }</pre>
 */
public final class KernelBenchmark {
    private static final int BATCH = 64;

    private final SplittableRandom rng = new SplittableRandom(42);
    private final int reps;

    private KernelBenchmark(int reps) {
        this.reps = reps;
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional number of timed repetitions per case (default 15)
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Nd4j.create(1);
        String build = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, ND4J omp.threads=%s, HAVE_ONEDNN=%b, reps=%d%n",
                System.getenv("OMP_NUM_THREADS"),
                Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads"),
                build.contains("HAVE_ONEDNN"), reps);
        System.out.printf(Locale.ROOT, "%-42s %12s %16s%n", "case (float32, N=64)", "forward ms", "fwd+bwd ms");
        new KernelBenchmark(reps).run();
    }

    private void run() {
        conv("conv 3x3 C=16 32x32", 16, 32, ConvGeometry.square(3, 1, 1, 1, 1));
        conv("conv 3x3 C=48 16x16", 48, 16, ConvGeometry.square(3, 1, 1, 1, 1));
        conv("conv 3x3 C=16 32x32 stride 2", 16, 32, ConvGeometry.square(3, 2, 1, 1, 1));
        conv("depthwise 5x5 C=16 32x32", 16, 32, ConvGeometry.square(5, 1, 2, 1, 16));
        conv("depthwise 5x5 C=48 16x16", 48, 16, ConvGeometry.square(5, 1, 2, 1, 48));
        conv("depthwise 3x3 C=16 32x32 stride 2", 16, 32, ConvGeometry.square(3, 2, 1, 1, 16));
        conv("depthwise 3x3 C=32 8x8", 32, 8, ConvGeometry.square(3, 1, 1, 1, 32));
        conv("depthwise 3x3 dil 2 C=32 8x8", 32, 8, ConvGeometry.square(3, 1, 2, 2, 32));
        conv("depthwise 5x5 dil 2 C=16 32x32 stride 2", 16, 32, ConvGeometry.square(5, 2, 4, 2, 16));
        conv("depthwise 3x3 dil 2 C=16 32x32", 16, 32, ConvGeometry.square(3, 1, 2, 2, 16));
        conv("conv 1x1 C=16 32x32", 16, 32, ConvGeometry.square(1, 1, 0, 1, 1));
        conv("conv 1x1 C=48 16x16", 48, 16, ConvGeometry.square(1, 1, 0, 1, 1));
        conv("conv 1x7 s(1,2) C=16 32x32", 16, 32, new ConvGeometry(1, 7, 1, 2, 0, 3, 1, 1));

        INDArray x16 = random(BATCH, 16, 32, 32);
        INDArray gamma = random(16);
        INDArray beta = random(16);
        report("batchnorm C=16 32x32", () -> BatchNormKernel.forwardTrain(x16, gamma, beta).output(),
                () -> BatchNormKernel.backward(BatchNormKernel.forwardTrain(x16, gamma, beta), x16)[0]);
        report("relu C=16 32x32", () -> ActivationKernel.relu(x16),
                () -> ActivationKernel.reluBackward(x16, ActivationKernel.relu(x16)));
        report("maxpool 3x3 s1 p1 C=16 32x32", () -> PoolKernel.maxForward(x16, 3, 1, 1),
                () -> PoolKernel.maxBackward(x16, PoolKernel.maxForward(x16, 3, 1, 1), 3, 1, 1));
        report("avgpool 3x3 s2 p1 C=16 32x32", () -> PoolKernel.avgForward(x16, 3, 2, 1),
                () -> PoolKernel.avgBackward(x16, PoolKernel.avgForward(x16, 3, 2, 1), 3, 2, 1));

        INDArray qkv8 = random(BATCH, 24, 11, 11);
        report("attention core C=8 11x11 (8 heads of dim 1)", () -> AttentionKernel.forward(qkv8, 8).output(),
                () -> {
                    AttentionKernel.Cache c = AttentionKernel.forward(qkv8, 8);
                    return AttentionKernel.backward(c, c.output());
                });
        INDArray qkv = random(BATCH, 96, 11, 11);
        report("attention core C=32 11x11 (8 heads)", () -> AttentionKernel.forward(qkv, 8).output(),
                () -> {
                    AttentionKernel.Cache c = AttentionKernel.forward(qkv, 8);
                    return AttentionKernel.backward(c, c.output());
                });
        INDArray x32 = random(BATCH, 32, 11, 11);
        INDArray g32 = random(32);
        INDArray b32 = random(32);
        report("layernorm C=32 11x11", () -> LayerNormKernel.forward(x32, g32, b32).output(),
                () -> LayerNormKernel.backward(LayerNormKernel.forward(x32, g32, b32), x32)[0]);
        INDArray w96 = random(96, 32);
        report("linear map 32->96 11x11", () -> LinearKernel.forward(x32, w96, null),
                () -> LinearKernel.backward(x32, w96, false, LinearKernel.forward(x32, w96, null))[0]);

        INDArray x = random(BATCH, 16, 32, 32);
        INDArray w = random(16, 16, 3, 3);
        ConvGeometry g = ConvGeometry.square(3, 1, 1, 1, 1);
        Nd4j.getEnvironment().allowHelpers(false);
        report("conv 3x3 C=16 32x32, oneDNN helpers off", () -> ConvKernel.forward(x, w, g),
                () -> ConvKernel.backward(x, w, ConvKernel.forward(x, w, g), g)[0]);
        Nd4j.getEnvironment().allowHelpers(true);
    }

    private void conv(String name, int channels, int size, ConvGeometry g) {
        INDArray x = random(BATCH, channels, size, size);
        INDArray w = random(channels, g.groups() == 1 ? channels : 1, g.kh(), g.kw());
        report(name, () -> ConvKernel.forward(x, w, g), () -> ConvKernel.backward(x, w, ConvKernel.forward(x, w, g), g)[0]);
    }

    private void report(String name, Supplier<INDArray> forward, Supplier<INDArray> forwardBackward) {
        System.out.printf(Locale.ROOT, "%-42s %12.2f %16.2f%n", name, Median.millis(3, reps, forward::get),
                Median.millis(3, reps, forwardBackward::get));
    }

    private INDArray random(long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        float[] v = new float[Math.toIntExact(a.length())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-1.0, 1.0);
        }
        return Nd4j.create(v, shape, 'c');
    }
}
