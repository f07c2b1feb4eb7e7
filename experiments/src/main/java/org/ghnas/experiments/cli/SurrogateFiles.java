package org.ghnas.experiments.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ghnas.ghn.GraphHyperNetwork;
import org.ghnas.search.PropertyPredictorSource;
import org.ghnas.surrogate.SurrogateSet;

/**
 * The CLI's source of fitted surrogates for {@code ghnas search}: the experiment's {@code surrogates:} path, or the
 * surrogates shipped with ghnas when it names none. A path is either a surrogate file (fitted on the shipped GHN) or
 * a directory holding {@code surrogates.ghns} beside the GHN {@code checkpoint.ghn} it was fitted on (what
 * {@code ghnas ghn train --out DIR} followed by {@code ghnas surrogate fit --checkpoint DIR/checkpoint.ghn} leaves).
 */
final class SurrogateFiles implements PropertyPredictorSource {

    @Override
    public Loaded load(String surrogates) {
        SurrogateSet s;
        if (surrogates == null) {
            s = SurrogateSet.pretrained();
        } else {
            Path path = Path.of(surrogates);
            if (Files.isDirectory(path)) {
                Path file = path.resolve(SurrogateOptions.SIBLING);
                Path ckpt = path.resolve("checkpoint.ghn");
                if (!Files.exists(file)) {
                    throw new IllegalArgumentException("surrogates: no fitted surrogates at " + file
                            + " (fit them with `ghnas surrogate fit --table DIR --checkpoint " + ckpt + "`)");
                }
                s = SurrogateSet.load(file, Files.exists(ckpt) ? GraphHyperNetwork.load(ckpt)
                        : GraphHyperNetwork.pretrained());
            } else {
                if (!Files.exists(path)) {
                    throw new IllegalArgumentException("surrogates: no fitted surrogates at " + path
                            + " (expected a file from `ghnas surrogate fit` or a directory holding one)");
                }
                s = SurrogateSet.load(path, GraphHyperNetwork.pretrained());
            }
        }
        return new Loaded(s, Map.of("ghn", s.ghnChecksum(), "surrogates", s.checksum()));
    }
}
