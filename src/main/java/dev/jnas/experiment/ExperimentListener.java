package dev.jnas.experiment;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.store.TrialRecord;

/** Progress of an experiment (called from the experiment's and the trials' threads). */
public interface ExperimentListener {
  ExperimentListener NONE = new ExperimentListener() {};

  default void onStart(int finishedBefore, int maxTrials) {}

  default void onTrialStart(TrialRecord trial) {}

  default void onEpoch(long trialId, EpochMetrics metrics, int totalEpochs) {}

  default void onBatch(long trialId, int epoch, double fraction) {}

  default void onTrialEnd(TrialRecord trial, TrialRecord best) {}

  default void onEnd() {}
}
