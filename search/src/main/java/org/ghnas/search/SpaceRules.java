package org.ghnas.search;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.ghnas.space.CellOp;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.OpType;
import org.ghnas.space.SpecException;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;
import org.ghnas.space.sample.DeepNets1MSampler;
import org.ghnas.space.sample.Family;
import org.ghnas.space.sample.Rejection;

/**
 * Decides whether a decoded net may be scored: the rules by which the DeepNets-1M generator rejects candidates
 * (genotype rules 6a-6d, no {@code none} op in one-step cells, at most 1e7 parameters at C=32), that the net builds
 * for the experiment's input, and the exact budgets of {@link Constraints}. Surrogates are only trusted inside the
 * space they were fitted on, so nets outside it are never scored.
 *
 * @implNote Not thread-safe: caches the facts of every net it has seen (the search runs on one thread).
 */
public final class SpaceRules {

    private final InputShape input;
    private final Constraints constraints;
    private final Map<NetworkSpec, NetworkFacts> cache = new HashMap<>();

    /** Rules for nets run on {@code input}, within {@code constraints}. */
    public SpaceRules(InputShape input, Constraints constraints) {
        this.input = java.util.Objects.requireNonNull(input, "input");
        this.constraints = java.util.Objects.requireNonNull(constraints, "constraints");
    }

    /** The input the nets are built for. */
    public InputShape input() {
        return input;
    }

    /** The size, FLOPs (0 where the net was rejected before they were counted) and validity of a net. */
    public NetworkFacts facts(NetworkSpec spec) {
        return cache.computeIfAbsent(spec, this::compute);
    }

    private NetworkFacts compute(NetworkSpec spec) {
        Optional<Rejection> rule = Rejection.ofGenotype(spec.genotype());
        if (rule.isPresent()) {
            return new NetworkFacts(0, 0, "generator rule " + rule.get());
        }
        if (spec.genotype().steps() == 1 && hasNone(spec)) {
            return new NetworkFacts(0, 0, "none op in a one-step cell");
        }
        long params;
        long referenceParams;
        try {
            params = NetworkPlan.parameterCount(spec, input); // fast path, no graph
            if (params > constraints.maxParams()) {
                return new NetworkFacts(params, 0, "params " + params + " > maxParams " + constraints.maxParams());
            }
            NetworkSpec counted = spec.toBuilder().channels(DeepNets1MSampler.COUNT_CHANNELS)
                    .fcDim(DeepNets1MSampler.COUNT_FC_DIM).build();
            referenceParams = DeepNets1MSampler.referenceParameterCount(counted);
        } catch (SpecException e) {
            return new NetworkFacts(0, 0, "unbuildable: " + e.getMessage());
        }
        if (referenceParams > Family.ID.maxParams()) {
            return new NetworkFacts(params, 0, "generator size rule: " + referenceParams + " parameters at C=32");
        }
        long flops;
        try {
            flops = NetworkPlan.of(spec, input).flops(); // ~10 ms: only for nets that passed everything else
        } catch (SpecException e) {
            return new NetworkFacts(params, 0, "unbuildable: " + e.getMessage());
        }
        if (flops > constraints.maxFlops()) {
            return new NetworkFacts(params, flops, "flops " + flops + " > maxFlops " + constraints.maxFlops());
        }
        return new NetworkFacts(params, flops, null);
    }

    private static boolean hasNone(NetworkSpec spec) {
        for (CellOp op : spec.genotype().normal()) {
            if (op.op() == OpType.NONE) {
                return true;
            }
        }
        for (CellOp op : spec.genotype().reduce()) {
            if (op.op() == OpType.NONE) {
                return true;
            }
        }
        return false;
    }
}
