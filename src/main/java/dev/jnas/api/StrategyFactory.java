package dev.jnas.api;

import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;

/** Makes a caller's own strategy for an experiment's space and seed (see {@link ExperimentBuilder}). */
@FunctionalInterface
public interface StrategyFactory {
  /**
   * @param seed the experiment seed: all of the strategy's randomness should flow from it, so the
   *     same seed gives the same trials
   */
  Strategy create(SearchSpace space, long seed);
}
