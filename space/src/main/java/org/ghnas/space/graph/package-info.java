/**
 * Computational graphs as the GHN sees them: typed nodes with parameter shapes in topological order, real and virtual edges.
 */
package org.ghnas.space.graph;
