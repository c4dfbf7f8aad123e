package dev.jnas.experiment.pruning;

import java.util.List;

/**
 * The median stopping rule (Optuna's {@code MedianPruner}, Golovin et al. 2017's Vizier): stops a
 * trial whose best value so far is below the median of the completed trials' values at the same
 * epoch. It waits for {@code startupTrials} completed trials and does not judge the first {@code
 * warmupEpochs} epochs of a trial; {@code minTrials} completed trials must have a value at the
 * epoch.
 */
public record MedianPruner(int startupTrials, int warmupEpochs, int minTrials) implements Pruner {

  @Override
  public String name() {
    return "median";
  }

  @Override
  public boolean prune(LearningCurve trial, List<LearningCurve> others, int maxEpochs) {
    int epoch = trial.epochs();
    if (epoch <= warmupEpochs) {
      return false;
    }
    List<LearningCurve> completed = others.stream().filter(LearningCurve::isComplete).toList();
    if (completed.isEmpty() || completed.size() < startupTrials) {
      return false;
    }
    double best = trial.bestUpTo(epoch);
    if (Double.isNaN(best)) {
      return false; // nothing to judge (no validation values)
    }
    double[] atEpoch =
        completed.stream().mapToDouble(c -> c.at(epoch)).filter(Double::isFinite).sorted().toArray();
    if (atEpoch.length == 0 || atEpoch.length < minTrials) {
      return false;
    }
    return best < median(atEpoch);
  }

  /** The median of sorted values (the mean of the middle two for an even count, as numpy's). */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
