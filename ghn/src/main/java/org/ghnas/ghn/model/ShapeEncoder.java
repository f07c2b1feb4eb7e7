package org.ghnas.ghn.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Maps a node's parameter shape to the four rows of the GHN's shape embedding: channel rows for the out- and
 * in-channels and spatial rows for height and width (facts §3.2, reference {@code layers.py::ShapeEncoder}).
 *
 * <p>Vocabularies: channels = {1, 3, numClasses} &cup; {8..56 step 8} &cup; {64..4080 step 16} &cup;
 * {4096..8192 step 32} (391 values for 10 classes); spatial = odd 1..max(12, s)-1 &cup; {14, 16}
 * ([1,3,5,7,9,11,14,16] for s = 11). Each table has one extra last row for "no shape". Unseen values are mapped
 * as the reference does: channels 4..7 to 8, other values below the largest entry to the nearest entry (ties to
 * the smaller), anything else to the largest entry; spatial 2 to 3, then nearest, then largest.
 *
 * <pre>{@code
 * ShapeEncoder enc = new ShapeEncoder(10, 11);
 * int[] rows = enc.rows(List.of(64, 32, 3, 3));   // channel rows of 64 and 32, spatial rows of 3 and 3
 * enc.channel(rows[0]);                            // 64
 * }</pre>
 *
 * @implNote Immutable and thread-safe.
 */
public final class ShapeEncoder {

    private final int[] channels;
    private final int[] spatial;

    /**
     * Builds both vocabularies.
     *
     * @param numClasses classes of the target task (joins the channel vocabulary)
     * @param spatialMax spatial side of the decoder's max shape
     * @throws IllegalArgumentException if an argument is below 1
     */
    public ShapeEncoder(int numClasses, int spatialMax) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, but was " + numClasses + ".");
        }
        if (spatialMax < 1) {
            throw new IllegalArgumentException("spatialMax must be >= 1, but was " + spatialMax + ".");
        }
        TreeSet<Integer> ch = new TreeSet<>(List.of(1, 3, numClasses));
        for (int c = 8; c < 64; c += 8) {
            ch.add(c);
        }
        for (int c = 64; c < 4096; c += 16) {
            ch.add(c);
        }
        for (int c = 4096; c <= 8192; c += 32) {
            ch.add(c);
        }
        this.channels = ch.stream().mapToInt(Integer::intValue).toArray();
        TreeSet<Integer> sp = new TreeSet<>(List.of(14, 16));
        for (int s = 1; s < Math.max(12, spatialMax); s += 2) {
            sp.add(s);
        }
        this.spatial = sp.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The channel vocabulary for {@code config}. */
    public static ShapeEncoder of(GhnConfig config) {
        return new ShapeEncoder(config.numClasses(), config.spatialMax());
    }

    /** Rows of the channel table: the vocabulary plus the "no shape" row. */
    public int channelRows() {
        return channels.length + 1;
    }

    /** Rows of the spatial table: the vocabulary plus the "no shape" row. */
    public int spatialRows() {
        return spatial.length + 1;
    }

    /** Index of the channel table's "no shape" row (the last one). */
    public int noShapeChannelRow() {
        return channels.length;
    }

    /** Index of the spatial table's "no shape" row (the last one). */
    public int noShapeSpatialRow() {
        return spatial.length;
    }

    /** The channel count a vocabulary row stands for. */
    public int channel(int row) {
        return channels[row];
    }

    /** The spatial size a vocabulary row stands for. */
    public int spatial(int row) {
        return spatial[row];
    }

    /** The channel vocabulary, ascending. */
    public List<Integer> channelVocabulary() {
        return Arrays.stream(channels).boxed().toList();
    }

    /** The spatial vocabulary, ascending. */
    public List<Integer> spatialVocabulary() {
        return Arrays.stream(spatial).boxed().toList();
    }

    /** Channel-table row of a channel count: exact, 4..7 as 8, nearest (ties to the smaller), else the largest. */
    public int channelRow(int c) {
        if (c >= 4 && c < 8) {
            return Arrays.binarySearch(channels, 8);
        }
        return nearest(channels, c);
    }

    /** Spatial-table row of a kernel or map side: exact, 2 as 3, nearest (ties to the smaller), else the largest. */
    public int spatialRow(int s) {
        if (s == 2) {
            return Arrays.binarySearch(spatial, 3);
        }
        return nearest(spatial, s);
    }

    private static int nearest(int[] vocabulary, int value) {
        int exact = Arrays.binarySearch(vocabulary, value);
        if (exact >= 0) {
            return exact;
        }
        int last = vocabulary.length - 1;
        if (value < 1 || value >= vocabulary[last]) {
            return last;
        }
        int above = -exact - 1; // first entry greater than value
        if (above == 0) {
            return 0;
        }
        return value - vocabulary[above - 1] <= vocabulary[above] - value ? above - 1 : above;
    }

    /**
     * The four table rows (out-channel, in-channel, height, width) of a parameter shape; the "no shape" rows for
     * an empty shape.
     *
     * @throws IllegalArgumentException if the shape has more than 4 dimensions
     */
    public int[] rows(List<Integer> shape) {
        requireNonNull(shape, "shape");
        if (shape.isEmpty()) {
            return new int[] {noShapeChannelRow(), noShapeChannelRow(), noShapeSpatialRow(), noShapeSpatialRow()};
        }
        int[] s = to4d(shape);
        return new int[] {channelRow(s[0]), channelRow(s[1]), spatialRow(s[2]), spatialRow(s[3])};
    }

    /**
     * The reference's shape-to-4D rule: (c) to (c,1,1,1); (o,i) to (o,i,1,1); (1,L,D) with L,D &gt; 1 to
     * (1,D,&lfloor;&radic;L&rfloor;,&lfloor;&radic;L&rfloor;); any other 3D (a,b,c) to (a,b,c,1); 4D unchanged.
     *
     * @throws IllegalArgumentException if the shape is empty or has more than 4 dimensions
     */
    public static int[] to4d(List<Integer> shape) {
        requireNonNull(shape, "shape");
        return switch (shape.size()) {
            case 1 -> new int[] {shape.get(0), 1, 1, 1};
            case 2 -> new int[] {shape.get(0), shape.get(1), 1, 1};
            case 3 -> {
                int a = shape.get(0);
                int b = shape.get(1);
                int c = shape.get(2);
                if (a == 1 && Math.min(b, c) > 1) {
                    int side = (int) Math.floor(Math.sqrt(b));
                    yield new int[] {1, c, side, side};
                }
                yield new int[] {a, b, c, 1};
            }
            case 4 -> new int[] {shape.get(0), shape.get(1), shape.get(2), shape.get(3)};
            default -> throw new IllegalArgumentException(
                    "shape must have 1 to 4 dimensions, but was " + shape + ".");
        };
    }
}
