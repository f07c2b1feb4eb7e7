package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Mean softmax cross-entropy of a batch of logits, with its gradient and the number of correct top-1 guesses. */
final class LossKernel {
    /**
     * @param loss mean cross-entropy over the batch
     * @param dLogits d loss / d logits, (softmax - onehot) / N, in the logits' dtype
     * @param correct how many rows have their label as the (first) arg max
     */
    record Result(double loss, INDArray dLogits, int correct) {}

    private LossKernel() {}

    static Result crossEntropy(INDArray logits, int[] labels) {
        CustomOps.requireRank(logits, 2, "logits");
        int n = (int) logits.size(0);
        int classes = (int) logits.size(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(
                    "labels must have one entry per logits row (" + n + "), but had " + labels.length + ".");
        }
        double[][] z = logits.toDoubleMatrix();
        double[][] grad = new double[n][classes];
        double loss = 0.0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, " + classes + "), but was "
                        + label + ".");
            }
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (z[i][j] > z[i][best]) {
                    best = j;
                }
            }
            double max = z[i][best];
            double sum = 0.0;
            for (int j = 0; j < classes; j++) {
                grad[i][j] = Math.exp(z[i][j] - max);
                sum += grad[i][j];
            }
            loss += Math.log(sum) - (z[i][label] - max);
            for (int j = 0; j < classes; j++) {
                grad[i][j] = (grad[i][j] / sum - (j == label ? 1.0 : 0.0)) / n;
            }
            if (best == label) {
                correct++;
            }
        }
        INDArray dLogits = Nd4j.create(grad).castTo(logits.dataType());
        return new Result(loss / n, dLogits, correct);
    }
}
