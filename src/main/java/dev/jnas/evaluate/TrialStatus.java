package dev.jnas.evaluate;

/** Life cycle of a trial. */
public enum TrialStatus {
  RUNNING,
  COMPLETE,
  /** Evaluation threw, diverged (NaN loss) or ran out of memory. */
  FAILED,
  /** The architecture breaks the space's constraints or cannot be built. */
  INVALID;

  public boolean isFinished() {
    return this != RUNNING;
  }
}
