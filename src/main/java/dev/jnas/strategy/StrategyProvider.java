package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.SearchSpace;

/**
 * Creates one kind of strategy by name; found with {@link java.util.ServiceLoader} (listed in
 * META-INF/services/dev.jnas.strategy.StrategyProvider), so engine-backed strategies can live
 * outside this package.
 */
public interface StrategyProvider {
  String name();

  /** One line for `--help` and error messages. */
  String description();

  /**
   * Whether the strategy runs libtorch (a neural controller): the experiment then records the
   * engine's version and tabular searches keep libtorch to one thread.
   */
  default boolean usesEngine() {
    return false;
  }

  /**
   * Whether the strategy is a one-shot search (it trains one supernet with the experiment's
   * training evaluator instead of proposing trials): it then needs evaluator type {@code training}.
   */
  default boolean oneShot() {
    return false;
  }

  /**
   * Whether the strategy grows networks by morphisms and trains each from its parent's stored
   * weights (hill climbing, LEMONADE): it then needs evaluator type {@code training} and space
   * {@code graph}, and runs its own trial loop.
   */
  default boolean growsNetworks() {
    return false;
  }

  /**
   * Parameters added after the strategy's snapshots were first written, each with the value that a
   * snapshot without it ran with (the behaviour before the parameter existed), so a search stored
   * by an earlier jnas continues as it ran. Empty by default.
   */
  default ObjectNode addedParams() {
    return dev.jnas.util.Json.MAPPER.createObjectNode();
  }

  /**
   * @param params strategy parameters from the config (may be empty); unknown or invalid ones
   *     raise {@link dev.jnas.util.BadInputException} naming the parameter
   */
  Strategy create(SearchSpace space, JsonNode params, long seed);
}
