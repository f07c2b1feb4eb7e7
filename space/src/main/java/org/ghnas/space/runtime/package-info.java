/**
 * Eager ND4J layer kernels with hand-written backward passes, from which the runnable networks of the space are
 * interpreted layer by layer: building a SameDiff graph per sampled architecture costs seconds, a kernel call
 * microseconds. Layout is NCHW, parameters use PyTorch layouts, and every kernel keeps the dtype of its inputs.
 *
 * @see org.ghnas.space.runtime.KernelBenchmark
 */
package org.ghnas.space.runtime;
