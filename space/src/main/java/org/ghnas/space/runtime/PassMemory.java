package org.ghnas.space.runtime;

import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native memory of one pass through a {@link RunnableNetwork}: what lives only while one layer runs, what lives
 * until the reverse pass no longer needs it, and what is handed back to the caller.
 *
 * <p>Why: inside the caller's step workspace every array of a step stays allocated until the step ends, so the
 * workspace grows to the sum of all activations, caches and gradients of the step (ResNet-50 at batch 32 on 32x32
 * inputs: a 5 GB block). A pass therefore keeps three tiers:
 * <ul>
 *   <li>scratch: temporaries of one layer's kernels, in a per-thread workspace that is reset after each layer;</li>
 *   <li>held: activations, kernel caches and upstream gradients, in arrays outside any workspace whose buffers are
 *       reference-counted here and closed (freed at once) when the last holder releases them;</li>
 *   <li>results: logits, parameter gradients and BatchNorm statistics, copied into the workspace that was current
 *       when the pass started (or left detached when there was none), so they live as long as the caller expects.</li>
 * </ul>
 * Arrays this class did not create (input images, parameters, the caller's output gradient, arrays in the caller's
 * workspace) are foreign: never counted, never closed.
 *
 * @implNote Not thread-safe; one instance per pass, used on the thread that runs the pass.
 */
final class PassMemory {

    /** Per-layer temporaries; a cycle is one layer, so the block settles at the largest layer's temporaries. */
    private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.1)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .cyclesBeforeInitialization(50)
            .policyLearning(LearningPolicy.OVER_TIME)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .build();
    private static final String SCRATCH_ID = "runnable-network-scratch";

    private final MemoryWorkspace caller;
    private final BufferPool pool;
    private final Map<DataBuffer, int[]> counts = new IdentityHashMap<>();
    private final Map<DataBuffer, Boolean> foreign = new IdentityHashMap<>();
    private MemoryWorkspace scratch;

    /** Takes the current workspace (possibly none) as the home of the pass's results. */
    PassMemory() {
        this(null);
    }

    /** As {@link #PassMemory()}, giving freed buffers to {@code pool} (may be null) instead of closing them. */
    PassMemory(BufferPool pool) {
        this.caller = Nd4j.getMemoryManager().getCurrentWorkspace();
        this.pool = pool;
    }

    /** Marks arrays the pass reads but does not own. */
    void foreign(INDArray a) {
        if (a != null) {
            foreign.put(root(a), Boolean.TRUE);
        }
    }

    /** Opens the scratch workspace for one layer; close it before the next layer starts. */
    MemoryWorkspace scratch() {
        MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, SCRATCH_ID);
        scratch = ws;
        return ws;
    }

    /** Makes allocations land outside any workspace until the returned scope closes. */
    static MemoryWorkspace detached() {
        return Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    }

    /**
     * Takes one reference to {@code a} and returns the array to keep: {@code a} itself, or a detached copy when
     * {@code a} lives in the scratch workspace. Foreign arrays come back unchanged and uncounted.
     */
    INDArray hold(INDArray a) {
        if (a == null) {
            return null;
        }
        DataBuffer root = root(a);
        if (a.isAttached()) {
            if (scratch == null || root.getParentWorkspace() != scratch) {
                return a; // the caller's workspace: lives as long as the caller's scope
            }
            INDArray copy = CustomOps.result(a.dataType(), a.shape()).assign(a);
            counts.put(root(copy), new int[] {1});
            return copy;
        }
        if (foreign.containsKey(root)) {
            return a;
        }
        counts.computeIfAbsent(root, k -> new int[1])[0]++;
        return a;
    }

    /** Drops one reference taken by {@link #hold}; the buffer is freed when none is left. */
    void release(INDArray a) {
        if (a == null || a.isAttached()) {
            return;
        }
        DataBuffer root = root(a);
        int[] c = counts.get(root);
        if (c != null && --c[0] == 0) {
            counts.remove(root);
            free(root);
        }
    }

    /** Whether {@code a} is held exactly once here, so that it may be updated in place. */
    boolean exclusive(INDArray a) {
        if (a == null || a.isAttached()) {
            return false;
        }
        int[] c = counts.get(root(a));
        return c != null && c[0] == 1;
    }

    /** A copy of {@code a} in the caller's workspace (detached when the caller had none). */
    INDArray toCaller(INDArray a) {
        if (caller == null) {
            try (MemoryWorkspace ignored = detached()) {
                return a.dup('c');
            }
        }
        try (MemoryWorkspace ignored = caller.notifyScopeBorrowed()) {
            return a.dup('c');
        }
    }

    /**
     * Moves a kernel's result into the caller's scope (one copy, none when it is there already) and frees the
     * kernel's array when it was a fresh detached one.
     */
    INDArray resultOf(INDArray a) {
        if (a.isAttached()) {
            return scratch != null && root(a).getParentWorkspace() == scratch ? toCaller(a) : a;
        }
        INDArray out = toCaller(a);
        release(hold(a));
        return out;
    }

    /** Frees everything still held. */
    void releaseAll() {
        for (DataBuffer b : counts.keySet()) {
            free(b);
        }
        counts.clear();
    }

    /** Bytes held now, for tests and benchmarks. */
    long heldBytes() {
        long bytes = 0;
        for (DataBuffer b : counts.keySet()) {
            bytes += b.length() * b.getElementSize();
        }
        return bytes;
    }

    private void free(DataBuffer b) {
        if (!b.closeable()) {
            return;
        }
        if (pool != null) {
            pool.give(b);
        } else {
            b.close();
        }
    }

    private static DataBuffer root(INDArray a) {
        DataBuffer b = a.data();
        DataBuffer original = b.originalDataBuffer();
        return original != null ? original : b;
    }
}
