package org.ghnas.space.sample;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.ghnas.space.Genotype;
import org.ghnas.space.NetworkSpec;
import org.ghnas.space.Norm;
import org.ghnas.space.SpecException;
import org.ghnas.space.plan.InputShape;
import org.ghnas.space.plan.NetworkPlan;

/**
 * Draws networks the way the DeepNets-1M generator ({@code net_generator.py}, facts §1.3) does, from our own seeded
 * stream: the reference's NumPy and torch streams cannot be reproduced (facts §8), so the generator is implemented
 * as a specification and its distributions are matched instead.
 *
 * <pre>{@code
 * DeepNets1MSampler sampler = DeepNets1MSampler.builder(42)
 *         .family(Family.DEEP)
 *         .build();
 * List<NetworkSpec> nets = sampler.sample(100);
 * }</pre>
 *
 * <p>Each candidate takes all draws of the reference in its order: cells, deep threshold, steps, only_pool,
 * drop_concat, the genotype ({@link GenotypeSampler}), stem kernel; then rules 6a–6d ({@link Rejection}); then
 * C_mult, preproc, glob_avg, norm, stem_type, stem_pool and fc_layers, each drawn only where the reference draws it.
 * A rejected candidate is thrown away whole and the next one starts from the cell count. The size rule (12) needs a
 * parameter counter: by default {@link #referenceParameterCount}, the larger of the CIFAR-10 and ImageNet counts
 * of the compiled net, which also rejects nets that cannot be built (an undefined output).
 *
 * @implNote Not thread-safe: the sampler owns one random stream, and {@link #sample()} advances it. Two samplers
 *     built with the same settings and seed return the same nets, on any JVM.
 */
public final class DeepNets1MSampler {

    /** The algorithm behind every sampler's stream; fixed so that seeds mean the same on every JVM. */
    public static final String RANDOM_ALGORITHM = "L64X128MixRandom";
    /** Channel count at which the size rule counts parameters, as in the reference generator. */
    public static final int COUNT_CHANNELS = 32;
    /** Classifier hidden width at which the size rule counts parameters, as in the reference generator. */
    public static final int COUNT_FC_DIM = 256;

    /** Consecutive rejections after which {@link #sample()} gives up; the worst family rejects about half. */
    static final int MAX_CANDIDATES = 100_000;

    private static final List<Integer> STEM_KERNELS = List.of(3, 5, 7);

    private final Family family;
    private final long seed;
    private final int channels;
    private final int fcDim;
    private final long maxParams;
    private final ToLongFunction<NetworkSpec> parameterCounter;
    private final RandomGenerator rng;
    private final EnumMap<Rejection, Long> rejected = new EnumMap<>(Rejection.class);
    private long accepted;

    private DeepNets1MSampler(Builder b) {
        this.family = b.family;
        this.seed = b.seed;
        this.channels = b.channels;
        this.fcDim = b.fcDim;
        this.maxParams = b.maxParams > 0 ? b.maxParams : b.family.maxParams();
        this.parameterCounter = b.parameterCounter;
        this.rng = RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed);
    }

    /** A builder for a sampler of ID nets with base C=32 and fc_dim 256, seeded with {@code seed}. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /** A builder with this sampler's settings; the sampler built from it starts its stream afresh. */
    public Builder toBuilder() {
        Builder b = new Builder(seed).family(family).channels(channels).fcDim(fcDim);
        b.maxParams = maxParams;
        b.parameterCounter = parameterCounter;
        return b;
    }

    /**
     * Draws candidates until one passes every rule, and returns it.
     *
     * @throws IllegalStateException if {@value #MAX_CANDIDATES} candidates in a row are rejected (a parameter
     *     counter or a maxParams that rejects (nearly) everything)
     */
    public NetworkSpec sample() {
        for (int i = 0; i < MAX_CANDIDATES; i++) {
            Optional<NetworkSpec> net = candidate();
            if (net.isPresent()) {
                accepted++;
                return net.get();
            }
        }
        throw new IllegalStateException("No candidate accepted in " + MAX_CANDIDATES + " draws; check maxParams ("
                + maxParams + "), the parameter counter and the channel count (" + channels + ").");
    }

    /**
     * The next {@code n} nets.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public List<NetworkSpec> sample(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, but was " + n + ".");
        }
        List<NetworkSpec> nets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nets.add(sample());
        }
        return nets;
    }

    /** An infinite sequential stream of nets, drawn from this sampler as the stream is consumed. */
    public Stream<NetworkSpec> stream() {
        return IntStream.iterate(0, i -> i + 1).mapToObj(i -> sample());
    }

    /** Accepted nets and rejected candidates per rule, so far. */
    public SamplerStats stats() {
        return new SamplerStats(accepted, rejected);
    }

    /** The split whose generator settings this sampler uses. */
    public Family family() {
        return family;
    }

    /** The seed of this sampler's random stream. */
    public long seed() {
        return seed;
    }

    /** Base channel count C before the family's factor (the nets have {@code C * family().channelFactor()}). */
    public int channels() {
        return channels;
    }

    /** Hidden width of the nets' two-layer classifiers. */
    public int fcDim() {
        return fcDim;
    }

    /** Largest parameter count at C=32 the size rule accepts. */
    public long maxParams() {
        return maxParams;
    }

    /** One candidate of the reference's loop: the net, or empty (and counted) if a rule rejects it. */
    private Optional<NetworkSpec> candidate() {
        int cells = rng.nextInt(family.minCells(), family.maxCells() + 1);
        int threshold = choice(family.deepThresholds());
        int steps = rng.nextInt(family.minSteps(), family.stepsLimit(cells, threshold) + 1);
        boolean onlyPool = rng.nextDouble() > 0.5;
        boolean dropConcat = steps > 1 && rng.nextDouble() > 0.5;
        Genotype genotype = GenotypeSampler.of(steps, onlyPool, steps > 1, dropConcat).sample(rng);
        int stemKernel = choice(STEM_KERNELS);

        Optional<Rejection> broken = Rejection.ofGenotype(genotype);
        if (broken.isPresent()) {
            return reject(broken.get());
        }

        boolean vit = genotype.isVit();
        int channelMultiplier = rng.nextInt(1, 3);
        boolean preproc = steps > 1 || channelMultiplier > 1 || !vit || rng.nextDouble() > 0.8;
        boolean globalAvg = vit || cells > threshold || rng.nextDouble() > 0.1;
        Norm norm = family.bnFree() ? Norm.NONE
                : family.drawsNorm(cells, steps) ? (rng.nextInt(2) == 0 ? Norm.BATCH_NORM : Norm.NONE)
                : Norm.BATCH_NORM;
        int stemType = rng.nextInt(2);
        boolean stemPool = stemType == 0 && rng.nextDouble() > 0.5;
        int fcLayers = rng.nextInt(1, 3);

        NetworkSpec spec;
        try {
            spec = new NetworkSpec(genotype, channels * family.channelFactor(), cells, stemKernel, channelMultiplier,
                    preproc, globalAvg, norm, stemType, stemPool, fcLayers, fcDim);
        } catch (SpecException e) {
            return reject(Rejection.INVALID_SPEC);
        }
        if (parameterCounter != null) {
            long params;
            try {
                // valid whenever spec is: C=32 is even and >= 8
                NetworkSpec counted = spec.toBuilder().channels(COUNT_CHANNELS).fcDim(COUNT_FC_DIM).build();
                params = parameterCounter.applyAsLong(counted);
            } catch (SpecException e) {
                return reject(Rejection.UNBUILDABLE);
            }
            if (params > maxParams) {
                return reject(Rejection.TOO_MANY_PARAMS);
            }
        }
        return Optional.of(spec);
    }

    /**
     * The reference generator's size check: the parameters of the net built for CIFAR-10 and for ImageNet inputs,
     * whichever is larger.
     *
     * @throws SpecException if the net cannot be built
     */
    public static long referenceParameterCount(NetworkSpec spec) {
        return Math.max(NetworkPlan.parameterCount(spec, InputShape.CIFAR10),
                NetworkPlan.parameterCount(spec, InputShape.IMAGENET));
    }

    private Optional<NetworkSpec> reject(Rejection rule) {
        rejected.merge(rule, 1L, Long::sum);
        return Optional.empty();
    }

    private int choice(List<Integer> values) {
        return values.get(rng.nextInt(values.size()));
    }

    /**
     * Settings of a {@link DeepNets1MSampler}; each setter validates its argument at once.
     */
    public static final class Builder {
        private final long seed;
        private Family family = Family.ID;
        private int channels = COUNT_CHANNELS;
        private int fcDim = COUNT_FC_DIM;
        private long maxParams;
        private ToLongFunction<NetworkSpec> parameterCounter = DeepNets1MSampler::referenceParameterCount;

        private Builder(long seed) {
            this.seed = seed;
        }

        /** The split whose generator settings to use (default {@link Family#ID}). */
        public Builder family(Family f) {
            this.family = requireNonNull(f, "family");
            return this;
        }

        /**
         * Base channel count C (default 32, like the reference generator); WIDE nets get {@code 4 C}. With an even
         * C &ge; 8 every drawn net is a valid {@code NetworkSpec}. With an odd C many nets break its even-width rule
         * (and below 8 its msa rule) and are rejected as {@link Rejection#INVALID_SPEC}: 43% of ID candidates at
         * C=33, 68% at C=5, which skews the distribution towards nets without factorized reductions.
         *
         * @throws IllegalArgumentException if {@code c < 1}
         */
        public Builder channels(int c) {
            if (c < 1) {
                throw new IllegalArgumentException("channels must be >= 1, but was " + c + ".");
            }
            this.channels = c;
            return this;
        }

        /**
         * Hidden width of two-layer classifiers (default 256, the generator's fixed value).
         *
         * @throws IllegalArgumentException if {@code d < 1}
         */
        public Builder fcDim(int d) {
            if (d < 1) {
                throw new IllegalArgumentException("fcDim must be >= 1, but was " + d + ".");
            }
            this.fcDim = d;
            return this;
        }

        /**
         * Largest parameter count the size rule accepts (default: the family's, 1e7 or 1e8).
         *
         * @throws IllegalArgumentException if {@code max < 1}
         */
        public Builder maxParams(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxParams must be >= 1, but was " + max + ".");
            }
            this.maxParams = max;
            return this;
        }

        /**
         * Enables rule 12: {@code counter} receives each drawn net at C=32 and fc_dim 256 and returns its CIFAR-10
         * parameter count (the reference also rejects on the ImageNet count, so a counter may return the larger of
         * the two); nets above {@link #maxParams} are rejected, and so are nets for which it throws
         * {@link SpecException} because they cannot be built (e.g. an undefined output). Without a counter no net
         * is rejected for its size.
         */
        public Builder parameterCounter(ToLongFunction<NetworkSpec> counter) {
            this.parameterCounter = requireNonNull(counter, "parameterCounter");
            return this;
        }

        /** A sampler with these settings, its stream at the start. */
        public DeepNets1MSampler build() {
            return new DeepNets1MSampler(this);
        }
    }
}
