/**
 * Property surrogates: regressors on GHN graph embeddings that estimate clean accuracy, noise robustness, inference
 * latency and convergence speed of an architecture, fitted on measured ground truth.
 */
package org.ghnas.surrogate;
