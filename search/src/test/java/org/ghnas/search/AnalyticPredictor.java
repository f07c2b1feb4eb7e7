package org.ghnas.search;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.ghnas.space.Architecture;
import org.ghnas.space.CellOp;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.OpType;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.surrogate.Property;
import org.ghnas.surrogate.PropertyEstimate;
import org.ghnas.surrogate.PropertyPrediction;
import org.ghnas.surrogate.PropertyPredictor;

/**
 * TEST DOUBLE, not a surrogate: a deterministic closed-form stand-in for the fitted surrogates, so that the search
 * pipeline (search, resume, baseline, report) can be tested end to end before they exist. Accuracy rises with
 * log10(params) and with separable convolutions in the normal cell, latency with FLOPs; nothing here is measured.
 */
public final class AnalyticPredictor implements PropertyPredictor {

    private final InputShape input;
    private int calls;
    private int nets;

    /** A stand-in for nets built for {@code input}. */
    public AnalyticPredictor(InputShape input) {
        this.input = input;
    }

    @Override
    public List<PropertyPrediction> predict(List<? extends Architecture> architectures) {
        calls++;
        List<PropertyPrediction> out = new ArrayList<>();
        for (Architecture a : architectures) {
            nets++;
            NetworkSpec spec = (NetworkSpec) a;
            NetworkPlan plan = NetworkPlan.of(spec, input);
            double logParams = Math.log10(Math.max(10, plan.parameterCount()));
            int sep = 0;
            int none = 0;
            for (CellOp op : spec.genotype().normal()) {
                sep += op.op() == OpType.SEP_CONV_3X3 ? 1 : 0;
                none += op.op() == OpType.NONE ? 1 : 0;
            }
            double accuracy = clamp(0.35 + 0.08 * logParams + 0.03 * sep - 0.02 * none);
            double latency = 0.5 + plan.flops() / 2e6;
            Map<Property, PropertyEstimate> m = new EnumMap<>(Property.class);
            m.put(Property.CLEAN_ACCURACY, PropertyEstimate.of(accuracy));
            m.put(Property.NOISE_ROBUSTNESS, PropertyEstimate.of(clamp(accuracy - 0.1 + 0.02 * spec.cells() / 18.0)));
            m.put(Property.INFERENCE_LATENCY, PropertyEstimate.of(latency));
            m.put(Property.CONVERGENCE, PropertyEstimate.of(clamp(0.2 + 0.03 * spec.cells())));
            out.add(new PropertyPrediction(spec, m, 1.0));
        }
        return out;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** Calls of {@link #predict}. */
    public int calls() {
        return calls;
    }

    /** Nets predicted over all calls. */
    public int nets() {
        return nets;
    }
}
