package org.ghnas.space.runtime;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The multi-head self-attention core of the reference Transformer op (facts 1.1, msa): the H*W positions of a map
 * are the tokens, and each head attends with softmax(q.k / sqrt(dimHead)) over all of them. Float32 runs fused,
 * a block of queries at a time, with the Vector API ({@link FusedAttention}) where the JVM has it; otherwise, and
 * for float64, as batched GEMMs over N*heads matrices of [dimHead, tokens], so q, k and v are read in the NCHW
 * layout without transposes.
 */
final class AttentionKernel {
    /** What the backward pass needs, and the output [N, inner, H, W]. */
    sealed interface Cache permits Batched, Fused {
        INDArray output();

        /** The arrays the cache holds, for the pass that keeps them until the backward. */
        INDArray[] arrays();

        /** This cache with each array replaced by {@code keep.apply(array)}. */
        Cache with(UnaryOperator<INDArray> keep);
    }

    /**
     * The batched version's cache: scaled queries, keys and values as [N*heads, dimHead, tokens], the attention
     * weights [N*heads, tokens(query), tokens(key)] and the geometry.
     */
    record Batched(INDArray scaledQ, INDArray k, INDArray v, INDArray attention, double scale, long[] qkvShape,
            int heads, INDArray output) implements Cache {
        @Override
        public INDArray[] arrays() {
            return new INDArray[] {scaledQ, k, v, attention};
        }

        @Override
        public Batched with(UnaryOperator<INDArray> keep) {
            return new Batched(keep.apply(scaledQ), keep.apply(k), keep.apply(v), keep.apply(attention), scale,
                    qkvShape, heads, output);
        }
    }

    /** The fused version's cache: the input and each query row's maximum score and reciprocal sum of exps. */
    record Fused(INDArray qkv, INDArray rowStats, int heads, INDArray output) implements Cache {
        @Override
        public INDArray[] arrays() {
            return new INDArray[] {qkv, rowStats};
        }

        @Override
        public Fused with(UnaryOperator<INDArray> keep) {
            return new Fused(keep.apply(qkv), keep.apply(rowStats), heads, output);
        }
    }

    private AttentionKernel() {}

    static Cache forward(INDArray qkv, int heads) {
        return forward(qkv, heads, VectorApi.available());
    }

    /** As {@link #forward(INDArray, int)}, fused only where asked (and float32): tests run both versions. */
    static Cache forward(INDArray qkv, int heads, boolean fused) {
        CustomOps.requireRank(qkv, 4, "qkv");
        if (heads < 1 || qkv.size(1) % (3L * heads) != 0) {
            throw new IllegalArgumentException("qkv channels must be a multiple of 3 * heads = " + 3L * heads
                    + ", but were " + qkv.size(1) + " (heads " + heads + ").");
        }
        if (fused && qkv.dataType() == DataType.FLOAT) {
            return FusedAttention.forward(qkv, heads);
        }
        long n = qkv.size(0);
        long inner = qkv.size(1) / 3;
        long dimHead = inner / heads;
        long tokens = qkv.size(2) * qkv.size(3);
        double scale = 1.0 / Math.sqrt(dimHead);
        INDArray parts = CustomOps.dense(qkv).reshape(n, 3, heads * dimHead * tokens);
        INDArray q = part(parts, 0, n * heads, dimHead, tokens).muli(scale);
        INDArray k = part(parts, 1, n * heads, dimHead, tokens);
        INDArray v = part(parts, 2, n * heads, dimHead, tokens);
        // in the caller's scratch workspace: a pass that keeps the weights for backward copies them out, one that
        // does not (inference) reuses the memory for the next layer
        INDArray attention = Nd4j.matmul(q, k, true, false, false);
        CustomOps.exec("softmax", new INDArray[] {attention}, new INDArray[] {attention}, new int[] {2});
        INDArray out = Nd4j.matmul(v, attention, false, true, false);
        INDArray output = out.reshape(n, inner, qkv.size(2), qkv.size(3));
        return new Batched(q, k, v, attention, scale, qkv.shape(), heads, output);
    }

    /** Returns d qkv [N, 3*inner, H, W]. Overwrites a batched cache's attention weights: one backward per forward. */
    static INDArray backward(Cache cache, INDArray dy) {
        CustomOps.requireSameShape(dy, cache.output().shape(), "dy");
        if (cache instanceof Fused f) {
            return FusedAttention.backward(f, dy.castTo(DataType.FLOAT));
        }
        Batched c = (Batched) cache;
        if (c.v().dataType() == DataType.FLOAT && dy.dataType() == DataType.FLOAT) {
            return AttentionBackward.of(c, dy);
        }
        long batch = c.v().size(0);
        long dimHead = c.v().size(1);
        long tokens = c.v().size(2);
        INDArray dOut = CustomOps.dense(dy).reshape(batch, dimHead, tokens);
        INDArray dV = Nd4j.matmul(dOut, c.attention(), false, false, false);
        // d scores = A * (dA - rowsum(dA * A)), computed in place: the attention weights are not needed after this
        INDArray dScores = Nd4j.matmul(dOut, c.v(), CustomOps.empty(dy.dataType(), batch, tokens, tokens), true, false,
                false);
        dScores.muli(c.attention());
        INDArray rowSum = dScores.sum(true, 2);
        dScores.subi(c.attention().muli(rowSum));
        INDArray dQ = Nd4j.matmul(c.k(), dScores, false, true, false).muli(c.scale());
        INDArray dK = Nd4j.matmul(c.scaledQ(), dScores, false, false, false);
        long[] s = c.qkvShape();
        INDArray dqkv = CustomOps.empty(dy.dataType(), s);
        INDArray parts = dqkv.reshape(s[0], 3, s[1] / 3 * tokens);
        INDArray[] grads = {dQ, dK, dV};
        for (int i = 0; i < 3; i++) {
            parts.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all())
                    .assign(grads[i].reshape(s[0], s[1] / 3 * tokens));
        }
        return dqkv;
    }

    /** Channel block i of qkv as a dense [N*heads, dimHead, tokens] copy. */
    private static INDArray part(INDArray parts, int i, long batch, long dimHead, long tokens) {
        return parts.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all())
                .dup('c')
                .reshape(batch, dimHead, tokens);
    }
}
