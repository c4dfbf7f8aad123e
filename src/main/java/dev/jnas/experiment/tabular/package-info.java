/**
 * Simulated searches on tabular benchmarks: many seeds per strategy in milliseconds, reported as
 * mean best, regret and how often the optimum was found.
 */
package dev.jnas.experiment.tabular;
