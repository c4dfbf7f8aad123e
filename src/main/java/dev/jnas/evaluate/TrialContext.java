package dev.jnas.evaluate;

import java.nio.file.Path;

/**
 * What an evaluator gets besides the architecture.
 *
 * <p>The checkpoint folder belongs to this trial alone: an evaluator that trains for several epochs
 * may save its state there after each epoch (atomically, so a crash leaves the previous state
 * readable) and, when the same trial is evaluated again after a crash (same id and seed), continue
 * from it. It then reports the epochs it restored to the listener again, in order, before the new
 * ones, and its result lists every epoch. The experiment deletes the folder once the trial is
 * finished and is not the best.
 *
 * <p>Early stopping: after each reported epoch (after the last restored one, for a run continued
 * from a checkpoint) an evaluator that trains in epochs asks {@link #shouldPrune}; on yes it stops
 * and returns a {@link TrialStatus#PRUNED} result with the epochs trained so far.
 *
 * @param trialId the trial's number in its experiment
 * @param seed the trial's own seed (derived from the experiment seed); all randomness of the
 *     evaluation flows from it
 * @param epochs training budget in epochs (tabular evaluators may ignore it)
 * @param listener progress callback; never null
 * @param checkpointDir the trial's checkpoint folder, or null when nothing is to be saved (in-memory
 *     and tabular runs)
 * @param pruning the experiment's early stopping; {@link PruneCheck#NEVER} (also for null) without it
 */
public record TrialContext(
    long trialId, long seed, int epochs, TrialListener listener, Path checkpointDir, PruneCheck pruning) {

  public TrialContext {
    pruning = pruning == null ? PruneCheck.NEVER : pruning;
  }

  /** A context without early stopping. */
  public TrialContext(long trialId, long seed, int epochs, TrialListener listener, Path checkpointDir) {
    this(trialId, seed, epochs, listener, checkpointDir, PruneCheck.NEVER);
  }

  /** A context without a checkpoint folder. */
  public TrialContext(long trialId, long seed, int epochs, TrialListener listener) {
    this(trialId, seed, epochs, listener, null);
  }

  public static TrialContext of(long trialId, long seed, int epochs) {
    return new TrialContext(trialId, seed, epochs, TrialListener.NONE, null);
  }

  /**
   * Whether the trial should stop after the epoch {@code latest} (already reported to the
   * listener). Always false at or after the last epoch of the budget (when {@link #epochs} gives
   * one): a trial that has trained them all is complete.
   */
  public boolean shouldPrune(EpochMetrics latest) {
    return (epochs <= 0 || latest.epoch() < epochs) && pruning.shouldPrune(trialId, latest);
  }
}
