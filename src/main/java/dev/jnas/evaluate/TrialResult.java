package dev.jnas.evaluate;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Outcome of evaluating one architecture.
 *
 * @param valAccuracy final validation accuracy (fraction for trained models; the table's unit,
 *     e.g. percent, for tabular benchmarks); NaN when failed
 * @param testAccuracy test accuracy or NaN when not measured
 * @param reward what the strategy maximises (after the reward transform); NaN when failed; for a
 *     PRUNED trial the reward of the epochs it trained
 * @param params trainable parameter count (0 when unknown)
 * @param flops multiply-adds of one forward pass of one example (0 when unknown)
 * @param error message of a FAILED/INVALID trial, else null
 */
public record TrialResult(
    TrialStatus status,
    List<EpochMetrics> epochs,
    double valAccuracy,
    double testAccuracy,
    double reward,
    long params,
    long flops,
    double wallSeconds,
    String error) {

  public TrialResult {
    epochs = List.copyOf(epochs);
  }

  public static TrialResult failed(String error, double wallSeconds) {
    return new TrialResult(TrialStatus.FAILED, List.of(), Double.NaN, Double.NaN, Double.NaN, 0, 0, wallSeconds, error);
  }

  public static TrialResult invalid(String error) {
    return new TrialResult(TrialStatus.INVALID, List.of(), Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, error);
  }

  public boolean isComplete() {
    return status == TrialStatus.COMPLETE;
  }

  /**
   * What the strategy is told: the reward of a COMPLETE trial, and of a PRUNED one the reward it
   * had reached when it was stopped (lower than a complete run's, which keeps the strategy away
   * from it without pretending it was never tried); empty for failed and invalid trials.
   */
  public OptionalDouble toldReward() {
    boolean scored = status == TrialStatus.COMPLETE || status == TrialStatus.PRUNED;
    return scored && Double.isFinite(reward) ? OptionalDouble.of(reward) : OptionalDouble.empty();
  }
}
