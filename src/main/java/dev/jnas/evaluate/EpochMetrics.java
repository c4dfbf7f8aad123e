package dev.jnas.evaluate;

/** Metrics after one training epoch (numbered from 1); accuracies are fractions in [0, 1]. */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double valLoss,
    double valAccuracy,
    double seconds) {}
