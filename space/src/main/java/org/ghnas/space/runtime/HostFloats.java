package org.ghnas.space.runtime;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host access to the float32 elements of arrays, for the kernels written as plain loops ({@link FusedBatchNorm},
 * {@link DepthwiseConv}, {@link AttentionBackward}). On the CPU backend the location calls are no-ops; on a GPU
 * backend they copy a device-side array to the host before it is read and mark a written one as newer on the host.
 */
final class HostFloats {
    private HostFloats() {}

    /** Whether the array is a dense row-major block that starts its buffer, so that element i is buffer entry i. */
    static boolean isPlain(INDArray a) {
        if (a.offset() != 0 || a.data().length() != a.length()) {
            return false;
        }
        // Strides of unit dimensions do not matter; Shape.hasDefaultStridesForShape rejected a result of shape
        // [2, 3, 1, 1] with strides [3, 1, 1, 1].
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /** The elements in row-major order: the array's own buffer when it is plain, else a plain copy's. */
    static FloatBuffer read(INDArray a) {
        INDArray plain = isPlain(a) ? a : a.dup('c');
        Nd4j.getAffinityManager().ensureLocation(plain, AffinityManager.Location.HOST);
        return plain.data().asNioFloat();
    }

    /** The buffer of a plain array the caller allocated and is about to overwrite; call {@link #written} after. */
    static FloatBuffer forWriting(INDArray a) {
        if (!isPlain(a)) {
            throw new IllegalArgumentException("Expected a dense row-major array that starts its buffer, got "
                    + a.shapeInfoToString().replace('\n', ' '));
        }
        return a.data().asNioFloat();
    }

    static void written(INDArray a) {
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
    }
}
