/**
 * Compilation of architectures into primitive layers for an input shape: the one description the computational graph and the runnable network derive from.
 */
package org.ghnas.space.plan;
