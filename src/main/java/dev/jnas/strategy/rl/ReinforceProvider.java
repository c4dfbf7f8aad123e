package dev.jnas.strategy.rl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.strategy.StrategyProvider;

/** Registers {@link ReinforceController} as strategy {@code reinforce}. */
public final class ReinforceProvider implements StrategyProvider {

  @Override
  public String name() {
    return ReinforceController.NAME;
  }

  @Override
  public String description() {
    return "NAS-RL: LSTM controller trained with REINFORCE and a moving-average baseline (Zoph & Le 2017)";
  }

  @Override
  public boolean usesEngine() {
    return true;
  }

  @Override
  public Strategy create(SearchSpace space, JsonNode params, long seed) {
    return new ReinforceController(space, ReinforceConfig.fromJson(params), seed);
  }
}
