/**
 * The GHN-2 public API: predict all parameters of an architecture and embed its graph, without ND4J types.
 *
 * @see org.ghnas.ghn.GraphHyperNetwork
 * @see org.ghnas.ghn.PredictedParameters
 * @see org.ghnas.ghn.GraphEmbedding
 */
package org.ghnas.ghn;
