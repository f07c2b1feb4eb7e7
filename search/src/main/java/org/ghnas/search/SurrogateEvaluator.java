package org.ghnas.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.engine.Evaluator;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.ISeq;
import io.jenetics.util.Seq;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.json.ArchitectureJson;
import org.ghnas.surrogate.PropertyPrediction;
import org.ghnas.surrogate.PropertyPredictor;

/**
 * Scores a whole generation with one call to the predictor (the GHN embeds a batch faster than one net at a time),
 * asking only for nets it has not seen: predictions are cached by the spec's JSON. Counts every individual it
 * scores, cached or not, so that the random baseline can be given the same number of evaluations.
 *
 * @implNote Not thread-safe; the engine runs with a same-thread executor.
 */
final class SurrogateEvaluator implements Evaluator<IntegerGene, Vec<double[]>> {

    private final ArchitectureCodec codec;
    private final SpaceRules rules;
    private final Scoring scoring;
    private final boolean multiObjective;
    private final PropertyPredictor predictor;
    private final Map<String, Evaluation> cache = new HashMap<>();
    private long evaluations;
    private long predictions;

    SurrogateEvaluator(ArchitectureCodec codec, SpaceRules rules, Scoring scoring, boolean multiObjective,
                       PropertyPredictor predictor) {
        this.codec = codec;
        this.rules = rules;
        this.scoring = scoring;
        this.multiObjective = multiObjective;
        this.predictor = predictor;
    }

    @Override
    public ISeq<Phenotype<IntegerGene, Vec<double[]>>> eval(Seq<Phenotype<IntegerGene, Vec<double[]>>> population) {
        List<NetworkSpec> pending = new ArrayList<>();
        for (Phenotype<IntegerGene, Vec<double[]>> p : population) {
            if (p.nonEvaluated()) {
                pending.add(codec.decode(p.genotype()));
            }
        }
        List<Evaluation> scored = evaluate(pending);
        List<Phenotype<IntegerGene, Vec<double[]>>> out = new ArrayList<>(population.size());
        int next = 0;
        for (Phenotype<IntegerGene, Vec<double[]>> p : population) {
            out.add(p.isEvaluated() ? p : p.withFitness(scoring.fitness(scored.get(next++), multiObjective)));
        }
        return ISeq.of(out);
    }

    /**
     * Scores nets (valid ones only), counting each as an evaluation.
     *
     * @throws IllegalStateException if a net may not be scored (a bug: the constraint must have removed it) or the
     *     predictor returns the wrong number of predictions
     */
    List<Evaluation> evaluate(List<NetworkSpec> specs) {
        List<String> keys = new ArrayList<>(specs.size());
        Map<String, NetworkSpec> missing = new java.util.LinkedHashMap<>();
        for (NetworkSpec spec : specs) {
            NetworkFacts facts = rules.facts(spec);
            if (!facts.valid()) {
                throw new IllegalStateException("asked to score an invalid net (" + facts.violation() + ")");
            }
            String key = ArchitectureJson.toCompactJson(spec);
            keys.add(key);
            if (!cache.containsKey(key)) {
                missing.put(key, spec);
            }
        }
        if (!missing.isEmpty()) {
            List<NetworkSpec> batch = new ArrayList<>(missing.values());
            List<PropertyPrediction> predicted = predictor.predict(batch);
            if (predicted.size() != batch.size()) {
                throw new IllegalStateException("the predictor returned " + predicted.size() + " predictions for "
                        + batch.size() + " nets");
            }
            predictions += batch.size();
            int i = 0;
            for (Map.Entry<String, NetworkSpec> e : missing.entrySet()) {
                cache.put(e.getKey(), scoring.evaluate(e.getValue(), rules.facts(e.getValue()), predicted.get(i++)));
            }
        }
        evaluations += specs.size();
        List<Evaluation> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(cache.get(k));
        }
        return out;
    }

    /** The evaluation of a scored net. */
    Evaluation evaluation(NetworkSpec spec) {
        Evaluation e = cache.get(ArchitectureJson.toCompactJson(spec));
        if (e == null) {
            throw new IllegalStateException("net was never scored");
        }
        return e;
    }

    /** Puts an evaluation read from a checkpoint into the cache. */
    void remember(Evaluation e) {
        cache.putIfAbsent(ArchitectureJson.toCompactJson(e.spec()), e);
    }

    /** Individuals scored so far (cached or not). */
    long evaluations() {
        return evaluations;
    }

    /** Nets sent to the predictor so far (cache misses). */
    long predictions() {
        return predictions;
    }
}
