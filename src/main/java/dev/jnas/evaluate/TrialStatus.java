package dev.jnas.evaluate;

/** Life cycle of a trial. */
public enum TrialStatus {
  RUNNING,
  COMPLETE,
  /** Evaluation threw, diverged (NaN loss) or ran out of memory. */
  FAILED,
  /** The architecture breaks the space's constraints or cannot be built. */
  INVALID,
  /**
   * Stopped early by the experiment's early stopping ({@link PruneCheck}): finished, with the
   * epochs it trained and the reward it had reached by then (lower than a complete trial's would
   * be). The strategy hears that reward; it is the experiment's best only when no trial completed.
   */
  PRUNED;

  public boolean isFinished() {
    return this != RUNNING;
  }
}
