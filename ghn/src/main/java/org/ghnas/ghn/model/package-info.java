/**
 * The GHN-2 model internals: configuration, learnable parameters and the parameter decoders that turn node states
 * into every tensor of a target network, with hand-written backward passes checked by finite differences.
 *
 * @see org.ghnas.ghn.model.GhnConfig
 * @see org.ghnas.ghn.model.Parameter
 * @see org.ghnas.ghn.model.DecoderBenchmark
 */
package org.ghnas.ghn.model;
