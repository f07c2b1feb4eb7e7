package org.ghnas.space.plan;

import java.util.ArrayList;
import java.util.List;
import org.ghnas.space.CellOp;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.OpType;
import org.ghnas.space.SpecException;

/**
 * Compiles a {@link NetworkSpec} exactly as the reference's {@code Network} and {@code Cell} build and run it
 * (facts §1.1, §1.4): stems, cells with preprocessing, the 15 ops, undefined ("None") states, and the classifier.
 * Names follow the reference's module paths so parameters line up with its state dicts.
 */
final class CellNetworkCompiler {

    private static final int MSA_HEADS = 8;
    private static final int NONE = -1;

    private final NetworkSpec spec;
    private final InputShape input;
    private final PlanBuilder b;
    private final boolean vit;
    private final boolean bn;

    CellNetworkCompiler(NetworkSpec spec, InputShape input) {
        this.spec = spec;
        this.input = input;
        this.b = new PlanBuilder(spec.cells() - 1);
        this.vit = spec.isVit();
        this.bn = spec.norm() == Norm.BATCH_NORM;
    }

    NetworkPlan compile() {
        return b.build(spec, input, assemble());
    }

    /** The reference's parameter count, without pruning or emitting the graph. */
    long parameterCount() {
        assemble();
        return b.declaredParameterCount();
    }

    /** Adds every layer and returns the id of the logits layer. */
    private int assemble() {
        int x = b.input(TensorShape.map(input.channels(), input.height(), input.width()));
        int c = spec.channels();
        int s0;
        int s1;
        int cPrevPrev;
        int cPrev;
        int cCurr = c;
        if (vit) {
            int k = input.imagenet() ? 16 : 3;
            int stem = b.add("stem0", 0, new Op.Conv(input.channels(), c, k, k, k, k, k < 4 ? 1 : 0, k < 4 ? 1 : 0, 1, 1), x);
            TensorShape t = b.shape(stem);
            s0 = s1 = b.add("pos_enc", 0, new Op.PositionEncoding(c, t.height(), t.width()), stem);
            cPrevPrev = cPrev = c;
        } else if (spec.stemType() == 0) {
            int cStem = spec.preproc() && !input.imagenet() ? 3 * c : c;
            int k = spec.stemKernel();
            int stride = input.imagenet() ? 4 : 1;
            int h = b.add("stem.0", 0, new Op.Conv(input.channels(), cStem, k, k, stride, stride, k / 2, k / 2, 1, 1), x);
            h = norm("stem.1", 0, cStem, h);
            if (spec.stemPool()) {
                h = b.add("stem.2", 0, new Op.MaxPool(3, 2, 1), h);
            }
            s0 = s1 = h;
            cPrevPrev = cPrev = cStem;
        } else {
            int k = spec.stemKernel();
            int stride = input.imagenet() ? 2 : 1;
            int h = b.add("stem0.0", 0, new Op.Conv(input.channels(), c / 2, k, k, stride, stride, k / 2, k / 2, 1, 1), x);
            h = norm("stem0.1", 0, c / 2, h);
            h = b.add("stem0.2", 0, new Op.Activation(Op.Activation.Kind.RELU), h);
            h = b.add("stem0.3", 0, new Op.Conv(c / 2, c, 3, 3, stride, stride, 1, 1, 1, 1), h);
            h = norm("stem0.4", 0, c, h);
            // stem1 starts with an in-place ReLU, so the reference's s0 is rectified too.
            s0 = b.add("stem1.0", 0, new Op.Activation(Op.Activation.Kind.RELU), h);
            int g = b.add("stem1.1", 0, new Op.Conv(c, c, 3, 3, 2, 2, 1, 1, 1, 1), s0);
            s1 = norm("stem1.2", 0, c, g);
            cPrevPrev = cPrev = c;
        }

        int concatSize = spec.genotype().normalConcat().size();
        boolean reductionPrev = spec.stemType() == 1;
        for (int i = 0; i < spec.cells(); i++) {
            boolean reduction = spec.isReductionCell(i);
            if (reduction) {
                cCurr *= spec.channelMultiplier();
            }
            boolean reductionNext = spec.isReductionCell(i + 1);
            int cIn = spec.preproc() ? cCurr : cPrev;
            int cOut = cCurr * (reductionNext && concatSize == 1 && !spec.preproc() ? spec.channelMultiplier() : 1);
            int out = cell(i, s0, s1, cPrevPrev, cPrev, cIn, cOut, reduction, reductionPrev);
            s0 = s1;
            s1 = out;
            reductionPrev = reduction;
            cPrevPrev = cPrev;
            cPrev = spec.genotype().concat(reduction).size() * cCurr;
        }
        if (s1 == NONE) {
            throw new SpecException("genotype", "the network output is undefined: every state concatenated by the last"
                    + " cell is empty (its ops are all 'none' or read empty states)");
        }
        String head = "classifier";
        int last = b.lastCell();
        int h = spec.globalAvg()
                ? b.add("global_pooling", last, new Op.GlobalAvgPool(), s1)
                : b.add("flatten", last, new Op.Flatten(), s1);
        int features = b.shape(h).channels();
        if (spec.fcLayers() == 1) {
            h = b.add(head + ".0", last, new Op.Linear(features, input.classes(), true), h);
        } else {
            h = b.add(head + ".0", last, new Op.Linear(features, spec.fcDim(), true), h);
            h = b.add(head + ".1", last, new Op.Activation(Op.Activation.Kind.RELU), h);
            h = b.add(head + ".2", last, new Op.Dropout(0.5), h);
            h = b.add(head + ".3", last, new Op.Linear(spec.fcDim(), input.classes(), true), h);
        }
        return h;
    }

    /** Returns the cell's output layer, or {@link #NONE} if it is undefined. */
    private int cell(int i, int s0, int s1, int cPrevPrev, int cPrev, int cIn, int cOut, boolean reduction,
                     boolean reductionPrev) {
        String p = "cells." + i + ".";
        int t0;
        int t1;
        if (spec.preproc()) {
            t0 = reductionPrev && !vit
                    ? factorizedReduce(p + "preprocess0", i, cPrevPrev, cOut, s0)
                    : reluConvBn(p + "preprocess0", i, cPrevPrev, cOut, 1, 1, 0, s0);
            t1 = reluConvBn(p + "preprocess1", i, cPrev, cOut, 1, 1, 0, s1);
        } else {
            t0 = reductionPrev && !vit && s0 != NONE ? b.add(p + "preprocess0", i, new Op.Subsample(2), s0) : s0;
            t1 = s1;
        }
        Genotype g = spec.genotype();
        List<CellOp> ops = g.cell(reduction);
        List<Integer> states = new ArrayList<>(List.of(t0, t1));
        int steps = ops.size() / 2;
        for (int k = 0; k < steps; k++) {
            int[] outs = new int[2];
            for (int j = 0; j < 2; j++) {
                int index = 2 * k + j;
                CellOp op = ops.get(index);
                int stride = reduction && op.input() < 2 && !vit ? 2 : 1;
                int channelsIn = op.input() <= 1 ? cIn : cOut;
                outs[j] = op(p + "_ops." + index, i, op.op(), channelsIn, cOut, stride, states.get(op.input()));
            }
            int s;
            if (outs[0] != NONE && outs[1] != NONE) {
                s = b.add(p + "node" + (k + 2), i, new Op.Sum(), outs[0], outs[1]);
            } else {
                s = outs[0] != NONE ? outs[0] : outs[1];
            }
            states.add(s);
        }
        List<Integer> concat = g.concat(reduction);
        int dummy = NONE;
        for (int n : concat) {
            if (states.get(n) != NONE) {
                dummy = states.get(n);
                break;
            }
        }
        if (dummy == NONE) {
            return NONE;
        }
        int[] parts = new int[concat.size()];
        for (int k = 0; k < parts.length; k++) {
            int st = states.get(concat.get(k));
            parts[k] = st != NONE ? st : b.add(p + "zeros" + concat.get(k), i, new Op.Zeros(), dummy);
        }
        return parts.length == 1 ? parts[0] : b.add(p + "concat", i, new Op.Concat(), parts);
    }

    /** One op of a cell; modules on an undefined input are declared on a ghost input and pruned later. */
    private int op(String name, int cell, OpType type, int cIn, int cOut, int stride, int x) {
        if (type == OpType.NONE) {
            return NONE; // the reference skips Zero ops entirely
        }
        boolean defined = x != NONE;
        int in = defined ? x : b.ghost(TensorShape.map(cIn, 8, 8));
        int k = type.kernel();
        int out = switch (type) {
            case SKIP_CONNECT -> stride == 1 ? in : factorizedReduce(name, cell, cIn, cOut, in);
            case MAX_POOL_3X3 -> b.add(name, cell, new Op.MaxPool(3, stride, 1), in);
            case AVG_POOL_3X3 -> b.add(name, cell, new Op.AvgPool(3, stride, 1), in);
            case CONV_1X1, CONV_3X3, CONV_5X5, CONV_7X7 -> reluConvBn(name, cell, cIn, cOut, k, stride, k / 2, in);
            case CONV_7X1_1X7 -> {
                int h = relu(name + ".op.0", cell, in);
                h = b.add(name + ".op.1", cell, new Op.Conv(cIn, cIn, 1, k, 1, stride, 0, k / 2, 1, 1), h);
                h = b.add(name + ".op.2", cell, new Op.Conv(cIn, cOut, k, 1, stride, 1, k / 2, 0, 1, 1), h);
                yield norm(name + ".op.3", cell, cOut, h);
            }
            case SEP_CONV_3X3, SEP_CONV_5X5 -> {
                int h = relu(name + ".op.0", cell, in);
                h = b.add(name + ".op.1", cell, new Op.Conv(cIn, cIn, k, k, stride, stride, k / 2, k / 2, 1, cIn), h);
                h = b.add(name + ".op.2", cell, new Op.Conv(cIn, cIn, 1, 1, 1, 1, 0, 0, 1, 1), h);
                h = norm(name + ".op.3", cell, cIn, h);
                h = relu(name + ".op.4", cell, h);
                h = b.add(name + ".op.5", cell, new Op.Conv(cIn, cIn, k, k, 1, 1, k / 2, k / 2, 1, cIn), h);
                h = b.add(name + ".op.6", cell, new Op.Conv(cIn, cOut, 1, 1, 1, 1, 0, 0, 1, 1), h);
                yield norm(name + ".op.7", cell, cOut, h);
            }
            case DIL_CONV_3X3, DIL_CONV_5X5 -> {
                int pad = k - k % 2;
                int h = relu(name + ".op.0", cell, in);
                h = b.add(name + ".op.1", cell, new Op.Conv(cIn, cIn, k, k, stride, stride, pad, pad, 2, cIn), h);
                h = b.add(name + ".op.2", cell, new Op.Conv(cIn, cOut, 1, 1, 1, 1, 0, 0, 1, 1), h);
                yield norm(name + ".op.3", cell, cOut, h);
            }
            case MSA -> transformer(name, cell, cIn, cOut, stride, in);
            case CSE -> squeezeExcitation(name, cell, cIn, cOut, stride, in);
            case NONE -> throw new AssertionError();
        };
        return defined ? out : NONE;
    }

    private int transformer(String name, int cell, int dim, int dimOut, int stride, int x) {
        if (dim != dimOut) {
            throw new SpecException("genotype", "msa at " + name + " maps " + dim + " to " + dimOut
                    + " channels, expected equal widths (its residual needs them)");
        }
        int dimHead = dim / MSA_HEADS;
        int inner = dimHead * MSA_HEADS;
        int h = b.add(name + ".ln1", cell, new Op.LayerNorm(dim), x);
        h = b.add(name + ".to_qkv", cell, new Op.Linear(dim, 3 * inner, false), h);
        h = b.add(name + ".attn", cell, new Op.Attention(MSA_HEADS, dimHead), h);
        h = b.add(name + ".to_out.0", cell, new Op.Linear(inner, dimOut, true), h);
        int y = b.add(name + ".add1", cell, new Op.Sum(), h, x);
        h = b.add(name + ".ln2", cell, new Op.LayerNorm(dimOut), y);
        h = b.add(name + ".ff.net.0", cell, new Op.Linear(dim, dimOut, true), h);
        h = b.add(name + ".ff.net.1", cell, new Op.Activation(Op.Activation.Kind.GELU), h);
        h = b.add(name + ".ff.net.3", cell, new Op.Linear(dimOut, dim, true), h);
        h = b.add(name + ".add2", cell, new Op.Sum(), h, y);
        return stride > 1 ? b.add(name + ".stride", cell, new Op.Subsample(stride), h) : h;
    }

    private int squeezeExcitation(String name, int cell, int c, int cOut, int stride, int x) {
        if (c != cOut) {
            throw new SpecException("genotype", "cse at " + name + " maps " + c + " to " + cOut
                    + " channels, expected equal widths");
        }
        int reduced = c / 2;
        int g = b.add(name + ".squeeze", cell, new Op.ChannelMean(), x);
        g = b.add(name + ".fc1", cell, new Op.Linear(c, reduced, true), g);
        g = b.add(name + ".relu", cell, new Op.Activation(Op.Activation.Kind.RELU), g);
        g = b.add(name + ".fc2", cell, new Op.Linear(reduced, c, true), g);
        g = b.add(name + ".sigmoid", cell, new Op.Activation(Op.Activation.Kind.HARDSWISH), g);
        int y = b.add(name + ".scale", cell, new Op.ChannelScale(), x, g);
        return stride > 1 ? b.add(name + ".stride", cell, new Op.Subsample(stride), y) : y;
    }

    private int factorizedReduce(String name, int cell, int cIn, int cOut, int x) {
        if (cOut % 2 != 0) {
            throw new SpecException("C", "a factorized reduction at " + name + " halves an odd width " + cOut
                    + ", expected an even width");
        }
        boolean defined = x != NONE;
        int in = defined ? x : b.ghost(TensorShape.map(cIn, 8, 8));
        int r = relu(name + ".relu", cell, in);
        int a = b.add(name + ".conv_1", cell, new Op.Conv(cIn, cOut / 2, 1, 1, 2, 2, 0, 0, 1, 1), r);
        int shifted = b.add(name + ".shift", cell, new Op.Shift(), r);
        int c = b.add(name + ".conv_2", cell, new Op.Conv(cIn, cOut / 2, 1, 1, 2, 2, 0, 0, 1, 1), shifted);
        int cat = b.add(name + ".cat", cell, new Op.Concat(), a, c);
        int out = norm(name + ".bn", cell, cOut, cat);
        return defined ? out : NONE;
    }

    private int reluConvBn(String name, int cell, int cIn, int cOut, int k, int stride, int pad, int x) {
        boolean defined = x != NONE;
        int in = defined ? x : b.ghost(TensorShape.map(cIn, 8, 8));
        int h = relu(name + ".op.0", cell, in);
        h = b.add(name + ".op.1", cell, new Op.Conv(cIn, cOut, k, k, stride, stride, pad, pad, 1, 1), h);
        int out = norm(name + ".op.2", cell, cOut, h);
        return defined ? out : NONE;
    }

    private int relu(String name, int cell, int x) {
        return b.add(name, cell, new Op.Activation(Op.Activation.Kind.RELU), x);
    }

    private int norm(String name, int cell, int channels, int x) {
        return bn ? b.add(name, cell, new Op.BatchNorm(channels), x) : x;
    }
}
