package org.ghnas.space.runtime;

import java.util.Map;
import java.util.TreeMap;
import org.ghnas.space.plan.Op;

/** Accumulated wall time per op kind and direction, for benchmarks that explain where a step's time goes. */
public final class OpProfile {

    private final Map<String, long[]> nanos = new TreeMap<>();

    synchronized void add(Op op, boolean backward, long ns) {
        String key = op.getClass().getSimpleName() + (op instanceof Op.Conv c && c.depthwise() ? "(depthwise)" : "")
                + (op instanceof Op.Conv c && c.kh() == 1 && c.kw() == 1 ? "(1x1)" : "");
        long[] v = nanos.computeIfAbsent(key, k -> new long[4]);
        v[backward ? 1 : 0] += ns;
        v[backward ? 3 : 2]++;
    }

    /** Adds figures of another profile ({forward ms, backward ms, forward calls, backward calls}) under a key. */
    synchronized void addMillis(String key, double[] v) {
        long[] t = nanos.computeIfAbsent(key, k -> new long[4]);
        t[0] += Math.round(v[0] * 1e6);
        t[1] += Math.round(v[1] * 1e6);
        t[2] += Math.round(v[2]);
        t[3] += Math.round(v[3]);
    }

    /** Op kind to {forward ms, backward ms, forward calls, backward calls}. */
    public synchronized Map<String, double[]> millis() {
        Map<String, double[]> out = new TreeMap<>();
        nanos.forEach((k, v) -> out.put(k, new double[] {v[0] / 1e6, v[1] / 1e6, v[2], v[3]}));
        return out;
    }

    /** A plain-text table, slowest first. */
    public synchronized String table() {
        StringBuilder sb = new StringBuilder(String.format("%-28s %10s %10s %8s%n", "op", "fwd ms", "bwd ms", "calls"));
        millis().entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .forEach(e -> sb.append(String.format("%-28s %10.1f %10.1f %8.0f%n", e.getKey(), e.getValue()[0],
                        e.getValue()[1], e.getValue()[2])));
        return sb.toString();
    }

    public synchronized void reset() {
        nanos.clear();
    }
}
