package dev.jnas.experiment.pruning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Asynchronous successive halving as a budget allocator (Li et al. 2020's ASHA; Optuna's {@code
 * SuccessiveHalvingPruner}): rungs sit at {@code minEpochs * eta^(minEarlyStoppingRate + k)}
 * epochs below the trial budget. A trial reaching a rung goes on only if its value there is among
 * the top {@code 1/eta} of the values every trial (running, complete or pruned) had at that rung;
 * while fewer than {@code eta} trials reached it, only the best goes on. So of the trials that
 * start, about {@code 1/eta} pass each rung and few train their full budget.
 *
 * <p>Stateless: a trial's value at a rung is its curve's value at the rung's epoch, so a resumed
 * experiment decides from its stored curves alone.
 */
public record SuccessiveHalvingPruner(int minEpochs, int eta, int minEarlyStoppingRate) implements Pruner {

  public SuccessiveHalvingPruner {
    if (minEpochs < 1 || eta < 2 || minEarlyStoppingRate < 0) {
      throw new IllegalArgumentException("min_epochs >= 1, eta >= 2, rate >= 0");
    }
  }

  @Override
  public String name() {
    return "successive_halving";
  }

  @Override
  public boolean prune(LearningCurve trial, List<LearningCurve> others, int maxEpochs) {
    int epoch = trial.epochs();
    if (!rungs(maxEpochs).contains(epoch)) {
      return false;
    }
    double value = trial.at(epoch);
    if (!Double.isFinite(value)) {
      return false; // no validation value to rank by
    }
    List<Double> competing = new ArrayList<>();
    competing.add(value);
    for (LearningCurve o : others) {
      double v = o.at(epoch);
      if (Double.isFinite(v)) {
        competing.add(v);
      }
    }
    return !promotable(value, competing, eta);
  }

  /** The rung epochs below {@code maxEpochs} (a trial's last epoch is no rung: it is complete). */
  public List<Integer> rungs(int maxEpochs) {
    List<Integer> r = new ArrayList<>();
    long e = minEpochs;
    for (int i = 0; i < minEarlyStoppingRate && e < maxEpochs; i++) {
      e *= eta;
    }
    for (; e < maxEpochs; e *= eta) {
      r.add((int) e);
    }
    return r;
  }

  /**
   * Optuna's rule: in the top {@code len / eta} of the values (at least the top one).
   *
   * @param competing the values at the rung, {@code value} included
   */
  static boolean promotable(double value, List<Double> competing, int eta) {
    int top = Math.max(1, competing.size() / eta);
    List<Double> sorted = new ArrayList<>(competing);
    sorted.sort(Collections.reverseOrder());
    return value >= sorted.get(top - 1);
  }
}
