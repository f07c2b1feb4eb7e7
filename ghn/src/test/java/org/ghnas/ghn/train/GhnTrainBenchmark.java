package org.ghnas.ghn.train;

import org.ghnas.space.data.FashionMnist;
import org.ghnas.space.data.ImageDataset;

/**
 * Seconds per GHN training step on Fashion-MNIST for a few (m, C, batch, fcDim) settings; prints the median of
 * the timed steps after one warm-up step. Run with OMP_NUM_THREADS=1:
 * {@code java ... GhnTrainBenchmark [steps] [workers] [m C batch fcDim]...}.
 */
public final class GhnTrainBenchmark {

    private GhnTrainBenchmark() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ImageDataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR).train().splitValidation(0.1).train();
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : GhnTrainer.defaultWorkers();
        int[][] settings = {{8, 16, 64, 256}, {4, 8, 32, 64}};
        if (args.length >= 6) {
            settings = new int[(args.length - 2) / 4][];
            for (int i = 0; i < settings.length; i++) {
                settings[i] = new int[] {Integer.parseInt(args[2 + 4 * i]), Integer.parseInt(args[3 + 4 * i]),
                        Integer.parseInt(args[4 + 4 * i]), Integer.parseInt(args[5 + 4 * i])};
            }
        }
        for (int[] s : settings) {
            GhnTrainingConfig c = new GhnTrainingConfig(1, 1000, s[0], s[1], s[3], s[2], 1e-3, 1e-5, 5, 100, 32, 50);
            GhnTrainer t = GhnTrainer.start(c, train, workers);
            t.step();
            double[] secs = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                GhnTrainer.StepResult r = t.step();
                secs[i] = (System.nanoTime() - t0) / 1e9;
                System.out.printf("m=%d C=%d batch=%d fc=%d workers=%d step %d: %.2f s loss %.6f acc %.3f norm %.4f"
                        + " nets %.2f s%n", s[0], s[1], s[2], s[3], workers, r.step(), secs[i], r.loss(), r.accuracy(),
                        r.gradNorm(), r.netSeconds());
            }
            java.util.Arrays.sort(secs);
            System.out.printf("m=%d C=%d batch=%d fc=%d workers=%d: median %.2f s/step (%.0f steps/hour)%n", s[0],
                    s[1], s[2], s[3], workers, secs[steps / 2], 3600 / secs[steps / 2]);
            t.close();
        }
    }
}
