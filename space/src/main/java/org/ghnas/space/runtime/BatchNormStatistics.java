package org.ghnas.space.runtime;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Running BatchNorm statistics (per BN layer: mean and biased variance over calibration images). The reference
 * never predicts them and evaluates with batch statistics; exported models need them, so they are computed by
 * {@link RunnableNetwork#calibrate}.
 *
 * @param mean     BN layer id to per-channel mean
 * @param variance BN layer id to per-channel variance
 * @param images   number of calibration images they were computed on
 */
public record BatchNormStatistics(Map<Integer, INDArray> mean, Map<Integer, INDArray> variance, int images) {
    public BatchNormStatistics {
        mean = Map.copyOf(mean);
        variance = Map.copyOf(variance);
        if (images < 1) {
            throw new IllegalArgumentException("Invalid number of calibration images: " + images);
        }
    }
}
