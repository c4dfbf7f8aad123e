/**
 * Early stopping for multi-trial searches: pruners that decide after each epoch whether a running
 * trial should stop (median rule, learning-curve extrapolation, successive halving, Hyperband), and
 * {@link dev.jnas.experiment.pruning.EarlyStopping}, which keeps the experiment's learning curves
 * and answers the evaluators' {@link dev.jnas.evaluate.PruneCheck}. Engine-free.
 */
package dev.jnas.experiment.pruning;
