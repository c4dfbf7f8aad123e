package dev.jnas.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.strategy.Strategies;
import dev.jnas.strategy.StrategyParams;
import dev.jnas.util.Json;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Continues a stored search with the strategy parameters it ran with. A config names only the
 * parameters the user set; the strategy fills in the rest from its defaults and records all of
 * them in its snapshots. When a later jnas changes a default, the strategy it builds from the
 * config is not the one that ran and refuses the snapshot, so the snapshot's parameters are used
 * instead, as long as they agree with every parameter the config sets.
 */
final class StrategyPinning {
  /** Numbers by value (a config's 1 and a snapshot's 1.0 agree), at any depth; other nodes as JSON equality. */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

  private StrategyPinning() {}

  /**
   * {@code config} with its strategy's parameters taken from {@code snapshot} (the store's last
   * strategy snapshot, {"seq": n, "strategy": {"strategy": name, "params": {...}, ...}}), or
   * {@code config} itself where there is nothing to take: no snapshot, one that is unreadable or
   * of another strategy (restoring it reports that), one without parameters, or parameters that
   * differ from one the config sets.
   */
  static ExperimentConfig pin(ExperimentConfig config, Optional<String> snapshot) {
    if (snapshot.isEmpty()) {
      return config;
    }
    JsonNode strategy;
    try {
      strategy = Json.MAPPER.readTree(snapshot.get()).path("strategy");
    } catch (JsonProcessingException e) {
      return config;
    }
    JsonNode stored = strategy.get("params");
    if (!strategy.path("strategy").asText("").equals(config.strategyName()) || stored == null || !stored.isObject()) {
      return config;
    }
    // a parameter newer than the snapshot: the search ran with its value from before it existed
    ObjectNode ran = StrategyParams.withAdded((ObjectNode) stored, Strategies.provider(config.strategyName()).addedParams());
    JsonNode given = config.strategyParams();
    if (given != null && given.isObject()) {
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) given::fields) {
        JsonNode r = ran.get(e.getKey());
        if (r == null || !e.getValue().equals(NUMBERS_BY_VALUE, r)) {
          return config;
        }
      }
    }
    return ran.equals(given) ? config : config.withStrategyParams(ran.deepCopy());
  }

}
