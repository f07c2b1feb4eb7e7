package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float32 attention core with the Vector API, fused as flash attention is: for one head of one sample, a block
 * of queries (one per vector lane) goes from q.k through the softmax to the weighted sum of values while its scores
 * stay in L1, and the [N*heads, tokens, tokens] weights are never stored. The forward keeps each query's maximum
 * score and reciprocal sum of exps; the backward recomputes the weights from them, bit for bit the forward's.
 *
 * <p>Why queries in lanes: every per-query reduction (the softmax's maximum and sum, the weighted sums) becomes a
 * lane-wise operation across keys, with no horizontal reduction per query; only the key gradients need one, once per
 * key and head. With the GHN's target nets (121 tokens, dimHead 1..8) the batched-GEMM version spent most of its
 * time writing and reading the 30 MB weight arrays, and its softmax's exp cost about 1 ns per element against about
 * 0.3 ns for the Vector API's (Intel SVML). Loaded only when {@link VectorApi#available()}.
 *
 * <p>Why each stage is a small method over arrays: vectors only become registers where the JIT inlines every call
 * they pass through. In one large method C2 stopped inlining (NodeCountInliningCutoff) and left the score and exp
 * helpers as calls that took and returned boxed vectors, whose operations then ran the API's allocating Java
 * fallback: in one training benchmark 1.5 GB/s of garbage, three fifths of it here. The stages take arrays; only
 * {@link #exp} takes a vector, and only methods small enough to inline it call it.
 */
final class FusedAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FusedAttention() {}

    /** Returns the attention output and the cache of the backward pass; qkv is float32 [N, 3*heads*dimHead, H, W]. */
    static AttentionKernel.Fused forward(INDArray qkv, int heads) {
        long[] s = qkv.shape();
        Geometry g = new Geometry(s, heads);
        FloatBuffer in = HostFloats.read(qkv);
        INDArray output = CustomOps.result(DataType.FLOAT, s[0], s[1] / 3, s[2], s[3]);
        // small: in the caller's workspace, so that an inference pass drops them with its scratch memory and a
        // training pass copies them out when it holds the cache
        INDArray stats = CustomOps.empty(DataType.FLOAT, (long) g.blocks * 2 * g.tokens);
        FloatBuffer out = HostFloats.forWriting(output);
        FloatBuffer st = HostFloats.forWriting(stats);
        Head h = new Head(g);
        for (int b = 0; b < g.blocks; b++) {
            h.load(in, b);
            for (int i0 = 0; i0 < g.padded; i0 += L) {
                h.scores(i0);
                h.numerators(i0);
                h.weightedValues(i0);
            }
            for (int d = 0; d < g.dimHead; d++) {
                out.put(b * g.block + d * g.tokens, h.out[d], 0, g.tokens);
            }
            st.put(b * 2 * g.tokens, h.max, 0, g.tokens);
            st.put((b * 2 + 1) * g.tokens, h.inv, 0, g.tokens);
        }
        HostFloats.written(output);
        HostFloats.written(stats);
        return new AttentionKernel.Fused(qkv, stats, heads, output);
    }

    /** Returns d qkv [N, 3*inner, H, W] for the forward's cache and the upstream gradient [N, inner, H, W]. */
    static INDArray backward(AttentionKernel.Fused c, INDArray dy) {
        long[] s = c.qkv().shape();
        Geometry g = new Geometry(s, c.heads());
        FloatBuffer in = HostFloats.read(c.qkv());
        FloatBuffer st = HostFloats.read(c.rowStats());
        FloatBuffer gy = HostFloats.read(dy);
        INDArray dqkv = CustomOps.empty(DataType.FLOAT, s);
        FloatBuffer out = HostFloats.forWriting(dqkv);
        Head h = new Head(g);
        int t = g.tokens;
        float[][] dOut = new float[g.dimHead][g.padded];
        float[][] dQ = new float[g.dimHead][g.padded];
        // per key and lane (query) partial sums of the key and value gradients, summed over lanes (and cleared) by
        // VectorLoops.flushLanes once per head
        float[][] dK = new float[g.dimHead][t * L];
        float[][] dV = new float[g.dimHead][t * L];
        float[] weights = new float[t * L];
        double[] keySums = new double[t];
        float[] dk = new float[t];
        for (int b = 0; b < g.blocks; b++) {
            h.load(in, b);
            st.get(b * 2 * t, h.max, 0, t);
            st.get((b * 2 + 1) * t, h.inv, 0, t);
            for (int d = 0; d < g.dimHead; d++) {
                gy.get(b * g.block + d * t, dOut[d], 0, t);
            }
            for (int i0 = 0; i0 < g.padded; i0 += L) {
                h.scores(i0);
                h.weights(i0, weights);
                h.valueGradients(i0, dOut, weights, dV);
                h.scoreGradients(weights);
                h.queryKeyGradients(i0, dQ, dK);
            }
            // d qkv viewed as [N, 3, heads, dimHead, tokens]
            for (int d = 0; d < g.dimHead; d++) {
                int row = g.offset(b, 0) + d * t;
                out.put(row, dQ[d], 0, t);
                out.put(row + g.heads * g.block, sumLanes(dK[d], keySums, dk), 0, t);
                out.put(row + 2 * g.heads * g.block, sumLanes(dV[d], keySums, dk), 0, t);
            }
        }
        HostFloats.written(dqkv);
        return dqkv;
    }

    /** Returns into, into[j] = the sum of the lanes of partial[j * L ..]; clears partial. sums is scratch. */
    private static float[] sumLanes(float[] partial, double[] sums, float[] into) {
        Arrays.fill(sums, 0.0);
        VectorLoops.flushLanes(partial, sums);
        for (int j = 0; j < into.length; j++) {
            into[j] = (float) sums[j];
        }
        return into;
    }

    /**
     * exp(x) for x <= 0 in float32 to about 1 ulp, as Cephes' expf computes it: x = n ln 2 + r with |r| <= ln 2 / 2,
     * exp(r) by a minimax polynomial, 2^n from the exponent bits; below -87 it returns exp(-87) (about 1.6e-38)
     * rather than 0, which no softmax sum notices.
     *
     * <p>Why not the Vector API's own EXP: the JIT computes it with Intel SVML and the interpreter with Math.exp,
     * which differ in the last bit, and so do the two versions of a horizontal sum (reduceLanes): results would
     * depend on how far the JIT had got, and a resumed training run would not repeat the uninterrupted one. The
     * operations here (add, multiply, fma, conversions) are exact IEEE operations in both, so every result is the same
     * bit for bit however the code runs.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(MIN_ARGUMENT);
        // round(x / ln 2) by the 1.5 * 2^23 trick: adding it leaves n in the low mantissa bits of t
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(MINUS_LN2_HI, xc);
        r = n.fma(MINUS_LN2_LO, r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, P2);
        p = p.fma(r, P3);
        p = p.fma(r, P4);
        p = p.fma(r, P5);
        p = p.fma(r.mul(r), r.add(ONE));
        // 2^n: n + 127 in the exponent field (a float-to-int conversion would be, but is not, a JIT intrinsic here)
        IntVector bits = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    private static final FloatVector MIN_ARGUMENT = FloatVector.broadcast(S, -87f);
    private static final FloatVector LOG2E = FloatVector.broadcast(S, 1.44269504f);
    private static final FloatVector ROUNDER = FloatVector.broadcast(S, 12582912f);
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(12582912f);
    private static final FloatVector MINUS_LN2_HI = FloatVector.broadcast(S, -0.693359375f);
    private static final FloatVector MINUS_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector P0 = FloatVector.broadcast(S, 1.9875691500e-4f);
    private static final FloatVector P1 = FloatVector.broadcast(S, 1.3981999507e-3f);
    private static final FloatVector P2 = FloatVector.broadcast(S, 8.3334519073e-3f);
    private static final FloatVector P3 = FloatVector.broadcast(S, 4.1665795894e-2f);
    private static final FloatVector P4 = FloatVector.broadcast(S, 1.6666665459e-1f);
    private static final FloatVector P5 = FloatVector.broadcast(S, 5.0000001201e-1f);

    private static final class Geometry {
        final int heads;
        final int dimHead;
        final int tokens;
        final int padded;
        final int block;
        final int blocks;
        final float scale;

        Geometry(long[] qkvShape, int heads) {
            this.heads = heads;
            this.dimHead = (int) (qkvShape[1] / 3 / heads);
            this.tokens = (int) (qkvShape[2] * qkvShape[3]);
            // queries in whole vectors; the padding's queries are zero and their results are not written
            this.padded = (tokens + L - 1) / L * L;
            this.block = dimHead * tokens;
            this.blocks = (int) qkvShape[0] * heads;
            this.scale = (float) (1.0 / Math.sqrt(dimHead));
        }

        /** Offset of block b's part (0 = q, 1 = k, 2 = v) in qkv viewed as [N, 3, heads, dimHead, tokens]. */
        int offset(int b, int part) {
            int n = b / heads;
            int head = b % heads;
            return ((n * 3 + part) * heads + head) * block;
        }
    }

    /**
     * One head of one sample: its scaled queries, keys and values ([dimHead][padded], zero beyond the tokens), the
     * scores of one block of queries ([key][lane]), and per query the maximum score, reciprocal sum and output.
     */
    private static final class Head {
        final Geometry g;
        final float[][] q;
        final float[][] k;
        final float[][] v;
        final float[][] out;
        final float[] sc;
        final float[] max;
        final float[] inv;

        Head(Geometry g) {
            this.g = g;
            this.q = new float[g.dimHead][g.padded];
            this.k = new float[g.dimHead][g.padded];
            this.v = new float[g.dimHead][g.padded];
            this.out = new float[g.dimHead][g.padded];
            this.sc = new float[g.tokens * L];
            this.max = new float[g.padded];
            this.inv = new float[g.padded];
        }

        void load(FloatBuffer qkv, int b) {
            for (int d = 0; d < g.dimHead; d++) {
                qkv.get(g.offset(b, 0) + d * g.tokens, q[d], 0, g.tokens);
                qkv.get(g.offset(b, 1) + d * g.tokens, k[d], 0, g.tokens);
                qkv.get(g.offset(b, 2) + d * g.tokens, v[d], 0, g.tokens);
                for (int j = 0; j < g.tokens; j++) {
                    q[d][j] *= g.scale;
                }
            }
        }

        /** sc[j][lane] = the score of query i0 + lane for key j. */
        void scores(int i0) {
            int t = g.tokens;
            FloatVector q0 = FloatVector.fromArray(S, q[0], i0);
            float[] k0 = k[0];
            for (int j = 0; j < t; j++) {
                q0.mul(k0[j]).intoArray(sc, j * L);
            }
            for (int d = 1; d < g.dimHead; d++) {
                FloatVector qd = FloatVector.fromArray(S, q[d], i0);
                float[] kd = k[d];
                for (int j = 0; j < t; j++) {
                    qd.fma(FloatVector.broadcast(S, kd[j]), FloatVector.fromArray(S, sc, j * L)).intoArray(sc, j * L);
                }
            }
        }

        /**
         * Turns the scores of queries i0.. into the softmax's numerators exp(score - max) and keeps each query's
         * maximum score and reciprocal sum of numerators.
         */
        void numerators(int i0) {
            FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < g.tokens; j++) {
                max = max.max(FloatVector.fromArray(S, sc, j * L));
            }
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < g.tokens; j++) {
                FloatVector e = exp(FloatVector.fromArray(S, sc, j * L).sub(max));
                e.intoArray(sc, j * L);
                sum = sum.add(e);
            }
            max.intoArray(this.max, i0);
            FloatVector.broadcast(S, 1f).div(sum).intoArray(inv, i0);
        }

        /** out[d][i0 + lane] = the attention output of query i0 + lane: its weights times the values. */
        void weightedValues(int i0) {
            FloatVector inverse = FloatVector.fromArray(S, inv, i0);
            for (int d = 0; d < g.dimHead; d++) {
                float[] vd = v[d];
                FloatVector acc = FloatVector.zero(S);
                for (int j = 0; j < g.tokens; j++) {
                    acc = FloatVector.fromArray(S, sc, j * L).fma(FloatVector.broadcast(S, vd[j]), acc);
                }
                acc.mul(inverse).intoArray(out[d], i0);
            }
        }

        /**
         * weights[j][lane] = the forward's attention weight of query i0 + lane on key j, from its stored maximum and
         * reciprocal sum (padded queries have both 0, so weight 0).
         */
        void weights(int i0, float[] weights) {
            FloatVector m = FloatVector.fromArray(S, max, i0);
            FloatVector inverse = FloatVector.fromArray(S, inv, i0);
            for (int j = 0; j < g.tokens; j++) {
                exp(FloatVector.fromArray(S, sc, j * L).sub(m)).mul(inverse).intoArray(weights, j * L);
            }
        }

        /** sc becomes dA[j] = sum_d dOut[d][i] v[d][j]; dV[d][j] += a_j dOut[d][i] (lanes: queries i0 + lane). */
        void valueGradients(int i0, float[][] dOut, float[] weights, float[][] dV) {
            Arrays.fill(sc, 0f);
            for (int d = 0; d < g.dimHead; d++) {
                FloatVector o = FloatVector.fromArray(S, dOut[d], i0);
                float[] vd = v[d];
                float[] dvd = dV[d];
                for (int j = 0; j < g.tokens; j++) {
                    FloatVector a = FloatVector.fromArray(S, weights, j * L);
                    o.fma(FloatVector.broadcast(S, vd[j]), FloatVector.fromArray(S, sc, j * L)).intoArray(sc, j * L);
                    a.fma(o, FloatVector.fromArray(S, dvd, j * L)).intoArray(dvd, j * L);
                }
            }
        }

        /** dA in sc becomes the score gradient a * (dA - a.dA), the softmax's backward. */
        void scoreGradients(float[] weights) {
            FloatVector rowDot = FloatVector.zero(S);
            for (int j = 0; j < g.tokens; j++) {
                rowDot = FloatVector.fromArray(S, weights, j * L).fma(FloatVector.fromArray(S, sc, j * L), rowDot);
            }
            for (int j = 0; j < g.tokens; j++) {
                FloatVector.fromArray(S, sc, j * L).sub(rowDot).mul(FloatVector.fromArray(S, weights, j * L))
                        .intoArray(sc, j * L);
            }
        }

        /** From the score gradients in sc: dQ[d][i0..] (times the scale) and dK[d][j] partial sums per lane. */
        void queryKeyGradients(int i0, float[][] dQ, float[][] dK) {
            FloatVector scale = FloatVector.broadcast(S, g.scale);
            for (int d = 0; d < g.dimHead; d++) {
                FloatVector qd = FloatVector.fromArray(S, q[d], i0);
                float[] kd = k[d];
                float[] dkd = dK[d];
                FloatVector acc = FloatVector.zero(S);
                for (int j = 0; j < g.tokens; j++) {
                    FloatVector ds = FloatVector.fromArray(S, sc, j * L);
                    acc = ds.fma(FloatVector.broadcast(S, kd[j]), acc);
                    ds.fma(qd, FloatVector.fromArray(S, dkd, j * L)).intoArray(dkd, j * L);
                }
                acc.mul(scale).intoArray(dQ[d], i0);
            }
        }
    }
}
