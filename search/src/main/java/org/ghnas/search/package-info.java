/**
 * Evolutionary architecture search on surrogate predictions: a Jenetics codec of the DeepNets-1M space, a GA on a
 * weighted score or NSGA-II on several objectives, hard constraints, seeded and resumable runs, a random-search
 * baseline, and the files and report of a run.
 */
package org.ghnas.search;
