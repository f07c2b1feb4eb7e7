/**
 * Benchmarks behind the figures the README and the issues quote, as classes the CLI runs and tests can call with
 * tiny sizes.
 */
package org.ghnas.experiments.bench;
