package org.ghnas.space;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A DARTS-style pair of cells: the normal cell and the reduction cell, each a list of two {@link CellOp}s per
 * intermediate node plus the list of intermediate nodes concatenated into the cell output.
 *
 * <p>Node {@code k} (k &ge; 2) of a cell with {@code steps} intermediate nodes reads the ops
 * {@code ops[2(k-2)]} and {@code ops[2(k-2)+1]}, each from a state with index {@code < k}.
 *
 * @implNote Immutable and thread-safe; the lists are copied.
 */
public record Genotype(List<CellOp> normal, List<Integer> normalConcat, List<CellOp> reduce, List<Integer> reduceConcat) {

    public Genotype {
        normal = List.copyOf(requireNonNull(normal, "normal"));
        normalConcat = List.copyOf(requireNonNull(normalConcat, "normalConcat"));
        reduce = List.copyOf(requireNonNull(reduce, "reduce"));
        reduceConcat = List.copyOf(requireNonNull(reduceConcat, "reduceConcat"));
        validateCell("normal", normal);
        validateCell("reduce", reduce);
        validateConcat("normal_concat", normalConcat, normal.size() / 2);
        validateConcat("reduce_concat", reduceConcat, reduce.size() / 2);
    }

    private static void validateCell(String field, List<CellOp> ops) {
        if (ops.isEmpty() || ops.size() % 2 != 0) {
            throw new SpecException("genotype." + field,
                    ops.size() + " ops, expected a non-empty even number (two [op, input] pairs per intermediate node)");
        }
        for (int i = 0; i < ops.size(); i++) {
            int node = 2 + i / 2;
            int input = ops.get(i).input();
            if (input >= node) {
                throw new SpecException("genotype." + field + "[" + i + "].input",
                        input + " is out of range, expected 0.." + (node - 1) + " (node " + node
                                + " reads the cell inputs 0, 1 or an earlier node)");
            }
        }
    }

    private static void validateConcat(String field, List<Integer> concat, int steps) {
        if (concat.isEmpty()) {
            throw new SpecException("genotype." + field, "empty, expected at least one node in 2.." + (steps + 1));
        }
        for (int i = 0; i < concat.size(); i++) {
            int node = concat.get(i);
            if (node < 2 || node > steps + 1) {
                throw new SpecException("genotype." + field + "[" + i + "]",
                        node + " is out of range, expected 2.." + (steps + 1));
            }
            if (concat.indexOf(node) != i) {
                throw new SpecException("genotype." + field + "[" + i + "]", node + " is listed twice");
            }
        }
    }

    /** Number of intermediate nodes of the normal cell. */
    public int steps() {
        return normal.size() / 2;
    }

    /** Number of intermediate nodes of the reduction cell. */
    public int reduceSteps() {
        return reduce.size() / 2;
    }

    /** The ops of the normal cell ({@code reduction=false}) or of the reduction cell. */
    public List<CellOp> cell(boolean reduction) {
        return reduction ? reduce : normal;
    }

    /** The concat list of the normal cell or of the reduction cell. */
    public List<Integer> concat(boolean reduction) {
        return reduction ? reduceConcat : normalConcat;
    }

    /** True if any op of either cell is {@code op}. */
    public boolean contains(OpType op) {
        return count(normal, op) + count(reduce, op) > 0;
    }

    /** True for "ViT" genotypes: the reference treats any net with an msa op as a transformer. */
    public boolean isVit() {
        return contains(OpType.MSA);
    }

    static int count(List<CellOp> ops, OpType op) {
        int n = 0;
        for (CellOp c : ops) {
            if (c.op() == op) {
                n++;
            }
        }
        return n;
    }
}
