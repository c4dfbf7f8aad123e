package dev.jnas.experiment.pruning;

import java.util.List;

/**
 * Decides whether a running trial stops after its latest epoch (Optuna's {@code
 * BasePruner.prune(study, trial)}). Pure: the decision depends only on the curves handed in, so a
 * resumed experiment decides as the original would have with the same curves. Higher values are
 * better. {@link EarlyStopping} never asks after a trial's last budgeted epoch.
 */
public interface Pruner {

  /** The registered name, e.g. {@code median}. */
  String name();

  /**
   * @param trial the running trial, its latest epoch being {@code trial.epochs()}
   * @param others every other trial of the experiment that reported an epoch (running, complete
   *     and pruned), in id order
   * @param maxEpochs the epochs a trial trains when it is not stopped
   * @return true to stop the trial now
   */
  boolean prune(LearningCurve trial, List<LearningCurve> others, int maxEpochs);
}
