package dev.jnas.evaluate;

/**
 * Early stopping's question to an evaluator that trains in epochs (Optuna's {@code
 * trial.should_prune()}): after each finished epoch, once the epoch has been reported to the
 * {@link TrialListener}, should the trial stop now? An evaluator that stops returns a {@link
 * TrialStatus#PRUNED} result with the epochs it trained. Evaluators ask through {@link
 * TrialContext#shouldPrune}, which never stops a trial after its last epoch.
 *
 * <p>Called from the trial's thread; implementations are thread-safe (trials run concurrently).
 */
@FunctionalInterface
public interface PruneCheck {
  /** Never stops a trial: no early stopping. */
  PruneCheck NEVER = (trialId, latest) -> false;

  /**
   * @param latest the metrics of the epoch just finished (its number is {@code latest.epoch()})
   */
  boolean shouldPrune(long trialId, EpochMetrics latest);
}
