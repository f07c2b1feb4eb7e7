/**
 * Seeded samplers of the DeepNets-1M-style space: the reference generator ({@code net_generator.py}) re-implemented as a
 * specification with our own random streams, so that its distributions, not its exact nets, are reproduced.
 *
 * @see org.ghnas.space.sample.DeepNets1MSampler
 * @see org.ghnas.space.sample.GenotypeSampler
 * @see org.ghnas.space.sample.Family
 * @see org.ghnas.space.sample.PredefinedNets
 */
package org.ghnas.space.sample;
