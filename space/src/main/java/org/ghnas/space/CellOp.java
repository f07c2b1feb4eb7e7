package org.ghnas.space;

import static java.util.Objects.requireNonNull;

/**
 * One edge of a cell: an operation applied to one of the node's possible inputs
 * (0 = cell input s0, 1 = cell input s1, j &ge; 2 = intermediate node j).
 *
 * @param op    the operation
 * @param input the index of the state the operation reads
 */
public record CellOp(OpType op, int input) {
    public CellOp {
        requireNonNull(op, "op");
        if (input < 0) {
            throw new SpecException("input", input + " is negative, expected a state index >= 0");
        }
    }

    public static CellOp of(OpType op, int input) {
        return new CellOp(op, input);
    }

    public static CellOp of(String op, int input) {
        return new CellOp(OpType.ofSpecName(op), input);
    }
}
