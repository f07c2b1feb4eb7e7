package org.ghnas.experiments.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent single-threaded jobs (net evaluations, timing loops) on a fixed number of threads, one per core,
 * and hands back their results in the order of the jobs. A job's own exception reaches the caller unwrapped, so the
 * CLI's one-line errors still name the bad input.
 */
public final class ParallelTasks {

    private ParallelTasks() {}

    /**
     * Runs {@code tasks} on {@code threads} threads and waits for all of them.
     *
     * @param what names the work in the message of an interruption or a checked failure
     * @return each task's result, in the order of {@code tasks}
     */
    public static <T> List<T> run(int threads, List<? extends Callable<T>> tasks, String what) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, but was " + threads + ".");
        }
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()));
        try {
            List<Future<T>> futures = new ArrayList<>(tasks.size());
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>(tasks.size());
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
