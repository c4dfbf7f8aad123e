package dev.jnas.api;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;

/**
 * The parts an experiment config wires together.
 *
 * @param finalTrainer null for evaluators that cannot train (tabular)
 * @param defaultEpochs epochs per trial when the budget does not say
 */
record Components(SearchSpace space, Strategy strategy, Evaluator evaluator, FinalTrainer finalTrainer, int defaultEpochs)
    implements AutoCloseable {
  @Override
  public void close() {
    try {
      evaluator.close();
    } finally {
      // the RL controller holds native memory
      if (strategy instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          throw new dev.jnas.util.NasException("cannot close strategy " + strategy.name(), e);
        }
      }
    }
  }
}
