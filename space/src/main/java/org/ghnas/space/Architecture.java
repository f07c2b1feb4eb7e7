package org.ghnas.space;

/**
 * An image-classification architecture that ghnas can turn into a computational graph and a runnable network:
 * a cell-based {@link NetworkSpec} of the DeepNets-1M-style space, or a predefined network outside it
 * ({@link ResNet50}).
 */
public sealed interface Architecture permits NetworkSpec, ResNet50 {
}
