package org.ghnas.space.runtime;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Naive plain-Java versions of the kernels' forward passes, written straight from the PyTorch definitions. */
final class Reference {
    private Reference() {}

    static INDArray conv(INDArray xa, INDArray wa, ConvGeometry g) {
        double[] x = Tensors.values(xa);
        double[] w = Tensors.values(wa);
        int n = (int) xa.size(0), c = (int) xa.size(1), h = (int) xa.size(2), wd = (int) xa.size(3);
        int out = (int) wa.size(0), inPerGroup = (int) wa.size(1);
        int oh = (int) g.outputHeight(h), ow = (int) g.outputWidth(wd);
        int outPerGroup = out / g.groups();
        double[] y = new double[n * out * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                int group = o / outPerGroup;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = 0;
                        for (int ci = 0; ci < inPerGroup; ci++) {
                            int cin = group * inPerGroup + ci;
                            for (int u = 0; u < g.kh(); u++) {
                                int r = i * g.sh() - g.ph() + u * g.dilation();
                                for (int v = 0; v < g.kw(); v++) {
                                    int q = j * g.sw() - g.pw() + v * g.dilation();
                                    if (r >= 0 && r < h && q >= 0 && q < wd) {
                                        s += x[((b * c + cin) * h + r) * wd + q]
                                                * w[((o * inPerGroup + ci) * g.kh() + u) * g.kw() + v];
                                    }
                                }
                            }
                        }
                        y[((b * out + o) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return Tensors.of(y, n, out, oh, ow);
    }

    /** Max (avg false) or count_include_pad=False average (avg true) pooling. */
    static INDArray pool(INDArray xa, int k, int s, int p, boolean avg) {
        double[] x = Tensors.values(xa);
        int n = (int) xa.size(0), c = (int) xa.size(1), h = (int) xa.size(2), w = (int) xa.size(3);
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        double[] y = new double[n * c * oh * ow];
        for (int b = 0; b < n * c; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = avg ? 0 : Double.NEGATIVE_INFINITY;
                    int count = 0;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            int r = i * s - p + u, q = j * s - p + v;
                            if (r >= 0 && r < h && q >= 0 && q < w) {
                                double e = x[(b * h + r) * w + q];
                                acc = avg ? acc + e : Math.max(acc, e);
                                count++;
                            }
                        }
                    }
                    y[(b * oh + i) * ow + j] = avg ? acc / count : acc;
                }
            }
        }
        return Tensors.of(y, n, c, oh, ow);
    }

    /** Normalises over axis 1 of [N, C, H, W] per (n, h, w) when layer, else over (N, H, W) per channel. */
    static INDArray norm(INDArray xa, INDArray gammaA, INDArray betaA, boolean layer) {
        double[] x = Tensors.values(xa);
        double[] gamma = Tensors.values(gammaA), beta = Tensors.values(betaA);
        int n = (int) xa.size(0), c = (int) xa.size(1), hw = (int) (xa.size(2) * xa.size(3));
        double[] y = new double[x.length];
        int groups = layer ? n * hw : c;
        for (int gi = 0; gi < groups; gi++) {
            java.util.List<Integer> idx = new java.util.ArrayList<>();
            if (layer) {
                int b = gi / hw, pos = gi % hw;
                for (int ch = 0; ch < c; ch++) {
                    idx.add((b * c + ch) * hw + pos);
                }
            } else {
                for (int b = 0; b < n; b++) {
                    for (int pos = 0; pos < hw; pos++) {
                        idx.add((b * c + gi) * hw + pos);
                    }
                }
            }
            double mean = idx.stream().mapToDouble(i -> x[i]).average().orElseThrow();
            double var = idx.stream().mapToDouble(i -> (x[i] - mean) * (x[i] - mean)).average().orElseThrow();
            for (int i : idx) {
                int ch = (i / hw) % c;
                y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch];
            }
        }
        return Tensors.of(y, xa.shape());
    }

    static INDArray attention(INDArray qkvA, int heads) {
        double[] a = Tensors.values(qkvA);
        int n = (int) qkvA.size(0), inner = (int) qkvA.size(1) / 3, t = (int) (qkvA.size(2) * qkvA.size(3));
        int dh = inner / heads;
        double scale = 1 / Math.sqrt(dh);
        double[] y = new double[n * inner * t];
        for (int b = 0; b < n; b++) {
            for (int hd = 0; hd < heads; hd++) {
                for (int pos = 0; pos < t; pos++) {
                    double[] logits = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int l = 0; l < t; l++) {
                        double s = 0;
                        for (int j = 0; j < dh; j++) {
                            s += a[((b * 3 * inner) + hd * dh + j) * t + pos]
                                    * a[((b * 3 * inner) + inner + hd * dh + j) * t + l];
                        }
                        logits[l] = s * scale;
                        max = Math.max(max, logits[l]);
                    }
                    double sum = 0;
                    for (int l = 0; l < t; l++) {
                        logits[l] = Math.exp(logits[l] - max);
                        sum += logits[l];
                    }
                    for (int j = 0; j < dh; j++) {
                        double o = 0;
                        for (int l = 0; l < t; l++) {
                            o += logits[l] / sum * a[((b * 3 * inner) + 2 * inner + hd * dh + j) * t + l];
                        }
                        y[(b * inner + hd * dh + j) * t + pos] = o;
                    }
                }
            }
        }
        return Tensors.of(y, n, inner, qkvA.size(2), qkvA.size(3));
    }
}
