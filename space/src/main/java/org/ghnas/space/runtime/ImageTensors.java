package org.ghnas.space.runtime;

import org.ghnas.space.data.ImageBatch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Turns image batches into ND4J tensors. */
public final class ImageTensors {

    private ImageTensors() {
    }

    /** {@code [N, C, H, W]} float32. */
    public static INDArray of(ImageBatch batch) {
        return Nd4j.create(batch.pixels(), new long[] {batch.size(), batch.channels(), batch.height(), batch.width()}, 'c');
    }

    /** {@code [N, C, H, W]} in the given type. */
    public static INDArray of(ImageBatch batch, DataType dtype) {
        INDArray x = of(batch);
        return dtype == DataType.FLOAT ? x : x.castTo(dtype);
    }
}
