package org.ghnas.experiments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class ParallelTasksTest {

    @Test
    void resultsComeBackInTheOrderOfTheTasks() {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            // later tasks finish first: the order must not depend on completion
            tasks.add(() -> {
                Thread.sleep(20 - n);
                return n * n;
            });
        }
        assertThat(ParallelTasks.run(4, tasks, "squares")).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100,
                121, 144, 169, 196, 225, 256, 289, 324, 361);
    }

    @Test
    void aTasksOwnExceptionReachesTheCallerUnwrapped() {
        List<Callable<Integer>> tasks = List.of(() -> 1, () -> {
            throw new IllegalArgumentException("nets.json: [1].genotype: bad op");
        });
        assertThatThrownBy(() -> ParallelTasks.run(2, tasks, "evaluation"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("nets.json: [1].genotype: bad op");
    }

    @Test
    void aCheckedFailureNamesTheWork() {
        List<Callable<Integer>> tasks = List.of(() -> {
            throw new java.io.IOException("disk full");
        });
        assertThatThrownBy(() -> ParallelTasks.run(1, tasks, "the convolution baseline"))
                .isInstanceOf(IllegalStateException.class).hasMessage("the convolution baseline failed")
                .hasCauseInstanceOf(java.io.IOException.class);
    }

    @Test
    void noTasksNeedNoThreads() {
        assertThat(ParallelTasks.run(2, List.<Callable<Integer>>of(), "nothing")).isEmpty();
    }
}
