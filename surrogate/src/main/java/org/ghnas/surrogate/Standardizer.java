package org.ghnas.surrogate;

import java.io.Serializable;

/** Per-column z-scoring fitted on training rows; columns without spread are centred only. */
public record Standardizer(double[] mean, double[] scale) implements Serializable {

    public static Standardizer fit(double[][] rows) {
        int d = rows[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows.length;
        }
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / Math.max(1, rows.length - 1));
            scale[j] = sd > 1e-12 ? sd : 1;
        }
        return new Standardizer(mean, scale);
    }

    public static Standardizer fit(double[] column) {
        double[][] rows = new double[column.length][];
        for (int i = 0; i < column.length; i++) {
            rows[i] = new double[] {column[i]};
        }
        return fit(rows);
    }

    public double[] apply(double[] row) {
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - mean[j]) / scale[j];
        }
        return out;
    }

    double[][] apply(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = apply(rows[i]);
        }
        return out;
    }

    double apply(double v) {
        return (v - mean[0]) / scale[0];
    }

    double invert(double z) {
        return z * scale[0] + mean[0];
    }
}
