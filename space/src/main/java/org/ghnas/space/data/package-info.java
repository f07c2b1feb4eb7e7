/**
 * Image datasets for training and evaluating the networks of the space: Fashion-MNIST (the embedded default,
 * from Debian's {@code dataset-fashion-mnist}) and CIFAR-10 binary batches that users bring. Images are kept as
 * compact bytes and leave this package only as plain {@code float[]} batches in NCHW order, so nothing here
 * depends on ND4J.
 *
 * @see org.ghnas.space.data.Datasets
 * @see org.ghnas.space.data.ImageDataset
 * @see org.ghnas.space.data.BatchSequence
 */
package org.ghnas.space.data;
