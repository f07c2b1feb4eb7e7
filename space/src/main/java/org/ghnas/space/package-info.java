/**
 * The DeepNets-1M-style architecture space: operations, genotypes and network specs ({@link org.ghnas.space.NetworkSpec}, {@link org.ghnas.space.ResNet50}), validated on construction.
 */
package org.ghnas.space;
