package dev.jnas.experiment.pruning;

import dev.jnas.evaluate.TrialStatus;
import java.util.List;

/**
 * A trial's validation accuracy per epoch as a pruner sees it.
 *
 * @param trialId the trial's id
 * @param seed the trial's seed (Hyperband assigns brackets from it)
 * @param status RUNNING, COMPLETE or PRUNED
 * @param values the value after epoch 1, 2, ...; NaN where the evaluator reported none
 */
public record LearningCurve(long trialId, long seed, TrialStatus status, List<Double> values) {
  public LearningCurve {
    values = List.copyOf(values);
  }

  /** Epochs reported so far. */
  public int epochs() {
    return values.size();
  }

  /** The value after {@code epoch} (from 1); NaN when the curve is shorter. */
  public double at(int epoch) {
    return epoch >= 1 && epoch <= values.size() ? values.get(epoch - 1) : Double.NaN;
  }

  /** The value after the last reported epoch; NaN for an empty curve. */
  public double last() {
    return at(values.size());
  }

  /** The best (highest) value over the first {@code epoch} epochs; NaN when none is finite. */
  public double bestUpTo(int epoch) {
    double best = Double.NaN;
    for (int i = 0; i < Math.min(epoch, values.size()); i++) {
      double v = values.get(i);
      if (Double.isFinite(v) && !(v <= best)) {
        best = v;
      }
    }
    return best;
  }

  public boolean isComplete() {
    return status == TrialStatus.COMPLETE;
  }
}
