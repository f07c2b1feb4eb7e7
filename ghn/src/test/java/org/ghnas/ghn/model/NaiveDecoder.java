package org.ghnas.ghn.model;

import java.util.List;
import org.ghnas.space.graph.GraphNode;
import org.ghnas.space.graph.NodeType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loop-by-loop transcription of the reference decoders for one node (full (2h, 2h, s, s) output, then slice,
 * tile and normalise element by element), used to check the batched decoder's results.
 */
final class NaiveDecoder {
    private final int h;
    private final int s;
    private final int m;
    private final int nc;
    private final double[][] p;

    NaiveDecoder(ParameterDecoder decoder) {
        GhnConfig c = decoder.config();
        h = c.hidden();
        s = c.spatialMax();
        m = c.maxChannels();
        nc = c.numClasses();
        List<Parameter> ps = decoder.parameters();
        p = new double[ps.size()][];
        for (int k = 0; k < p.length; k++) {
            p[k] = ps.get(k).value().castTo(DataType.DOUBLE).dup('c').data().asDouble();
        }
    }

    /** The node's tensors, each flattened row-major. */
    double[][] decode(GraphNode node, boolean classifierWeight, boolean classifierBias, double[] x) {
        List<Integer> sh = node.shape();
        if (node.type() == NodeType.BN || node.type() == NodeType.LN || node.type() == NodeType.BIAS) {
            double[] z = mlp1d(x);
            int c = sh.get(0);
            if (classifierBias) {
                double[] y = new double[nc];
                for (int k = 0; k < nc; k++) {
                    double acc = p[13][k];
                    for (int o = 0; o < m; o++) {
                        acc += p[12][k * m + o] * Math.max(0, z[m + o]);
                    }
                    y[k] = acc;
                }
                double[] t = new double[c];
                for (int k = 0; k < c; k++) {
                    t[k] = Math.tanh(0.2 * y[k % Math.min(c, nc)]);
                }
                return new double[][] {t};
            }
            double[] scale = new double[c];
            double[] shift = new double[c];
            for (int k = 0; k < c; k++) {
                int kk = k % Math.min(c, m);
                scale[k] = 2 / (1 + Math.exp(-0.5 * z[kk]));
                shift[k] = Math.tanh(0.2 * z[m + kk]);
            }
            return node.type() == NodeType.BIAS ? new double[][] {shift} : new double[][] {scale, shift};
        }
        double[][][][] w = conv(x);
        if (classifierWeight) {
            int out = sh.get(0);
            int in = sh.get(1);
            double[] t = new double[out * in];
            double norm = Math.sqrt(2.0 / in);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    int k = o % Math.min(out, nc);
                    int ii = i % Math.min(in, m);
                    double acc = p[7][k];
                    for (int oo = 0; oo < m; oo++) {
                        acc += p[6][k * m + oo] * Math.max(0, w[oo][ii][0][0]);
                    }
                    t[o * in + i] = acc * norm;
                }
            }
            return new double[][] {t};
        }
        int out = sh.get(0);
        int in = sh.get(1);
        int kh = sh.size() == 4 ? sh.get(2) : 1;
        int kw = sh.size() == 4 ? sh.get(3) : 1;
        boolean betaOne = sh.size() == 4 && (in == 1 || kh < kw);
        double norm = node.type() == NodeType.POS_ENC ? 1.0 : Math.sqrt((betaOne ? 1.0 : 2.0) / (in * kh * kw));
        double[] t = new double[out * in * kh * kw];
        int q = 0;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int a = 0; a < kh; a++) {
                    for (int b = 0; b < kw; b++) {
                        t[q++] = norm * w[o % Math.min(out, m)][i % Math.min(in, m)][a % s][b % s];
                    }
                }
            }
        }
        return new double[][] {t};
    }

    private double[] mlp1d(double[] x) {
        double[] a = new double[m];
        for (int j = 0; j < m; j++) {
            double acc = p[9][j];
            for (int k = 0; k < h; k++) {
                acc += p[8][j * h + k] * x[k];
            }
            a[j] = Math.max(0, acc);
        }
        double[] z = new double[2 * m];
        for (int j = 0; j < 2 * m; j++) {
            double acc = p[11][j];
            for (int k = 0; k < m; k++) {
                acc += p[10][j * m + k] * a[k];
            }
            z[j] = acc;
        }
        return z;
    }

    /** The conv decoder's full output (2h out, 2h in, s, s). */
    private double[][][][] conv(double[] x) {
        int f = 4 * h;
        int g = 8 * h;
        double[][][] h1 = new double[f][s][s];
        for (int c = 0; c < f; c++) {
            for (int a = 0; a < s; a++) {
                for (int b = 0; b < s; b++) {
                    int row = (c * s + a) * s + b;
                    double acc = p[1][row];
                    for (int k = 0; k < h; k++) {
                        acc += p[0][row * h + k] * x[k];
                    }
                    h1[c][a][b] = Math.max(0, acc);
                }
            }
        }
        double[][][] h2 = new double[g][s][s];
        for (int e = 0; e < g; e++) {
            for (int a = 0; a < s; a++) {
                for (int b = 0; b < s; b++) {
                    double acc = p[3][e];
                    for (int c = 0; c < f; c++) {
                        acc += p[2][e * f + c] * h1[c][a][b];
                    }
                    h2[e][a][b] = Math.max(0, acc);
                }
            }
        }
        double[][][][] out = new double[m][m][s][s];
        for (int o = 0; o < m; o++) {
            for (int i = 0; i < m; i++) {
                int row = o * m + i;
                for (int a = 0; a < s; a++) {
                    for (int b = 0; b < s; b++) {
                        double acc = p[5][row];
                        for (int e = 0; e < g; e++) {
                            acc += p[4][row * g + e] * h2[e][a][b];
                        }
                        out[o][i][a][b] = acc;
                    }
                }
            }
        }
        return out;
    }

    static double[] row(INDArray states, int i) {
        return states.getRow(i).castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
