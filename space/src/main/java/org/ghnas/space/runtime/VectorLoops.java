package org.ghnas.space.runtime;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inner loops of the plain-loop kernels written with the Vector API, for float rows of any length (whole vectors,
 * then a scalar tail). Sums keep one float partial sum per lane, which adds at most a row's length over the lane
 * count (64 for a 32x32 map) terms, and add the lanes in double, lane by lane in order: a horizontal sum
 * (reduceLanes) would be computed one way by the JIT and another by the interpreter, and results must not depend on
 * how far the JIT has got (see {@link FusedAttention#exp}). The lane count follows the CPU (16 floats with AVX-512,
 * 8 with AVX2), so results may differ in the last bits between CPU kinds, as oneDNN's do. Loaded only when
 * {@link VectorApi#available()}.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorLoops() {}

    /** A row length rounded up to whole vectors: rows of that length need no scalar tail. */
    static int padded(int length) {
        return (length + L - 1) / L * L;
    }

    /** The sum of v[k] - shift over k < n; a shift near the values keeps the float partial sums small. */
    static double sumShifted(float[] v, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        for (int end = S.loopBound(n); k < end; k += L) {
            acc = acc.add(FloatVector.fromArray(S, v, k).sub(shift));
        }
        double s = lanes(acc);
        for (; k < n; k++) {
            s += v[k] - shift;
        }
        return s;
    }

    /** The sum of (v[k] - mean)^2 over k < n. */
    static double squaredDeviations(float[] v, int n, float mean) {
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        for (int end = S.loopBound(n); k < end; k += L) {
            FloatVector d = FloatVector.fromArray(S, v, k).sub(mean);
            acc = d.fma(d, acc);
        }
        double s = lanes(acc);
        for (; k < n; k++) {
            double d = v[k] - mean;
            s += d * d;
        }
        return s;
    }

    /** The sum of g[k] * (x[k] - mean) over k < n. */
    static double centredDot(float[] g, float[] x, int n, float mean) {
        FloatVector acc = FloatVector.zero(S);
        int k = 0;
        for (int end = S.loopBound(n); k < end; k += L) {
            acc = FloatVector.fromArray(S, x, k).sub(mean).fma(FloatVector.fromArray(S, g, k), acc);
        }
        double s = lanes(acc);
        for (; k < n; k++) {
            s += g[k] * (x[k] - mean);
        }
        return s;
    }

    /** v[k] = (v[k] - m) * a + c over k < n. */
    static void affine(float[] v, int n, float m, float a, float c) {
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector cv = FloatVector.broadcast(S, c);
        int k = 0;
        for (int end = S.loopBound(n); k < end; k += L) {
            FloatVector.fromArray(S, v, k).sub(m).fma(av, cv).intoArray(v, k);
        }
        for (; k < n; k++) {
            v[k] = (v[k] - m) * a + c;
        }
    }

    /** g[k] = g[k] * a + (x[k] - m) * b + s over k < n. */
    static void scaledCentredAdd(float[] g, float[] x, int n, float m, float a, float b, float s) {
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector bv = FloatVector.broadcast(S, b);
        int k = 0;
        for (int end = S.loopBound(n); k < end; k += L) {
            FloatVector centred = FloatVector.fromArray(S, x, k).sub(m);
            FloatVector.fromArray(S, g, k).fma(av, centred.fma(bv, FloatVector.broadcast(S, s))).intoArray(g, k);
        }
        for (; k < n; k++) {
            g[k] = g[k] * a + (x[k] - m) * b + s;
        }
    }

    /**
     * dst[k] = sum over taps t of w[wFrom + t] * src[from[t] + k], for k < dst.length: a depthwise convolution of one
     * plane, each output vector accumulated over all taps in a register (one store per vector, where an axpy per
     * tap loads and stores the output for each). src must extend {@link #lanes()} floats past the last tap's window.
     */
    static void correlate(float[] src, int[] from, float[] w, int wFrom, float[] dst) {
        int taps = from.length;
        int k = 0;
        // four output vectors at a time: four independent fma chains instead of one waiting on each fma's latency
        for (; k + 4 * L <= dst.length; k += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                FloatVector wt = FloatVector.broadcast(S, w[wFrom + t]);
                int at = from[t] + k;
                a0 = FloatVector.fromArray(S, src, at).fma(wt, a0);
                a1 = FloatVector.fromArray(S, src, at + L).fma(wt, a1);
                a2 = FloatVector.fromArray(S, src, at + 2 * L).fma(wt, a2);
                a3 = FloatVector.fromArray(S, src, at + 3 * L).fma(wt, a3);
            }
            a0.intoArray(dst, k);
            a1.intoArray(dst, k + L);
            a2.intoArray(dst, k + 2 * L);
            a3.intoArray(dst, k + 3 * L);
        }
        for (; k < dst.length; k += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(S, src, from[t] + k).fma(FloatVector.broadcast(S, w[wFrom + t]), acc);
            }
            if (k + L <= dst.length) {
                acc.intoArray(dst, k);
            } else {
                float[] last = acc.toArray();
                System.arraycopy(last, 0, dst, k, dst.length - k);
            }
        }
    }

    /** The lane count of the vectors these loops use: the floats a lane sum takes per weight ({@link #flushLanes}). */
    static int lanes() {
        return L;
    }

    /**
     * Adds the dot product of a[0..n) and b[from..from+n) to the lane partial sums lanes[at..at+L), in two chains
     * (an fma waits on the one before); {@link #flushLanes} sums the lanes. No horizontal sum per call, which on
     * small maps cost more than the products.
     */
    static void dotIntoLanes(float[] a, float[] b, int from, int n, float[] lanes, int at) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int k = 0;
        for (int end = n - 2 * L; k <= end; k += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, k).fma(FloatVector.fromArray(S, b, from + k), acc0);
            acc1 = FloatVector.fromArray(S, a, k + L).fma(FloatVector.fromArray(S, b, from + k + L), acc1);
        }
        for (int end = S.loopBound(n); k < end; k += L) {
            acc0 = FloatVector.fromArray(S, a, k).fma(FloatVector.fromArray(S, b, from + k), acc0);
        }
        addInto(acc0.add(acc1), lanes, at);
        for (; k < n; k++) {
            lanes[at] += a[k] * b[from + k];
        }
    }

    /**
     * Mixes channels, as a 1x1 convolution does for one sample: y[o][p] = sum over c < in of
     * w[o * oStride + c * cStride] * x[c][p], for o < y.length and p < the rows' length, a multiple of the lane
     * count. Four outputs at a time stay in registers while the inputs stream past, so each input vector loaded
     * feeds four fmas (the axpy per weight of {@link FloatLoops} loads and stores the output for every one).
     */
    static void mixChannels(float[][] x, int in, float[] w, int oStride, int cStride, float[][] y) {
        int out = y.length;
        int length = y[0].length;
        for (int p = 0; p < length; p += L) {
            int o = 0;
            for (; o + 3 < out; o += 4) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S);
                FloatVector a3 = FloatVector.zero(S);
                int w0 = o * oStride;
                for (int c = 0; c < in; c++) {
                    FloatVector xv = FloatVector.fromArray(S, x[c], p);
                    int at = w0 + c * cStride;
                    a0 = xv.fma(FloatVector.broadcast(S, w[at]), a0);
                    a1 = xv.fma(FloatVector.broadcast(S, w[at + oStride]), a1);
                    a2 = xv.fma(FloatVector.broadcast(S, w[at + 2 * oStride]), a2);
                    a3 = xv.fma(FloatVector.broadcast(S, w[at + 3 * oStride]), a3);
                }
                a0.intoArray(y[o], p);
                a1.intoArray(y[o + 1], p);
                a2.intoArray(y[o + 2], p);
                a3.intoArray(y[o + 3], p);
            }
            for (; o < out; o++) {
                FloatVector a = FloatVector.zero(S);
                for (int c = 0; c < in; c++) {
                    a = FloatVector.fromArray(S, x[c], p).fma(FloatVector.broadcast(S, w[o * oStride + c * cStride]), a);
                }
                a.intoArray(y[o], p);
            }
        }
    }

    /**
     * Adds the dot product of g[o] and x[c] (rows of one sample, a multiple of the lane count long) to the lane
     * partial sums lanes[(o * in + c) * L ..] for every o < g.length and c < in: the weight gradient of a 1x1
     * convolution, summed over the lanes by {@link #flushLanes}. Two upstream rows by four input rows at a time,
     * eight partial sums in registers; no horizontal sum per sample, which on 8x8 maps cost more than the fmas.
     */
    static void channelDots(float[][] g, float[][] x, int in, float[] lanes) {
        int out = g.length;
        int length = g[0].length;
        int o = 0;
        for (; o + 1 < out; o += 2) {
            int c = 0;
            for (; c + 3 < in; c += 4) {
                FloatVector s00 = FloatVector.zero(S);
                FloatVector s01 = FloatVector.zero(S);
                FloatVector s02 = FloatVector.zero(S);
                FloatVector s03 = FloatVector.zero(S);
                FloatVector s10 = FloatVector.zero(S);
                FloatVector s11 = FloatVector.zero(S);
                FloatVector s12 = FloatVector.zero(S);
                FloatVector s13 = FloatVector.zero(S);
                for (int p = 0; p < length; p += L) {
                    FloatVector g0 = FloatVector.fromArray(S, g[o], p);
                    FloatVector g1 = FloatVector.fromArray(S, g[o + 1], p);
                    FloatVector x0 = FloatVector.fromArray(S, x[c], p);
                    FloatVector x1 = FloatVector.fromArray(S, x[c + 1], p);
                    FloatVector x2 = FloatVector.fromArray(S, x[c + 2], p);
                    FloatVector x3 = FloatVector.fromArray(S, x[c + 3], p);
                    s00 = g0.fma(x0, s00);
                    s01 = g0.fma(x1, s01);
                    s02 = g0.fma(x2, s02);
                    s03 = g0.fma(x3, s03);
                    s10 = g1.fma(x0, s10);
                    s11 = g1.fma(x1, s11);
                    s12 = g1.fma(x2, s12);
                    s13 = g1.fma(x3, s13);
                }
                int at = (o * in + c) * L;
                int next = at + in * L;
                addInto(s00, lanes, at);
                addInto(s01, lanes, at + L);
                addInto(s02, lanes, at + 2 * L);
                addInto(s03, lanes, at + 3 * L);
                addInto(s10, lanes, next);
                addInto(s11, lanes, next + L);
                addInto(s12, lanes, next + 2 * L);
                addInto(s13, lanes, next + 3 * L);
            }
            for (; c < in; c++) {
                addInto(dot(g[o], x[c], length), lanes, (o * in + c) * L);
                addInto(dot(g[o + 1], x[c], length), lanes, ((o + 1) * in + c) * L);
            }
        }
        for (; o < out; o++) {
            for (int c = 0; c < in; c++) {
                addInto(dot(g[o], x[c], length), lanes, (o * in + c) * L);
            }
        }
    }

    /**
     * sums[i] += the lanes of lanes[i * L ..] in order, then clears lanes. Four sums at a time: each is a chain of
     * dependent additions, and interleaving four keeps the adder busy without changing any sum's order.
     */
    static void flushLanes(float[] lanes, double[] sums) {
        int i = 0;
        for (; i + 4 <= sums.length; i += 4) {
            int a = i * L;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int lane = 0; lane < L; lane++) {
                s0 += lanes[a + lane];
                s1 += lanes[a + L + lane];
                s2 += lanes[a + 2 * L + lane];
                s3 += lanes[a + 3 * L + lane];
            }
            sums[i] += s0;
            sums[i + 1] += s1;
            sums[i + 2] += s2;
            sums[i + 3] += s3;
        }
        for (; i < sums.length; i++) {
            double s = 0;
            for (int lane = 0; lane < L; lane++) {
                s += lanes[i * L + lane];
            }
            sums[i] += s;
        }
        Arrays.fill(lanes, 0, sums.length * L, 0f);
    }

    /**
     * max[o] = the largest of src[t + o] over the offsets t in taps, in their order, starting from -Float.MAX_VALUE,
     * for o < max.length (a whole number of vectors): the window maxima of a max pooling at stride 1, the same values
     * as {@link StrideOneMaxPool}'s plain loops.
     */
    static void windowMax(float[] src, int[] taps, float[] max) {
        FloatVector lowest = FloatVector.broadcast(S, -Float.MAX_VALUE);
        for (int o = 0; o < max.length; o += L) {
            FloatVector m = lowest;
            for (int t : taps) {
                m = m.max(FloatVector.fromArray(S, src, t + o));
            }
            m.intoArray(max, o);
        }
    }

    /**
     * For one kernel tap of a max pooling at stride 1: each window o whose input src[tap + o] equals its maximum
     * max[o] moves what is left of pending[o] into grad[tap + o], for o < max.length (a whole number of vectors).
     * The arithmetic of {@link StrideOneMaxPool}'s plain loops, so the two give the same bits.
     */
    static void passToMaxima(float[] src, int tap, float[] max, float[] pending, float[] grad, float huge) {
        for (int o = 0; o < max.length; o += L) {
            FloatVector d = FloatVector.fromArray(S, src, tap + o).sub(FloatVector.fromArray(S, max, o));
            FloatVector isMax = d.mul(huge).mul(huge).max(-1f).add(1f);
            FloatVector left = FloatVector.fromArray(S, pending, o);
            FloatVector passed = isMax.mul(left);
            left.sub(passed).intoArray(pending, o);
            FloatVector.fromArray(S, grad, tap + o).add(passed).intoArray(grad, tap + o);
        }
    }

    private static void addInto(FloatVector v, float[] a, int at) {
        v.add(FloatVector.fromArray(S, a, at)).intoArray(a, at);
    }

    private static FloatVector dot(float[] a, float[] b, int length) {
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < length; p += L) {
            acc = FloatVector.fromArray(S, a, p).fma(FloatVector.fromArray(S, b, p), acc);
        }
        return acc;
    }

    private static double lanes(FloatVector acc) {
        // lane by lane rather than through toArray(), which allocated an array per row (a quarter of a training
        // step's garbage)
        double s = 0;
        for (int lane = 0; lane < L; lane++) {
            s += acc.lane(lane);
        }
        return s;
    }
}
