/**
 * Export of architectures with their GHN-predicted parameters to files that run without ghnas: a SameDiff
 * FlatBuffers model for plain ND4J and an ONNX model, next to the spec, the predicted-parameters file and a manifest
 * of what was measured ({@link org.ghnas.experiments.export.ModelExporter}); and the reader of a search run's
 * population ({@link org.ghnas.experiments.export.Population}).
 */
package org.ghnas.experiments.export;
