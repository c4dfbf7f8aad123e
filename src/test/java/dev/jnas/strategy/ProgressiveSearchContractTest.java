package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.CellSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.Json;
import java.util.List;
import java.util.stream.Stream;

/**
 * PNAS under the strategy contract, on progressive cell spaces (the only spaces it searches): 2
 * blocks of 2 ops and 3 blocks of 3 ops, with K large enough that the contract's 35 asks fit in
 * the levels, and a small, quick predictor.
 */
class ProgressiveSearchContractTest extends StrategyContract {
  static {
    // tiny tensors: one intra-op thread avoids OpenMP stalls on a busy machine
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  @Override
  protected String strategyName() {
    return "pnas";
  }

  @Override
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode().put("k", 25).put("epochs", 5).put("hidden", 8);
  }

  @Override
  protected List<String> badParams() {
    return List.of(
        "{\"k\": 0}", "{\"predictor\": \"gp\"}", "{\"members\": 0}", "{\"epochs\": 1.5}", "{\"learning_rate\": -1}",
        "{\"beam\": 4}");
  }

  @Override
  protected SearchSpace simpleSpace() {
    return new CellSpace(2, List.of("identity", "max_pool_3x3"), 1, 4, 2, true, true);
  }

  /** Hides the contract's spaces: PNAS grows progressive cells. */
  static Stream<SearchSpace> spaces() {
    return Stream.of(
        new CellSpace(2, List.of("identity", "max_pool_3x3"), 1, 4, 2, true, true),
        new CellSpace(3, List.of("identity", "avg_pool_3x3", "sep_conv_3x3"), 1, 4, 2, true, true));
  }
}
