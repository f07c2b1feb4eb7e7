package org.ghnas.ghn.model;

import java.util.Arrays;
import org.ghnas.ghn.model.GraphTopology.Adjacency;

/**
 * One forward pass of the gated GNN over one graph in plain Java double arithmetic, and its hand-written reverse
 * pass (facts §3.3, reference {@code gatedgnn.py} with T = 1).
 *
 * <p>Three layers of node states: {@code h0} (type + shape embedding), {@code h1} after the forward sweep,
 * {@code h2} after the backward sweep; then LayerNorm. Within a sweep a node is updated once and never again, so
 * its message-MLP outputs {@code P = MLP(h)} and {@code Q = MLP_ve(h)} are computed right after its update and
 * reused by every later node that reads it. For the reverse pass each sweep keeps, per node, its message, the
 * GRU gates and the MLP hidden activations; the reverse of a sweep visits the nodes in the opposite order, so
 * the gradient reaching a node's {@code P}/{@code Q} from all its readers is complete before the node itself is
 * processed. Per-node vectors are separate zero-based rows so that {@link Linear}'s loops vectorise.
 */
final class GnnPass {

    private static final double LN_EPS = 1e-5;

    private final GnnWeights w;
    private final GraphTopology t;
    private final boolean keep;
    private final boolean virtual;
    private final int n;
    private final int hid;
    private final int mid;

    final double[][] h0;
    private final Sweep forwardSweep;
    private final Sweep backwardSweep;
    /** Final node states (after LayerNorm if on), [n][hid]. */
    final double[][] out;
    private final double[][] xhat;
    private final double[] invStd;

    /** Arrays of one sweep; caches are per node when {@code keep}, else one reused row. */
    private static final class Sweep {
        final boolean forward;
        final double[][] hIn;
        final double[][] hOut;
        final double[][] msg;
        final double[][] r;
        final double[][] z;
        final double[][] cand;
        final double[][] ghn;
        final double[][] p;
        final double[][] q;
        final double[][] ap;
        final double[][] aq;
        final Adjacency gatherReal;
        final Adjacency gatherVirtual;
        final Adjacency readersReal;
        final Adjacency readersVirtual;

        Sweep(boolean forward, GraphTopology t, double[][] hIn, int hid, int mid, boolean keep, boolean virtual) {
            int n = t.n;
            int rows = keep ? n : 1;
            this.forward = forward;
            this.hIn = hIn;
            this.hOut = new double[n][hid];
            this.msg = new double[rows][hid];
            this.r = new double[rows][hid];
            this.z = new double[rows][hid];
            this.cand = new double[rows][hid];
            this.ghn = new double[rows][hid];
            this.p = new double[n][];
            this.q = new double[n][];
            this.ap = new double[rows][mid];
            this.aq = virtual ? new double[rows][mid] : null;
            this.gatherReal = forward ? t.realIn : t.realOut;
            this.gatherVirtual = forward ? t.virtualIn : t.virtualOut;
            this.readersReal = forward ? t.realOut : t.realIn;
            this.readersVirtual = forward ? t.virtualOut : t.virtualIn;
        }

        int node(int step, int n) {
            return forward ? step : n - 1 - step;
        }
    }

    GnnPass(GnnWeights w, GraphTopology t, boolean keep) {
        this.w = w;
        this.t = t;
        this.keep = keep;
        this.virtual = w.config.virtualEdges();
        this.n = t.n;
        this.hid = w.config.hidden();
        this.mid = w.config.messageHidden();
        this.h0 = initialStates();
        this.forwardSweep = new Sweep(true, t, h0, hid, mid, keep, virtual);
        run(forwardSweep);
        this.backwardSweep = new Sweep(false, t, forwardSweep.hOut, hid, mid, keep, virtual);
        run(backwardSweep);
        double[][] h2 = backwardSweep.hOut;
        if (w.gamma != null) {
            this.out = new double[n][hid];
            this.xhat = keep ? new double[n][hid] : null;
            this.invStd = keep ? new double[n] : null;
            layerNorm(h2);
        } else {
            this.out = h2;
            this.xhat = null;
            this.invStd = null;
        }
    }

    int nodeCount() {
        return n;
    }

    /** Mean of the final node states over all nodes: the graph embedding. */
    double[] meanState() {
        double[] mean = new double[hid];
        for (double[] row : out) {
            for (int j = 0; j < hid; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < hid; j++) {
            mean[j] /= n;
        }
        return mean;
    }

    private double[][] initialStates() {
        int quarter = hid / 4;
        double[][] h = new double[n][];
        for (int v = 0; v < n; v++) {
            double[] row = w.embed[t.type[v]].clone();
            for (int k = 0; k < 4; k++) {
                double[] e = (k < 2 ? w.channel : w.spatial)[t.shapeRows[4 * v + k]];
                int o = k * quarter;
                for (int j = 0; j < quarter; j++) {
                    row[o + j] += e[j];
                }
            }
            h[v] = row;
        }
        return h;
    }

    private void run(Sweep s) {
        double[] gi = new double[3 * hid];
        double[] gh = new double[3 * hid];
        for (int step = 0; step < n; step++) {
            int v = s.node(step, n);
            int c = keep ? v : 0;
            boolean hasMessage = gather(s, v, s.msg[c]);
            gru(s, v, c, hasMessage, gi, gh);
            if (!s.readersReal.isEmpty(v)) {
                s.p[v] = new double[hid];
                mlp(w.mlp1, w.mlp2, s.hOut[v], s.ap[c], s.p[v]);
            }
            if (virtual && !s.readersVirtual.isEmpty(v)) {
                s.q[v] = new double[hid];
                mlp(w.virtual1, w.virtual2, s.hOut[v], s.aq[c], s.q[v]);
            }
        }
    }

    /** m_v = sum of P over real neighbours + sum of Q / d over virtual neighbours; false if v has none. */
    private boolean gather(Sweep s, int v, double[] msg) {
        Arrays.fill(msg, 0.0);
        Adjacency real = s.gatherReal;
        boolean any = false;
        for (int k = real.start[v]; k < real.start[v + 1]; k++) {
            double[] pu = s.p[real.node[k]];
            for (int j = 0; j < hid; j++) {
                msg[j] += pu[j];
            }
            any = true;
        }
        if (virtual) {
            Adjacency ve = s.gatherVirtual;
            for (int k = ve.start[v]; k < ve.start[v + 1]; k++) {
                double[] qu = s.q[ve.node[k]];
                double weight = ve.weight[k];
                for (int j = 0; j < hid; j++) {
                    msg[j] += weight * qu[j];
                }
                any = true;
            }
        }
        return any;
    }

    /** PyTorch GRUCell: input m_v, hidden h_v; gates r, z, n in this order in the stacked weights. */
    private void gru(Sweep s, int v, int c, boolean hasMessage, double[] gi, double[] gh) {
        if (hasMessage) {
            w.gruInput.forward(s.msg[c], gi);
        } else {
            System.arraycopy(w.gruInput.b, 0, gi, 0, 3 * hid);
        }
        double[] hIn = s.hIn[v];
        double[] hOut = s.hOut[v];
        w.gruHidden.forward(hIn, gh);
        double[] rr = s.r[c];
        double[] zz = s.z[c];
        double[] cc = s.cand[c];
        double[] gn = s.ghn[c];
        for (int j = 0; j < hid; j++) {
            double r = sigmoid(gi[j] + gh[j]);
            double z = sigmoid(gi[hid + j] + gh[hid + j]);
            double ghn = gh[2 * hid + j];
            double cand = Math.tanh(gi[2 * hid + j] + r * ghn);
            hOut[j] = (1 - z) * cand + z * hIn[j];
            rr[j] = r;
            zz[j] = z;
            cc[j] = cand;
            gn[j] = ghn;
        }
    }

    /** Linear + ReLU + Linear + ReLU; keeps the hidden activation {@code a} for the reverse pass. */
    private void mlp(Linear l1, Linear l2, double[] x, double[] a, double[] y) {
        l1.forward(x, a);
        for (int k = 0; k < mid; k++) {
            if (a[k] < 0) {
                a[k] = 0;
            }
        }
        l2.forward(a, y);
        for (int k = 0; k < hid; k++) {
            if (y[k] < 0) {
                y[k] = 0;
            }
        }
    }

    private void layerNorm(double[][] x) {
        for (int v = 0; v < n; v++) {
            double[] xv = x[v];
            double mean = 0;
            for (int j = 0; j < hid; j++) {
                mean += xv[j];
            }
            mean /= hid;
            double var = 0;
            for (int j = 0; j < hid; j++) {
                double d = xv[j] - mean;
                var += d * d;
            }
            var /= hid;
            double inv = 1.0 / Math.sqrt(var + LN_EPS);
            double[] o = out[v];
            for (int j = 0; j < hid; j++) {
                double xh = (xv[j] - mean) * inv;
                o[j] = xh * w.gamma[j] + w.beta[j];
                if (keep) {
                    xhat[v][j] = xh;
                }
            }
            if (keep) {
                invStd[v] = inv;
            }
        }
    }

    /** Adds the gradients of {@code sum(dOut * out)} w.r.t. every parameter into {@code g}. */
    void backward(double[][] dOut, GnnGradients g) {
        if (!keep) {
            throw new IllegalStateException("This pass kept no cache; run forward(), not embed(), before backward().");
        }
        double[][] dH2 = new double[n][hid];
        if (w.gamma != null) {
            layerNormBackward(dOut, dH2, g);
        } else {
            for (int v = 0; v < n; v++) {
                System.arraycopy(dOut[v], 0, dH2[v], 0, hid);
            }
        }
        double[][] dH1 = new double[n][hid];
        reverse(backwardSweep, dH2, dH1, g);
        double[][] dH0 = new double[n][hid];
        reverse(forwardSweep, dH1, dH0, g);
        int quarter = hid / 4;
        for (int v = 0; v < n; v++) {
            double[] d = dH0[v];
            double[] e = g.embed[t.type[v]];
            for (int j = 0; j < hid; j++) {
                e[j] += d[j];
            }
            for (int k = 0; k < 4; k++) {
                double[] row = (k < 2 ? g.channel : g.spatial)[t.shapeRows[4 * v + k]];
                int o = k * quarter;
                for (int j = 0; j < quarter; j++) {
                    row[j] += d[o + j];
                }
            }
        }
    }

    private void layerNormBackward(double[][] dOut, double[][] dx, GnnGradients g) {
        double[] dxh = new double[hid];
        for (int v = 0; v < n; v++) {
            double[] dy = dOut[v];
            double[] xh = xhat[v];
            double sum = 0;
            double dot = 0;
            for (int j = 0; j < hid; j++) {
                g.gamma[j] += dy[j] * xh[j];
                g.beta[j] += dy[j];
                double d = dy[j] * w.gamma[j];
                dxh[j] = d;
                sum += d;
                dot += d * xh[j];
            }
            double scale = invStd[v] / hid;
            double[] dxv = dx[v];
            for (int j = 0; j < hid; j++) {
                dxv[j] = scale * (hid * dxh[j] - sum - xh[j] * dot);
            }
        }
    }

    /**
     * Reverse of one sweep. {@code dOut} holds the gradient w.r.t. the sweep's output states from outside the
     * sweep; gradients w.r.t. the sweep's input states are added to {@code dIn}.
     */
    private void reverse(Sweep s, double[][] dOut, double[][] dIn, GnnGradients g) {
        double[][] dP = new double[n][];
        double[][] dQ = new double[n][];
        double[] dh = new double[hid];
        double[] dm = new double[hid];
        double[] dgi = new double[3 * hid];
        double[] dgh = new double[3 * hid];
        double[] d2 = new double[hid];
        double[] d1 = new double[mid];
        for (int step = n - 1; step >= 0; step--) {
            int v = s.node(step, n);
            System.arraycopy(dOut[v], 0, dh, 0, hid);
            if (dP[v] != null) {
                mlpBackward(w.mlp1, w.mlp2, g.mlp1W, g.mlp1B, g.mlp2W, g.mlp2B,
                        dP[v], s.ap[v], s.p[v], s.hOut[v], dh, d2, d1);
            }
            if (dQ[v] != null) {
                mlpBackward(w.virtual1, w.virtual2, g.virtual1W, g.virtual1B, g.virtual2W, g.virtual2B,
                        dQ[v], s.aq[v], s.q[v], s.hOut[v], dh, d2, d1);
            }
            boolean hasMessage = !s.gatherReal.isEmpty(v) || virtual && !s.gatherVirtual.isEmpty(v);
            gruBackward(s, v, hasMessage, dh, dm, dIn[v], dgi, dgh, g);
            if (hasMessage) {
                scatter(s.gatherReal, v, dm, dP);
                if (virtual) {
                    scatter(s.gatherVirtual, v, dm, dQ);
                }
            }
        }
    }

    /** Sends dm_v to the P (or Q, weighted by 1/d) gradient of every neighbour v gathered from. */
    private void scatter(Adjacency a, int v, double[] dm, double[][] target) {
        for (int k = a.start[v]; k < a.start[v + 1]; k++) {
            int u = a.node[k];
            double[] row = target[u];
            if (row == null) {
                row = new double[hid];
                target[u] = row;
            }
            double weight = a.weight == null ? 1.0 : a.weight[k];
            for (int j = 0; j < hid; j++) {
                row[j] += weight * dm[j];
            }
        }
    }

    private void mlpBackward(Linear l1, Linear l2, double[][] dw1, double[] db1, double[][] dw2, double[] db2,
            double[] dy, double[] a, double[] y, double[] x, double[] dx, double[] d2, double[] d1) {
        boolean any = false;
        for (int j = 0; j < hid; j++) {
            double d = y[j] > 0 ? dy[j] : 0;
            d2[j] = d;
            any |= d != 0;
        }
        if (!any) {
            return;
        }
        l2.accumulateGradient(dw2, db2, d2, a);
        Arrays.fill(d1, 0.0);
        l2.backwardInput(d2, d1);
        for (int k = 0; k < mid; k++) {
            if (a[k] <= 0) {
                d1[k] = 0;
            }
        }
        l1.accumulateGradient(dw1, db1, d1, x);
        l1.backwardInput(d1, dx);
    }

    private void gruBackward(Sweep s, int v, boolean hasMessage, double[] dh, double[] dm, double[] dIn,
            double[] dgi, double[] dgh, GnnGradients g) {
        double[] rr = s.r[v];
        double[] zz = s.z[v];
        double[] cc = s.cand[v];
        double[] gn = s.ghn[v];
        double[] hIn = s.hIn[v];
        for (int j = 0; j < hid; j++) {
            double d = dh[j];
            double r = rr[j];
            double z = zz[j];
            double c = cc[j];
            dIn[j] += d * z;
            double dz = d * (hIn[j] - c) * z * (1 - z);
            double dc = d * (1 - z) * (1 - c * c);
            double dr = dc * gn[j] * r * (1 - r);
            dgi[j] = dr;
            dgi[hid + j] = dz;
            dgi[2 * hid + j] = dc;
            dgh[j] = dr;
            dgh[hid + j] = dz;
            dgh[2 * hid + j] = dc * r;
        }
        if (hasMessage) {
            w.gruInput.accumulateGradient(g.gruInputW, g.gruInputB, dgi, s.msg[v]);
            Arrays.fill(dm, 0.0);
            w.gruInput.backwardInput(dgi, dm);
        } else {
            for (int k = 0; k < 3 * hid; k++) {
                g.gruInputB[k] += dgi[k];
            }
        }
        w.gruHidden.accumulateGradient(g.gruHiddenW, g.gruHiddenB, dgh, hIn);
        w.gruHidden.backwardInput(dgh, dIn);
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
