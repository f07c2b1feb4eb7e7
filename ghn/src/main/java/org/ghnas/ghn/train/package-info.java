/**
 * GHN-2 training on images with exact, checksummed checkpoints.
 *
 * @see org.ghnas.ghn.train.GhnTrainer
 * @see org.ghnas.ghn.train.GhnTrainingConfig
 */
package org.ghnas.ghn.train;
