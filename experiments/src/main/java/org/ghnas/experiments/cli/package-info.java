/**
 * The ghnas command line (picocli): every command, its options, progress output and one-line errors.
 */
package org.ghnas.experiments.cli;
