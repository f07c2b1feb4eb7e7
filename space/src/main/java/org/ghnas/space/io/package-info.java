/**
 * Small file utilities shared by all modules: atomic writes ({@link org.ghnas.space.io.AtomicFiles}) and strict
 * reading of YAML configs with one-line errors ({@link org.ghnas.space.io.StrictYaml}).
 */
package org.ghnas.space.io;
