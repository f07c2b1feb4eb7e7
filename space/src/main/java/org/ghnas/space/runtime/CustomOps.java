package org.ghnas.space.runtime;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs libnd4j custom ops eagerly into outputs we allocate ourselves, so every result keeps the dtype of the inputs
 * and no shape inference round trip is paid per call.
 */
final class CustomOps {
    /** libnd4j's flag for NCHW activations in conv and pooling ops. */
    static final int NCHW = 0;
    /** libnd4j's conv weight format 0: [kH, kW, in, out] (depthwise: [kH, kW, C, multiplier]). */
    static final int HWIO = 0;
    /** libnd4j's conv weight format 1: [out, in, kH, kW], the PyTorch layout. */
    static final int OIHW = 1;

    private CustomOps() {}

    static void exec(String name, INDArray[] inputs, INDArray[] outputs, int[] iArgs, double... tArgs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b =
                DynamicCustomOp.builder(name).addInputs(inputs).addOutputs(outputs).addIntegerArguments(iArgs);
        if (tArgs.length > 0) {
            b.addFloatingPointArguments(toDoubles(tArgs));
        }
        Nd4j.exec(b.build());
    }

    /**
     * Runs an op on libnd4j's own implementation, bypassing its platform helper; measured on M2.1's onednn-avx2
     * build, the oneDNN pooling helpers are several times slower than the generic pooling loops.
     */
    static void execWithoutHelpers(String name, INDArray[] inputs, INDArray[] outputs, int[] iArgs) {
        long[] longs = new long[iArgs.length];
        for (int i = 0; i < iArgs.length; i++) {
            longs[i] = iArgs[i];
        }
        try (OpContext ctx = Nd4j.getExecutioner().buildContext()) {
            ctx.allowHelpers(false);
            ctx.setInputArrays(inputs);
            ctx.setOutputArrays(outputs);
            ctx.setIArguments(longs);
            Nd4j.exec(DynamicCustomOp.builder(name).build(), ctx);
        } catch (Exception e) {
            throw new IllegalStateException("closing the op context of " + name + " failed", e);
        }
    }

    private static Double[] toDoubles(double[] values) {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    /**
     * The array itself when it is laid out as a dense c-order block (reshaped outputs of other kernels are), else a
     * c-order copy, so that ops never see strided views.
     */
    static INDArray dense(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    static INDArray empty(DataType type, long... shape) {
        return Nd4j.createUninitialized(type, shape);
    }

    /**
     * An uninitialised array outside any workspace, for a kernel's large results: {@link RunnableNetwork} runs
     * kernels in a per-layer scratch workspace and would otherwise have to copy each activation out of it. Outside
     * a runnable network such arrays are freed by the garbage collector like any detached array. Inside a pass
     * they come from the thread's {@link BufferPool} when it has a free buffer of the size.
     */
    static INDArray result(DataType type, long... shape) {
        INDArray pooled = BufferPool.ofThisThread().take(type, shape);
        if (pooled != null) {
            return pooled;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(type, shape);
        }
    }

    static void requireRank(INDArray a, int rank, String name) {
        if (a.rank() != rank) {
            throw new IllegalArgumentException(
                    name + " must have rank " + rank + ", but had shape " + java.util.Arrays.toString(a.shape()) + ".");
        }
    }

    static void requireSameShape(INDArray a, long[] shape, String name) {
        if (!java.util.Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(name + " must have shape " + java.util.Arrays.toString(shape)
                    + ", but had " + java.util.Arrays.toString(a.shape()) + ".");
        }
    }
}
