package org.ghnas.space.data;

import java.util.SplittableRandom;
import org.ghnas.space.stat.Median;

/**
 * Prints how long loading Fashion-MNIST takes and how fast batches of 64 come out (clean, and with the
 * noise-robustness protocol's sigma 0.08). Medians of 5 repetitions; the machine is shared, so read them as rough.
 *
 * <pre>{@code
 * java -cp space/target/classes:space/target/test-classes org.ghnas.space.data.DatasetBenchmark
 * }</pre>
 */
public final class DatasetBenchmark {
    private DatasetBenchmark() {
    }

    public static void main(String[] args) {
        int reps = 5;
        double[] load = new double[reps];
        double[] clean = new double[reps];
        double[] noisy = new double[reps];
        DatasetSplits data = null;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            data = FashionMnist.load(DatasetInstaller.ensureFashionMnist());
            load[r] = (System.nanoTime() - t0) / 1e9;
            clean[r] = batchesPerSecond(data.train().shuffledBatches(64, new SplittableRandom(r)));
            noisy[r] = batchesPerSecond(data.train().shuffledBatches(64, new SplittableRandom(r))
                    .withNoise(0.08, new SplittableRandom(r)));
        }
        System.out.printf("Fashion-MNIST load (60k+10k, gzip, padded): median %.2f s%n", Median.of(load));
        System.out.printf("batches of 64 (1x32x32), normalised: median %.0f batches/s%n", Median.of(clean));
        System.out.printf("batches of 64, noise sigma 0.08: median %.0f batches/s%n", Median.of(noisy));
        System.out.println("train " + data.train());
    }

    private static double batchesPerSecond(BatchSequence batches) {
        int n = Math.min(batches.size(), 400);
        long t0 = System.nanoTime();
        double sink = 0;
        for (int i = 0; i < n; i++) {
            sink += batches.get(i).pixels()[0];
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("NaN pixel");
        }
        return n / seconds;
    }
}
