package org.ghnas.space.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class WorkspacesTest {

    @Test
    void givenScopedResult_whenDetached_thenOutlivesTheScope() {
        float sum = Workspaces.scoped("workspaces-test", () -> Nd4j.ones(DataType.FLOAT, 4).sumNumber().floatValue());

        assertThat(sum).isEqualTo(4f);
    }

    @Test
    void givenWorkspaceAndPooledBuffers_whenReleased_thenBothAreFreed() {
        Workspaces.scoped("workspaces-test", () -> {
            Nd4j.ones(DataType.FLOAT, 1000);
        });
        DataBuffer b = Nd4j.createUninitializedDetached(DataType.FLOAT, 7).data();
        BufferPool.ofThisThread().give(b);
        assertThat(Nd4j.getWorkspaceManager().checkIfWorkspaceExists("workspaces-test")).isTrue();

        Workspaces.release();

        assertThat(Nd4j.getWorkspaceManager().checkIfWorkspaceExists("workspaces-test")).isFalse();
        assertThat(b.wasClosed()).isTrue();
        assertThat(BufferPool.ofThisThread().pooledBytes()).isZero();
    }

    @Test
    void givenOpenWorkspace_whenReleased_thenRefused() {
        assertThatThrownBy(() -> Workspaces.scoped("workspaces-test", Workspaces::release))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("workspaces-test");
    }
}
