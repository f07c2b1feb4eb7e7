package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The attention core's backward pass on float32, one query row of one head at a time: the row of attention weights
 * is read once and every other operand of the row (a head's queries, keys, values and their gradients, [dimHead,
 * tokens] each) stays in the L1 cache. The batched-GEMM composition it replaces made ten passes over the
 * [N*heads, tokens, tokens] arrays per call; with the GHN's target nets (121 tokens, dimHead 1..4) those passes
 * were most of the attention's cost, and attention the largest op of a training step (see KernelBenchmark).
 * Its inner loops are those of {@link FloatLoops}.
 */
final class AttentionBackward {
    private AttentionBackward() {}

    /** Returns d qkv [N, 3*inner, H, W] for the float32 cache and upstream gradient [N, inner, H, W]. */
    static INDArray of(AttentionKernel.Batched c, INDArray dy) {
        int batch = (int) c.v().size(0);
        int dimHead = (int) c.v().size(1);
        int tokens = (int) c.v().size(2);
        int heads = c.heads();
        int block = dimHead * tokens;
        float scale = (float) c.scale();
        FloatBuffer qb = HostFloats.read(c.scaledQ());
        FloatBuffer kb = HostFloats.read(c.k());
        FloatBuffer vb = HostFloats.read(c.v());
        FloatBuffer ab = HostFloats.read(c.attention());
        FloatBuffer gb = HostFloats.read(dy);
        long[] s = c.qkvShape();
        INDArray dqkv = CustomOps.empty(DataType.FLOAT, s);
        FloatBuffer out = HostFloats.forWriting(dqkv);
        // Rows padded with zeros to a multiple of 32 floats: the JIT's vector loops step 32 at a time and leave
        // the rest to a scalar tail (25 of the 121 tokens of a 11x11 map); zero weights keep the padding inert.
        int padded = (tokens + 31) & ~31;
        float[][] q = new float[dimHead][padded];
        float[][] k = new float[dimHead][padded];
        float[][] v = new float[dimHead][padded];
        float[][] dOut = new float[dimHead][padded];
        float[][] dQ = new float[dimHead][padded];
        float[][] dK = new float[dimHead][padded];
        float[][] dV = new float[dimHead][padded];
        float[] weights = new float[tokens * tokens];
        float[] a = new float[padded];
        float[] g = new float[padded];
        for (int b = 0; b < batch; b++) {
            // dy [N, inner, H, W] is [N*heads, dimHead, tokens] in c order, like q, k and v.
            int at = b * block;
            for (int d = 0; d < dimHead; d++) {
                qb.get(at + d * tokens, q[d], 0, tokens);
                kb.get(at + d * tokens, k[d], 0, tokens);
                vb.get(at + d * tokens, v[d], 0, tokens);
                gb.get(at + d * tokens, dOut[d], 0, tokens);
                Arrays.fill(dK[d], 0f);
                Arrays.fill(dV[d], 0f);
            }
            ab.get(b * tokens * tokens, weights);
            for (int i = 0; i < tokens; i++) {
                System.arraycopy(weights, i * tokens, a, 0, tokens);
                Arrays.fill(g, 0f);
                for (int d = 0; d < dimHead; d++) {
                    float o = dOut[d][i];
                    FloatLoops.axpy(o, v[d], g);
                    FloatLoops.axpy(o, a, dV[d]);
                }
                float rowDot = FloatLoops.dot(a, g);
                for (int j = 0; j < padded; j++) {
                    g[j] = a[j] * (g[j] - rowDot);
                }
                for (int d = 0; d < dimHead; d++) {
                    dQ[d][i] = scale * FloatLoops.dot(g, k[d]);
                    FloatLoops.axpy(q[d][i], g, dK[d]);
                }
            }
            // d qkv viewed as [N, 3, heads, dimHead, tokens]
            int n = b / heads;
            int head = b % heads;
            for (int d = 0; d < dimHead; d++) {
                int row = ((n * 3) * heads + head) * block + d * tokens;
                out.put(row, dQ[d], 0, tokens);
                out.put(row + heads * block, dK[d], 0, tokens);
                out.put(row + 2 * heads * block, dV[d], 0, tokens);
            }
        }
        HostFloats.written(dqkv);
        return dqkv;
    }
}
