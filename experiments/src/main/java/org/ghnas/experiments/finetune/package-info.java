/**
 * Fine-tuning from GHN-predicted parameters against He init with the same batches: does a predicted
 * initialisation train faster?
 *
 * @see org.ghnas.experiments.finetune.FineTuning
 */
package org.ghnas.experiments.finetune;
