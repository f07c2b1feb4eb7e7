package org.ghnas.space.data;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The batches of one pass over a dataset, in a fixed order: sequential for evaluation, or a permutation drawn once
 * for a training epoch. Batches are built on demand, so a pass holds only the bytes of the dataset.
 *
 * <pre>{@code
 * BatchSequence clean = validation.batches(64);
 * BatchSequence noisy = clean.withNoise(0.08, rng);   // the reference's noise-robustness protocol
 * for (ImageBatch batch : noisy) { ... }
 * }</pre>
 *
 * <p>With noise, batch {@code i} draws from its own generator seeded from one seed taken from the caller's
 * generator and {@code i}: {@link #get(int)} returns the same batch whatever the order of access.
 *
 * @implNote Immutable and thread-safe; each {@link #get(int)} returns a new batch.
 */
public final class BatchSequence implements Iterable<ImageBatch> {
    private final ImageDataset dataset;
    private final int[] order;
    private final int batchSize;
    private final boolean normalise;
    private final double noiseSigma;
    private final long noiseSeed;

    private BatchSequence(ImageDataset dataset, int[] order, int batchSize, boolean normalise, double noiseSigma,
            long noiseSeed) {
        this.dataset = dataset;
        this.order = order;
        this.batchSize = batchSize;
        this.normalise = normalise;
        this.noiseSigma = noiseSigma;
        this.noiseSeed = noiseSeed;
    }

    static BatchSequence sequential(ImageDataset dataset, int batchSize) {
        int[] order = new int[dataset.size()];
        Arrays.setAll(order, k -> k);
        return shuffled(dataset, batchSize, order);
    }

    static BatchSequence shuffled(ImageDataset dataset, int batchSize, int[] order) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, but was " + batchSize);
        }
        return new BatchSequence(dataset, order, batchSize, true, 0, 0);
    }

    /** The same batches in raw [0, 1] pixel space, without normalisation (noise, if any, stays). */
    public BatchSequence unnormalised() {
        return new BatchSequence(dataset, order, batchSize, false, noiseSigma, noiseSeed);
    }

    /**
     * The same batches with additive Gaussian noise of standard deviation {@code sigma} in raw [0, 1] pixel space,
     * clipped to [0, 1] before normalisation (the reference's {@code Noise} transform; it uses sigma 0.08 on
     * CIFAR-10). Every pixel gets noise, the zero padding of Fashion-MNIST included, as the transform sees the padded
     * image. One seed is drawn from {@code rng} now.
     *
     * @throws IllegalArgumentException unless {@code 0 <= sigma <= 1}
     */
    public BatchSequence withNoise(double sigma, RandomGenerator rng) {
        requireNonNull(rng, "rng");
        if (!(sigma >= 0 && sigma <= 1)) {
            throw new IllegalArgumentException("noise sigma must be in [0, 1], but was " + sigma);
        }
        return new BatchSequence(dataset, order, batchSize, normalise, sigma, rng.nextLong());
    }

    /** The dataset the batches come from. */
    public ImageDataset dataset() {
        return dataset;
    }

    /** Images per batch; the last batch may hold fewer. */
    public int batchSize() {
        return batchSize;
    }

    /** Whether pixels are normalised with the dataset's per-channel mean and std. */
    public boolean normalised() {
        return normalise;
    }

    /** Standard deviation of the additive noise in raw pixel space; 0 for clean batches. */
    public double noiseSigma() {
        return noiseSigma;
    }

    /** Number of batches: {@code ceil(dataset.size() / batchSize)}. */
    public int size() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** The dataset indices of batch {@code i}, in batch order. */
    public List<Integer> indices(int i) {
        int from = start(i);
        int to = Math.min(from + batchSize, order.length);
        return IntStream.range(from, to).mapToObj(k -> order[k]).toList();
    }

    /** Batch {@code i}, built now. */
    public ImageBatch get(int i) {
        int from = start(i);
        int to = Math.min(from + batchSize, order.length);
        RandomGenerator noise = noiseSigma > 0 ? new SplittableRandom(mix(noiseSeed + mix(i + 1L))) : null;
        return dataset.fill(order, from, to, normalise, noiseSigma, noise);
    }

    private int start(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("batch index must be in [0, " + size() + "), but was " + i);
        }
        return i * batchSize;
    }

    /** MurmurHash3's 64-bit finaliser: decorrelates the per-batch seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The batches in order, each built when the iteration reaches it. */
    @Override
    public Iterator<ImageBatch> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size();
            }

            @Override
            public ImageBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + size() + " batches were returned");
                }
                return get(next++);
            }
        };
    }

    /** The batches in order as a sequential stream. */
    public Stream<ImageBatch> stream() {
        return IntStream.range(0, size()).mapToObj(this::get);
    }

    @Override
    public String toString() {
        return size() + " batches of " + batchSize + " from " + dataset.name()
                + (noiseSigma > 0 ? ", noise sigma " + noiseSigma : "") + (normalise ? "" : ", unnormalised");
    }
}
