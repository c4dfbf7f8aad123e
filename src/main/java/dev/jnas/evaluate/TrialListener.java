package dev.jnas.evaluate;

/** Progress of a running trial (called from the trial's thread). */
public interface TrialListener {
  TrialListener NONE = new TrialListener() {};

  /** After each finished epoch. */
  default void onEpoch(long trialId, EpochMetrics metrics, int totalEpochs) {}

  /** After each training batch; {@code fraction} of epoch {@code epoch} (from 1) is done. */
  default void onBatch(long trialId, int epoch, double fraction) {}
}
