package dev.jnas.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;

/** Builds the evaluator an experiment config asks for. */
final class Evaluators {
  private Evaluators() {}

  static Components create(JsonNode cfg, SearchSpace space, Strategy strategy) {
    String type = cfg.path("type").asText("");
    throw new BadInputException("config: unknown evaluator type '" + type + "' (valid: training, tabular)");
  }
}
