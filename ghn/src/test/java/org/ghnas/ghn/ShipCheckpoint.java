package org.ghnas.ghn;

import java.nio.file.Path;

/**
 * Turns a training checkpoint into the shipped weights file (no optimizer state, a third of the size):
 * {@code ShipCheckpoint CHECKPOINT OUT}. Prints the weights' checksum.
 */
public final class ShipCheckpoint {

    private ShipCheckpoint() {
    }

    public static void main(String[] args) {
        GraphHyperNetwork ghn = GraphHyperNetwork.load(Path.of(args[0]));
        ghn.save(Path.of(args[1]));
        System.out.println(ghn + " -> " + args[1]);
    }
}
