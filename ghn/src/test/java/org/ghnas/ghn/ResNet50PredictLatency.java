package org.ghnas.ghn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.ghnas.space.sample.PredefinedNets;
import org.ghnas.space.stat.Median;

/**
 * Times N predictions of all ResNet-50 parameters by the shipped GHN in a fresh JVM and counts the minor page faults
 * of each call (Linux only): why the benchmark's ResNet-50 latency moves by 2-6x between runs. Args: N (default 20).
 * Prints one line per call (seconds, faults), then the median of all calls and of those after the fifth.
 */
public final class ResNet50PredictLatency {

    private ResNet50PredictLatency() {
    }

    public static void main(String[] a) throws IOException {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 20;
        GraphHyperNetwork ghn = GraphHyperNetwork.pretrained();
        double[] s = new double[n];
        long[] faults = new long[n];
        for (int i = 0; i < n; i++) {
            long f0 = minorFaults();
            long t0 = System.nanoTime();
            ghn.predict(PredefinedNets.resnet50());
            s[i] = (System.nanoTime() - t0) / 1e9;
            faults[i] = minorFaults() - f0;
            System.out.printf(Locale.ROOT, "call %2d  %.4f s  %7d faults%n", i, s[i], faults[i]);
        }
        System.out.printf(Locale.ROOT, "median %.4f s (calls 5..%d: %.4f s), faults %d (calls 5..: %d)%n", Median.of(s),
                n - 1, Median.of(Arrays.copyOfRange(s, Math.min(5, n - 1), n)), Arrays.stream(faults).sum(),
                Arrays.stream(faults).skip(5).sum());
    }

    /** minflt, the 10th field of /proc/self/stat (the 8th after the parenthesised command name). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }
}
