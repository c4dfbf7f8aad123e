package dev.jnas.api;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.experiment.FinalTuner;
import dev.jnas.experiment.SearchLoop;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.NasException;

/**
 * The parts an experiment wires together.
 *
 * @param evaluator null when the caller evaluates trials itself (ask/tell)
 * @param finalTrainer null for evaluators that cannot train (tabular, the caller's own)
 * @param defaultEpochs epochs per trial when the budget does not say
 * @param usesEngine whether the parts run libtorch (provenance then records its version)
 * @param loop the search that replaces the ask/tell loop (one-shot and morphism strategies), or null
 * @param tuner the closing hyperparameter search before the final retraining ({@code final.tune}), or null
 */
record Components(
    SearchSpace space,
    Strategy strategy,
    Evaluator evaluator,
    FinalTrainer finalTrainer,
    int defaultEpochs,
    boolean usesEngine,
    SearchLoop loop,
    FinalTuner tuner)
    implements AutoCloseable {

  Components(
      SearchSpace space, Strategy strategy, Evaluator evaluator, FinalTrainer finalTrainer, int defaultEpochs,
      boolean usesEngine) {
    this(space, strategy, evaluator, finalTrainer, defaultEpochs, usesEngine, null, null);
  }

  @Override
  public void close() {
    try {
      if (evaluator != null) {
        evaluator.close();
      }
    } finally {
      // the RL controller holds native memory
      if (strategy instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          throw new NasException("cannot close strategy " + strategy.name(), e);
        }
      }
    }
  }
}
