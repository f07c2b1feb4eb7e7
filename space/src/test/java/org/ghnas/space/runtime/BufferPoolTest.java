package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BufferPoolTest {

    @Test
    void givenFreedBuffer_whenSameSizeRequested_thenReusedUnderTheNewShape() {
        BufferPool pool = BufferPool.ofThisThread();
        pool.endPass();
        pool.endPass(); // nothing pooled from earlier tests on this thread
        DataBuffer b = Nd4j.createUninitializedDetached(DataType.FLOAT, 2, 6).data();
        pool.give(b);

        INDArray a = pool.take(DataType.FLOAT, new long[] {3, 4});

        assertThat(a.data()).isSameAs(b);
        assertThat(a.shape()).containsExactly(3, 4);
        assertThat(pool.take(DataType.FLOAT, new long[] {3, 4})).isNull();
        assertThat(pool.take(DataType.DOUBLE, new long[] {12})).isNull();
    }

    @Test
    void givenBufferUnusedThroughAWholePass_whenPassEnds_thenFreed() {
        BufferPool pool = BufferPool.ofThisThread();
        pool.endPass();
        pool.endPass();
        DataBuffer b = Nd4j.createUninitializedDetached(DataType.FLOAT, 5).data();
        pool.give(b);

        pool.endPass(); // given back during this pass: kept for the next one
        assertThat(b.wasClosed()).isFalse();
        assertThat(pool.pooledBytes()).isEqualTo(20);
        pool.endPass(); // nobody took it during a whole pass
        assertThat(b.wasClosed()).isTrue();
        assertThat(pool.pooledBytes()).isZero();
    }
}
