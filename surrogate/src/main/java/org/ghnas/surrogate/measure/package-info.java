/**
 * Ground truth for the property surrogates: trains sampled architectures with a fixed SGD budget and measures their
 * clean accuracy, noise robustness, inference latency and convergence speed (facts §5.2), resumably, one
 * measurement directory per run.
 *
 * @see org.ghnas.surrogate.measure.MeasurementConfig
 * @see org.ghnas.surrogate.measure.GroundTruthMeasurer
 * @see org.ghnas.surrogate.measure.MeasurementTable
 */
package org.ghnas.surrogate.measure;
