package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PassMemoryTest {

    @Test
    void givenArrayHeldTwiceThroughAView_whenReleasedTwice_thenFreedOnlyAtTheLastRelease() {
        PassMemory mem = new PassMemory();
        INDArray a = mem.hold(Nd4j.ones(DataType.FLOAT, 2, 3));
        INDArray view = mem.hold(a.reshape(6));

        assertThat(mem.exclusive(a)).isFalse();
        mem.release(view);
        assertThat(a.data().wasClosed()).isFalse();
        assertThat(mem.exclusive(a)).isTrue();
        assertThat(mem.heldBytes()).isEqualTo(6 * 4);
        mem.release(a);
        assertThat(a.data().wasClosed()).isTrue();
        assertThat(mem.heldBytes()).isZero();
    }

    @Test
    void givenForeignArray_whenHeldAndReleased_thenNeverFreed() {
        INDArray images = Nd4j.ones(DataType.FLOAT, 2, 3);
        PassMemory mem = new PassMemory();
        mem.foreign(images);

        mem.release(mem.hold(images));
        mem.releaseAll();

        assertThat(images.data().wasClosed()).isFalse();
        assertThat(images.sumNumber().doubleValue()).isEqualTo(6.0);
    }

    @Test
    void givenScratchArray_whenHeld_thenDetachedCopySurvivesTheScratch() {
        PassMemory mem = new PassMemory();
        INDArray held;
        try (MemoryWorkspace ignored = mem.scratch()) {
            INDArray temp = Nd4j.ones(DataType.FLOAT, 4).muli(2);
            assertThat(temp.isAttached()).isTrue();
            held = mem.hold(temp);
        }
        try (MemoryWorkspace ignored = mem.scratch()) {
            Nd4j.zeros(DataType.FLOAT, 4); // reuses the scratch block
        }

        assertThat(held.isAttached()).isFalse();
        assertThat(held.toDoubleVector()).containsExactly(2, 2, 2, 2);
        mem.releaseAll();
        assertThat(held.data().wasClosed()).isTrue();
    }

    @Test
    void givenCallerWorkspace_whenResultCopied_thenLivesInTheCallersWorkspace() {
        double[] sum = new double[1];
        Workspaces.scoped("pass-memory-test", () -> {
            PassMemory mem = new PassMemory();
            INDArray result;
            try (MemoryWorkspace ignored = mem.scratch()) {
                result = mem.resultOf(Nd4j.ones(DataType.FLOAT, 3));
            }
            assertThat(result.isAttached()).isTrue();
            assertThat(result.data().getParentWorkspace().getId()).isEqualTo("pass-memory-test");
            sum[0] = result.sumNumber().doubleValue();
        });
        assertThat(sum[0]).isEqualTo(3.0);
    }
}
