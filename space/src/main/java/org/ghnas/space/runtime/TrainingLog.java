package org.ghnas.space.runtime;

import java.util.List;

/**
 * What an SGD run recorded, step by step.
 *
 * @param loss     training loss of every step
 * @param accuracy training accuracy (fraction correct) of every step's batch
 * @param seconds  wall time of the run
 * @param images   images processed
 * @param skipped  steps skipped because the loss was not finite
 */
public record TrainingLog(List<Double> loss, List<Double> accuracy, double seconds, long images, int skipped) {
    public TrainingLog {
        loss = List.copyOf(loss);
        accuracy = List.copyOf(accuracy);
    }

    public int steps() {
        return loss.size();
    }

    /** Training images per second. */
    public double throughput() {
        return seconds > 0 ? images / seconds : 0;
    }
}
