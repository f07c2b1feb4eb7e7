/**
 * GHN-2's node encoder and gated graph neural network, forward and reverse, in plain Java arithmetic with an
 * ND4J boundary for the parameter decoder.
 *
 * @see org.ghnas.ghn.model.GatedGnn
 * @see org.ghnas.ghn.model.ShapeEncoder
 * @see org.ghnas.ghn.model.GhnConfig
 */
package org.ghnas.ghn.model;
