/**
 * Summaries of repeated measurements, shared by every benchmark and measurer of the project: the median of a
 * sample ({@link org.ghnas.space.stat.Median#of}) and of timed repetitions ({@link org.ghnas.space.stat.Median#millis}).
 */
package org.ghnas.space.stat;
